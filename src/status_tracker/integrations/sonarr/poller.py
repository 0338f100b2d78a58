"""Sonarr reconciliation: a ``PollSource`` that compares tracked requests with Sonarr's API.

Run by ``runtime.poller.run_poller`` every ``TRACKER_RECONCILE_MINUTES`` (and once
at start). Each poll reads the whole queue and the history since the oldest active
TV request (at most ``lookback`` back, then only what is newer than the last poll
saw), turns them into core events (``translate.from_queue``/``from_history``) and
submits what ``Reconciler`` finds new: missed grabs and imports, download failures
(Sonarr sends no webhook for those), blocked imports, and progress when qBittorrent
is not configured.

It also counts the episodes a TV request wants: for each active request with
requested seasons, the aired episodes of those seasons in Sonarr's library
(``EpisodesExpected``), submitted when the count changes. A new request with
seasons and no count yet wakes the poller at once.

Errors are the client's (``Unreachable``, ``AuthFailed``, ``BadPayload``);
``run_poller`` turns them into health, backoff and one log line per change.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from status_tracker.config import Settings
from status_tracker.core.events import Event
from status_tracker.core.model import Key, KeyKind, MediaType, Request
from status_tracker.core.states import RequestState
from status_tracker.integrations._arr_reconcile import (
    LOOKBACK,
    POLL_RETRY,
    HistoryWindow,
    Reconciler,
    reached,
    utcnow,
)
from status_tracker.integrations.base import Host, TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.sonarr.client import SonarrClient
from status_tracker.integrations.sonarr.payloads import HistoryRecord, LibrarySeries
from status_tracker.integrations.sonarr.translate import (
    SOURCE,
    episodes_expected,
    from_history,
    from_queue,
    latest_date,
)

log = logging.getLogger(__name__)


class SonarrPoller:
    """Reconciles active TV requests with Sonarr's queue, history and episode list."""

    name = SOURCE

    def __init__(
        self,
        client: SonarrClient,
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
        self._series: dict[int, LibrarySeries] = {}
        self._counted: set[int] = set()
        self.polls = 0
        """Polls completed."""
        self.submitted = 0
        """Events handed to the writer."""

    @classmethod
    def from_settings(cls, settings: Settings) -> SonarrPoller:
        """A poller for the configured Sonarr (``TRACKER_SONARR_*``)."""
        url = settings.url("sonarr")
        if url is None:
            raise ValueError("TRACKER_SONARR_URL is not set")
        client = SonarrClient(url, settings.sonarr_api_key or "", retry=POLL_RETRY)
        return cls(
            client,
            settings.reconcile_minutes * 60,
            context=TranslateContext(settings.mappings, settings.watch_base),
            skip_progress=settings.url("qbittorrent") is not None,
        )

    async def __aenter__(self) -> SonarrPoller:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.client.aclose()

    # --- PollSource --------------------------------------------------------------------

    async def wanted(self, host: Host) -> bool:
        """Always: the queue may hold grabs nobody told us about."""
        return True

    def wakes_on(self, request: Request) -> bool:
        """A TV request with requested seasons whose episode count was never looked up."""
        return (
            request.id is not None
            and request.id not in self._counted
            and _wants_count(request)
            and request.expected_episodes is None
        )

    async def poll(self, host: Host) -> None:
        """Read queue and history, submit what is new; refresh episode counts."""
        active = await host.active_requests()
        shows = [r for r in active if r.media_type is MediaType.TV]
        queue = await self.client.queue()
        history = await self._history(shows)
        events = await self._expected(shows)  # counts first: they decide the series' state
        events.extend(
            self.reconciler.news(active, from_history(history, self.context), from_queue(queue))
        )
        for event in events:
            await host.submit([event])
        self.submitted += len(events)
        self.polls += 1

    # --- steps -------------------------------------------------------------------------

    async def _history(self, shows: Sequence[Request]) -> list[HistoryRecord]:
        since = self.window.since(shows, self._clock())
        if since is None:
            return []
        rows = await self.client.history_since(since)
        self.window.seen(latest_date(rows))
        return rows

    async def _expected(self, shows: Sequence[Request]) -> list[Event]:
        events: list[Event] = []
        for request in shows:
            if request.id is None or not _wants_count(request) or request.tvdb_id is None:
                continue
            self._counted.add(request.id)
            series = await self._series_of(request.tvdb_id)
            if series is None:
                continue
            try:
                counts = await self.client.episode_counts(
                    series.id, request.seasons, now=self._clock()
                )
            except BadPayload as exc:
                log.info("sonarr: episodes of series %s unreadable: %s", series.id, exc)
                self._series.pop(request.tvdb_id, None)
                continue
            event = episodes_expected(series, counts)
            if event.count and event.count != request.expected_episodes:
                if request.jellyseerr_request_id is not None:
                    key = Key(KeyKind.JELLYSEERR_REQUEST, str(request.jellyseerr_request_id))
                    event = dataclasses.replace(event, keys=(*event.keys, key))
                events.append(event)
        return events

    async def _series_of(self, tvdb_id: int) -> LibrarySeries | None:
        series = self._series.get(tvdb_id)
        if series is None:
            series = await self.client.series_by_tvdb(tvdb_id)
            if series is None:
                log.debug("sonarr: no series with tvdb id %s (yet)", tvdb_id)
                return None
            self._series[tvdb_id] = series
        return series


def _wants_count(request: Request) -> bool:
    """Requested seasons known and nothing ready to watch yet (nor failed or declined)."""
    return (
        request.media_type is MediaType.TV
        and bool(request.seasons)
        and request.state not in (RequestState.FAILED, RequestState.DECLINED)
        and not reached(request, RequestState.AVAILABLE)
    )
