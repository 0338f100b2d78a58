"""Radarr reconciliation: a ``PollSource`` that compares tracked requests with Radarr's API.

Run by ``runtime.poller.run_poller`` every ``TRACKER_RECONCILE_MINUTES`` (and once
at start). Each poll reads the whole queue and the history since the oldest active
movie request (at most ``lookback`` back, then only what is newer than the last
poll saw), turns them into core events (``translate.from_queue``/``from_history``)
and submits what ``Reconciler`` finds new: missed grabs and imports, download
failures (Radarr sends no webhook for those), blocked imports, and progress when
qBittorrent is not configured.

Errors are the client's (``Unreachable``, ``AuthFailed``, ``BadPayload``);
``run_poller`` turns them into health, backoff and one log line per change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from status_tracker.config import Settings
from status_tracker.core.model import MediaType, Request
from status_tracker.integrations._arr_api import RetryPolicy
from status_tracker.integrations._arr_reconcile import CLOCK_SKEW, Reconciler
from status_tracker.integrations.base import Host, TranslateContext
from status_tracker.integrations.radarr.client import RadarrClient
from status_tracker.integrations.radarr.payloads import HistoryRecord
from status_tracker.integrations.radarr.translate import (
    SOURCE,
    from_history,
    from_queue,
    latest_date,
)

LOOKBACK = timedelta(days=14)
"""How far back the first history read of a run goes, at most."""
POLL_RETRY = RetryPolicy(attempts=3, timeout=20.0, wait_initial=0.5, wait_max=2.0)
"""Retries inside one poll; longer outages are ``run_poller``'s backoff."""


def utcnow() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


class RadarrPoller:
    """Reconciles active movie requests with Radarr's queue and history."""

    name = SOURCE

    def __init__(
        self,
        client: RadarrClient,
        interval: float,
        *,
        context: TranslateContext | None = None,
        skip_progress: bool = False,
        lookback: timedelta = LOOKBACK,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.client = client
        self.interval = interval
        self.context = context or TranslateContext()
        self.lookback = lookback
        self.reconciler = Reconciler(SOURCE, skip_progress=skip_progress)
        self._clock = clock
        self._cursor: datetime | None = None
        self.polls = 0
        """Polls completed."""
        self.submitted = 0
        """Events handed to the writer."""

    @classmethod
    def from_settings(cls, settings: Settings) -> RadarrPoller:
        """A poller for the configured Radarr (``TRACKER_RADARR_*``)."""
        url = settings.url("radarr")
        if url is None:
            raise ValueError("TRACKER_RADARR_URL is not set")
        client = RadarrClient(url, settings.radarr_api_key or "", retry=POLL_RETRY)
        return cls(
            client,
            settings.reconcile_minutes * 60,
            context=TranslateContext(settings.mappings, settings.watch_base),
            skip_progress=settings.url("qbittorrent") is not None,
        )

    async def __aenter__(self) -> RadarrPoller:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.client.aclose()

    # --- PollSource --------------------------------------------------------------------

    async def wanted(self, host: Host) -> bool:
        """Always: the queue may hold grabs nobody told us about."""
        return True

    def wakes_on(self, request: Request) -> bool:
        """Never: webhooks bring changes; reconciliation keeps its pace."""
        return False

    async def poll(self, host: Host) -> None:
        """Read queue and history, submit what is new."""
        active = await host.active_requests()
        movies = [r for r in active if r.media_type is MediaType.MOVIE]
        queue = await self.client.queue()
        history = await self._history(movies)
        events = self.reconciler.news(
            active, from_history(history, self.context), from_queue(queue)
        )
        for event in events:
            await host.submit([event])
        self.submitted += len(events)
        self.polls += 1

    async def _history(self, movies: Sequence[Request]) -> list[HistoryRecord]:
        if not movies:
            return []
        start = max(min(r.created_at for r in movies) - CLOCK_SKEW, self._clock() - self.lookback)
        since = max(start, self._cursor) if self._cursor else start
        rows = await self.client.history_since(since)
        latest = latest_date(rows)
        if latest is not None and (self._cursor is None or latest > self._cursor):
            self._cursor = latest
        return rows
