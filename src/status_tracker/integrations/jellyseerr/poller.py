"""Jellyseerr reconciliation: a ``PollSource`` that reads Jellyseerr's own request list.

Jellyseerr sends each webhook once and never retries, so a request made while
the tracker was down would be lost. Every ``TRACKER_RECONCILE_MINUTES`` (and at
start) this reads the most recently modified requests (``MAX_PAGES`` pages of
``PAGE_SIZE``) and submits ``translate.events_for_request`` for each one whose
status changed since the last poll — for requests the tracker already follows,
and for open ones (pending or approved, not yet in the library) it missed. Old
finished requests are not imported. The core drops facts it already has.

Errors are the client's (``Unreachable``, ``AuthFailed``, ``BadPayload``);
``run_poller`` turns them into health, backoff and one log line per change.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from status_tracker.config import Settings
from status_tracker.core.model import Request
from status_tracker.integrations.base import Host
from status_tracker.integrations.jellyseerr.client import JellyseerrClient
from status_tracker.integrations.jellyseerr.payloads import (
    JellyseerrRequestRecord,
    MediaRequestStatus,
    MediaStatus,
)
from status_tracker.integrations.jellyseerr.translate import SOURCE, events_for_request

PAGE_SIZE = 100
MAX_PAGES = 3

Signature = tuple[object, ...]


def signature(record: JellyseerrRequestRecord) -> Signature:
    """What must change for a record to be looked at again."""
    media = record.media
    return (
        record.status,
        media.status if media else None,
        media.status4k if media else None,
        record.updated_at,
    )


def is_open(record: JellyseerrRequestRecord) -> bool:
    """Pending or approved and not yet in the library: worth tracking if we missed it."""
    if record.status not in (MediaRequestStatus.PENDING, MediaRequestStatus.APPROVED):
        return False
    media = record.media
    status = (media.status4k if record.is4k else media.status) if media else None
    return status != MediaStatus.AVAILABLE


class JellyseerrPoller:
    """Reconciles tracked requests with ``GET /api/v1/request``."""

    name = SOURCE

    def __init__(self, client: JellyseerrClient, interval: float) -> None:
        self.client = client
        self.interval = interval
        self._seen: dict[int, Signature] = {}
        self.submitted = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """A poller for the configured Jellyseerr."""
        url = settings.url(SOURCE)
        if url is None:
            raise ValueError("TRACKER_JELLYSEERR_URL is not set")
        client = JellyseerrClient(url, settings.jellyseerr_api_key or "")
        return cls(client, settings.reconcile_minutes * 60)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.client.aclose()

    async def wanted(self, host: Host) -> bool:
        """Always: missed requests can turn up at any time."""
        return True

    def wakes_on(self, request: Request) -> bool:
        """Changes the tracker makes never call for a Jellyseerr read."""
        return False

    async def poll(self, host: Host) -> None:
        """Read the recently modified requests and submit what changed."""
        records = await self.client.requests(PAGE_SIZE, sort="modified", max_pages=MAX_PAGES)
        active = await host.active_requests()
        tracked = {r.jellyseerr_request_id for r in active if r.jellyseerr_request_id}
        for record in records:
            mark = signature(record)
            if self._seen.get(record.id) == mark:
                continue
            self._seen[record.id] = mark
            if record.id not in tracked and not is_open(record):
                continue
            events = events_for_request(record)
            if events:
                await host.submit(events)
                self.submitted += len(events)
