"""A thin Jellyfin API client: items by id, items added last, the server's identity.

Authenticates with ``Authorization: MediaBrowser Token="<api key>"``, the only
form Jellyfin 12 still accepts by default (``X-Emby-Token`` is legacy). Items are
read with ``GET /Items?ids=…``, which works with an API key without a user id
(``GET /Items/{id}`` does not). Errors follow ``integrations.errors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from status_tracker.integrations import _http
from status_tracker.integrations.jellyfin.payloads import (
    JellyfinItem,
    SystemInfo,
    parse_items,
    parse_notification,
    parse_system_info,
)

ITEM_FIELDS = "ProviderIds,Path"
RECENT_FIELDS = "ProviderIds,Path,DateCreated"


def _same_id(left: str | None, right: str | None) -> bool:
    def clean(value: str | None) -> str:
        return (value or "").strip().strip("{}").replace("-", "").lower()

    return bool(left and right) and clean(left) == clean(right)


class JellyfinClient(_http.ApiClient):
    """Jellyfin's REST API with an API key (Dashboard → API Keys)."""

    def __init__(
        self, url: str, api_key: str, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        headers = {"Authorization": f'MediaBrowser Token="{api_key}"', "Accept": "application/json"}
        super().__init__(url, headers, transport)

    async def get_items(self, *item_ids: str) -> list[JellyfinItem]:
        """The items with these ids (dashed or not), with provider ids and path."""
        ids = [item_id for item_id in item_ids if item_id]
        if not ids:
            return []
        params = {"ids": ",".join(ids), "fields": ITEM_FIELDS, "enableImages": "false"}
        return parse_items(await _http.get_json(self._http, "/Items", params=params))

    async def get_item(self, item_id: str) -> JellyfinItem | None:
        """One item (e.g. a series, for its provider ids), or None when Jellyfin doesn't know it."""
        for item in await self.get_items(item_id):
            if _same_id(item.id, item_id):
                return item
        return None

    async def recent_items(self, limit: int = 100) -> list[JellyfinItem]:
        """The films and episodes added last, newest first, with provider ids, path and date."""
        params = {
            "recursive": "true",
            "includeItemTypes": "Movie,Episode",
            "sortBy": "DateCreated",
            "sortOrder": "Descending",
            "limit": str(limit),
            "fields": RECENT_FIELDS,
            "enableImages": "false",
            "enableUserData": "false",
        }
        return parse_items(await _http.get_json(self._http, "/Items", params=params))

    async def system_info(self) -> SystemInfo:
        """``GET /System/Info``: the server id, name and version (checks the API key too)."""
        return parse_system_info(await _http.get_json(self._http, "/System/Info"))

    async def enrich(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A webhook body plus what only the API knows, for ``translate``.

        Adds ``SeriesProvider_<name>`` (the series' provider ids) to an episode or
        season notification, and the item's ``Path`` when the body has none. Keys
        already present are kept; one ``GET /Items`` call at most.
        """
        note = parse_notification(body)
        enriched = dict(body)
        wanted: list[str] = []
        want_series = (
            note.item_kind in ("episode", "season")
            and note.series_id is not None
            and not note.series_provider_ids
        )
        if want_series and note.series_id:
            wanted.append(note.series_id)
        if note.item_id and not note.path:
            wanted.append(note.item_id)
        if not wanted:
            return enriched
        items = await self.get_items(*wanted)
        for item in items:
            if want_series and _same_id(item.id, note.series_id):
                for name, value in item.provider_ids.items():
                    enriched[f"SeriesProvider_{name}"] = value
            if not note.path and item.path and _same_id(item.id, note.item_id):
                enriched["Path"] = item.path
        return enriched
