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
from datetime import datetime, timedelta

from status_tracker.config import Settings
from status_tracker.core.model import MediaType, Request
from status_tracker.integrations._arr_reconcile import (
    LOOKBACK,
    POLL_RETRY,
    HistoryWindow,
    Reconciler,
    utcnow,
)
from status_tracker.integrations.base import Host, TranslateContext
from status_tracker.integrations.radarr.client import RadarrClient
from status_tracker.integrations.radarr.payloads import HistoryRecord
from status_tracker.integrations.radarr.translate import (
    SOURCE,
    from_history,
    from_queue,
    latest_date,
)


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
        self.reconciler = Reconciler(SOURCE, skip_progress=skip_progress)
        self._clock = clock
        self.window = HistoryWindow(lookback)
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
        since = self.window.since(movies, self._clock())
        if since is None:
            return []
        rows = await self.client.history_since(since)
        self.window.seen(latest_date(rows))
        return rows
