"""The integrations this service knows, as one literal tuple. Nothing is discovered.

Adding a service means a package under ``integrations/`` and one line here.
"""

from __future__ import annotations

from status_tracker.config import Settings
from status_tracker.integrations.base import Host, Integration
from status_tracker.integrations.jellyfin import translate as jellyfin
from status_tracker.integrations.jellyseerr import translate as jellyseerr
from status_tracker.integrations.qbittorrent import translate as qbittorrent
from status_tracker.integrations.qbittorrent.poller import QbittorrentPoller
from status_tracker.integrations.radarr import translate as radarr
from status_tracker.integrations.shoko import translate as shoko
from status_tracker.integrations.sonarr import translate as sonarr
from status_tracker.runtime.poller import run_poller


async def _qbittorrent_poller(settings: Settings, host: Host) -> None:
    async with QbittorrentPoller.from_settings(settings) as poller:
        await run_poller(poller, host)


INTEGRATIONS: tuple[Integration, ...] = (
    Integration("jellyseerr", "Jellyseerr", jellyseerr.translate),
    Integration("sonarr", "Sonarr", sonarr.translate),
    Integration("radarr", "Radarr", radarr.translate),
    Integration(
        "qbittorrent",
        "qBittorrent",
        qbittorrent.translate,
        background=_qbittorrent_poller,
        accepts_form=True,
        required_fields=("hash",),
    ),
    Integration("jellyfin", "Jellyfin", jellyfin.translate),
    Integration("shoko", "Shoko", shoko.translate),
)
