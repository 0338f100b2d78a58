"""The integrations this service knows, as one literal tuple. Nothing is discovered.

Adding a service means a package under ``integrations/`` and one line here.
"""

from __future__ import annotations

from status_tracker.config import Settings
from status_tracker.integrations.base import Host, Integration, TranslateContext
from status_tracker.integrations.jellyfin import translate as jellyfin
from status_tracker.integrations.jellyfin.client import JellyfinClient
from status_tracker.integrations.jellyfin.poller import JellyfinPoller
from status_tracker.integrations.jellyseerr import translate as jellyseerr
from status_tracker.integrations.jellyseerr.poller import JellyseerrPoller
from status_tracker.integrations.qbittorrent import translate as qbittorrent
from status_tracker.integrations.qbittorrent.poller import QbittorrentPoller
from status_tracker.integrations.radarr import translate as radarr
from status_tracker.integrations.radarr.poller import RadarrPoller
from status_tracker.integrations.shoko import translate as shoko
from status_tracker.integrations.shoko.listener import host_listener
from status_tracker.integrations.sonarr import translate as sonarr
from status_tracker.integrations.sonarr.poller import SonarrPoller
from status_tracker.runtime.poller import run_poller
from status_tracker.runtime.supervise import supervise


async def _jellyseerr(settings: Settings, host: Host) -> None:
    """Reconciliation with Jellyseerr's request list (its webhooks are never retried)."""
    if not settings.jellyseerr_api_key:
        host.health("jellyseerr").failed("auth_failed", "TRACKER_JELLYSEERR_API_KEY is not set")
        return
    async with JellyseerrPoller.from_settings(settings) as poller:
        await run_poller(poller, host)


async def _sonarr(settings: Settings, host: Host) -> None:
    """Reconciliation with Sonarr's queue, history and episode list."""
    if not settings.sonarr_api_key:
        host.health("sonarr").failed("auth_failed", "TRACKER_SONARR_API_KEY is not set")
        return
    async with SonarrPoller.from_settings(settings) as poller:
        await run_poller(poller, host)


async def _radarr(settings: Settings, host: Host) -> None:
    """Reconciliation with Radarr's queue and history."""
    if not settings.radarr_api_key:
        host.health("radarr").failed("auth_failed", "TRACKER_RADARR_API_KEY is not set")
        return
    async with RadarrPoller.from_settings(settings) as poller:
        await run_poller(poller, host)


async def _qbittorrent_poller(settings: Settings, host: Host) -> None:
    async with QbittorrentPoller.from_settings(settings) as poller:
        await run_poller(poller, host)


async def _jellyfin(settings: Settings, host: Host) -> None:
    """Jellyfin's recently added items, read while a request waits for them."""
    url = settings.url("jellyfin")
    assert url is not None
    if not settings.jellyfin_api_key:
        host.health("jellyfin").failed("auth_failed", "TRACKER_JELLYFIN_API_KEY is not set")
        return
    context = TranslateContext(settings.mappings, settings.watch_base)
    async with JellyfinClient(url, settings.jellyfin_api_key) as client:
        await run_poller(JellyfinPoller(client, context), host)


async def _shoko(settings: Settings, host: Host) -> None:
    """Shoko's SignalR feed; every event is stored like ``POST /hooks/shoko``."""
    url = settings.url("shoko")
    assert url is not None
    listener = host_listener(url, settings.shoko_api_key, host)
    await supervise("shoko", listener.run_once, host.health("shoko"))


INTEGRATIONS: tuple[Integration, ...] = (
    Integration("jellyseerr", "Jellyseerr", jellyseerr.translate, background=_jellyseerr),
    Integration("sonarr", "Sonarr", sonarr.translate, background=_sonarr),
    Integration("radarr", "Radarr", radarr.translate, background=_radarr),
    Integration(
        "qbittorrent",
        "qBittorrent",
        qbittorrent.translate,
        background=_qbittorrent_poller,
        accepts_form=True,
        required_fields=("hash",),
    ),
    Integration("jellyfin", "Jellyfin", jellyfin.translate, background=_jellyfin),
    Integration("shoko", "Shoko", shoko.translate, background=_shoko),
)
