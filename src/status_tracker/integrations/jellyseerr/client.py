"""Jellyseerr REST client (``/api/v1``): the request list, for reconciliation.

Jellyseerr sends each webhook once and never retries, so a slow loop re-reads
``GET /api/v1/request`` and feeds what it finds through the pipeline. The API key
goes in ``X-Api-Key``. Failures surface as the integration error tree through
``_http``: refused/timeout/5xx → ``Unreachable``, 401/403 → ``AuthFailed``,
an unreadable answer → ``BadPayload``.
"""

from __future__ import annotations

import logging

import httpx

from status_tracker.integrations._http import ApiClient, get_json, send
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.jellyseerr.payloads import (
    JellyseerrRequestRecord,
    JellyseerrStatus,
    parse_request,
    parse_request_page,
    parse_status,
)

log = logging.getLogger(__name__)

REQUEST_FILTERS = frozenset(
    {
        "all",
        "approved",
        "processing",
        "pending",
        "unavailable",
        "failed",
        "completed",
        "available",
        "deleted",
    }
)
"""Values Jellyseerr accepts for ``filter`` on ``GET /api/v1/request``."""


class JellyseerrClient(ApiClient):
    """A thin async client for the parts of ``/api/v1`` the tracker reads."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(url, {"X-Api-Key": api_key, "Accept": "application/json"}, transport)

    async def status(self) -> JellyseerrStatus:
        """``GET /api/v1/status``: version info. Needs no key, so it proves reachability only."""
        return parse_status(await get_json(self._http, "/api/v1/status"))

    async def requests(
        self,
        take: int = 100,
        filter: str = "all",
        *,
        sort: str = "added",
        max_pages: int = 100,
    ) -> list[JellyseerrRequestRecord]:
        """Every request matching ``filter``, ``take`` per page, newest first.

        Stops at the last page (by ``pageInfo``, or a short page), and after
        ``max_pages`` pages with a warning. A request seen twice (the list moved
        while paging) is returned once.
        """
        if take < 1:
            raise ValueError("take must be at least 1")
        if filter not in REQUEST_FILTERS:
            raise ValueError(f"unknown request filter {filter!r}")
        found: dict[int, JellyseerrRequestRecord] = {}
        skip = 0
        for _ in range(max_pages):
            params = {"take": take, "skip": skip, "filter": filter, "sort": sort}
            page = parse_request_page(await get_json(self._http, "/api/v1/request", params=params))
            for record in page.records:
                found.setdefault(record.id, record)
            skip += page.received
            if _last_page(
                page.info.page, page.info.pages, page.info.results, skip, page.received, take
            ):
                return list(found.values())
        log.warning("Jellyseerr request list longer than %s pages; read the first ones", max_pages)
        return list(found.values())

    async def request(self, request_id: int) -> JellyseerrRequestRecord | None:
        """``GET /api/v1/request/{id}``; None when Jellyseerr no longer has it."""
        url = f"/api/v1/request/{request_id}"
        response = await send(self._http, "GET", url)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise BadPayload(f"{self._http.base_url}{url}: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise BadPayload(f"{self._http.base_url}{url}: not JSON") from exc
        return parse_request(body)


def _last_page(
    page: int | None,
    pages: int | None,
    total: int | None,
    seen: int,
    received: int,
    take: int,
) -> bool:
    if received == 0:
        return True
    if total is not None and seen >= total:
        return True
    if page is not None and pages is not None:
        return page >= pages
    return received < take
