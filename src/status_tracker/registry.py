"""The integrations this service knows, as one literal tuple. Nothing is discovered.

Adding a service means a package under ``integrations/`` and one line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from status_tracker.core.events import Event
from status_tracker.integrations.base import Integration, TranslateContext
from status_tracker.integrations.jellyseerr import translate as jellyseerr


def _stored_only(body: Mapping[str, Any], ctx: TranslateContext) -> list[Event]:
    return []


INTEGRATIONS: tuple[Integration, ...] = (
    Integration("jellyseerr", "Jellyseerr", jellyseerr.translate),
    Integration("sonarr", "Sonarr", _stored_only),
    Integration("radarr", "Radarr", _stored_only),
    Integration(
        "qbittorrent", "qBittorrent", _stored_only, accepts_form=True, required_fields=("hash",)
    ),
    Integration("jellyfin", "Jellyfin", _stored_only),
    Integration("shoko", "Shoko", _stored_only),
)
