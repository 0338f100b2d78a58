"""The single writer: the only code that changes request state.

Webhook deliveries are stored in the inbox by ``accept`` (group-committed: every
delivery waiting when the writer wakes goes into one transaction, and each
caller is answered once that transaction is on disk). Then the same writer
processes them, together with events submitted by pollers and listeners:

    parse → core events → owners of their keys → core.correlate.resolve
          → core.machine.apply → one transaction (a savepoint per delivery) → commit
          → bus.publish (each changed request serialised once)

A delivery that cannot be processed keeps its error on its inbox row; it never
stops the writer. Rows left unprocessed by a crash are processed on start.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import Connection

from status_tracker.core import correlate, machine
from status_tracker.core.events import Event
from status_tracker.core.model import MEDIA_KINDS, Episode, Key, Request
from status_tracker.integrations.base import TranslateContext, Translator
from status_tracker.integrations.errors import BadPayload
from status_tracker.runtime.bus import Bus, Change
from status_tracker.schema import request_json
from status_tracker.storage import inbox, requests
from status_tracker.storage.db import Database

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
TURN_SECONDS = 0.01
"""How long one writer turn may process while new deliveries wait to be stored."""
MAX_TURN = 2000
CHUNK = 10
FLOOD_BACKLOG = 200
FLOOD_WINDOW = 0.05
FLOOD_PAUSE = 1.0
"""In a flood (more than FLOOD_BACKLOG deliveries waiting and more still arriving, the last
less than FLOOD_WINDOW ago) the backlog is processed at most every FLOOD_PAUSE seconds:
storing, and so answering senders, comes first. Otherwise everything is processed at once."""
"""At most this many deliveries per transaction."""


def utcnow() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


class Unmatched(Exception):
    """No request matches the event and the event may not start one."""


@dataclass(slots=True)
class _Outcome:
    """What one writer turn changed, and the deliveries it stored but left for later."""

    changed: dict[int, Request] = field(default_factory=dict)
    created: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)
    marks: list[tuple[int, datetime, str | None]] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)


def decode_body(content_type: str, body: str) -> dict[str, Any]:
    """A stored body as a dict: JSON object, or form fields."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body, keep_blank_values=True))
    value = json.loads(body)
    if not isinstance(value, dict):
        raise BadPayload("body is not a JSON object")
    return value


class Pipeline:
    """The writer task and its queues."""

    def __init__(
        self,
        database: Database,
        translators: Mapping[str, Translator],
        context: TranslateContext,
        bus: Bus,
        clock: Clock = utcnow,
    ) -> None:
        self.database = database
        self.translators = dict(translators)
        self.context = context
        self.bus = bus
        self.clock = clock
        self._accepts: list[tuple[inbox.Delivery, asyncio.Future[tuple[int, bool]]]] = []
        self._events: list[Sequence[Event]] = []
        self._backlog: deque[int] = deque()
        self._wake = asyncio.Event()
        self._last_processing = 0.0
        self._last_accept = 0.0
        self.processed = 0

    async def accept(self, delivery: inbox.Delivery) -> tuple[int, bool]:
        """Store a delivery durably; returns its inbox id and whether it is new."""
        future: asyncio.Future[tuple[int, bool]] = asyncio.get_running_loop().create_future()
        self._accepts.append((delivery, future))
        self._wake.set()
        return await future

    async def submit(self, events: Sequence[Event]) -> None:
        """Queue events from a poller or listener (applied in order, not stored in the inbox)."""
        if events:
            self._events.append(tuple(events))
            self._wake.set()

    def _wake_later(self) -> None:
        asyncio.get_running_loop().call_later(FLOOD_WINDOW, self._wake.set)

    async def run(self) -> None:
        """Process what a crash left, then work as it arrives, forever.

        Each turn first stores every waiting delivery (so senders get their 202
        quickly), then processes a time-boxed chunk of the backlog.
        """
        loop = asyncio.get_running_loop()
        with self.database.reader.connect() as connection:
            self._backlog.extend(inbox.unprocessed(connection))
        if self._backlog:
            log.info("writer: processing %d deliveries left unprocessed", len(self._backlog))
            self._wake.set()
        while True:
            if not (self._accepts or self._events):
                await self._wake.wait()
            self._wake.clear()
            accepts, self._accepts = self._accepts, []
            events, self._events = self._events, []
            try:
                outcome = await asyncio.to_thread(self._turn, accepts, events, loop)
            except Exception as exc:
                log.exception("writer: turn failed")
                for _, future in accepts:
                    if not future.done():
                        future.set_exception(exc)
                await asyncio.sleep(1)
                continue
            self._publish(outcome)

    def _turn(
        self,
        accepts: list[tuple[inbox.Delivery, asyncio.Future[tuple[int, bool]]]],
        events: list[Sequence[Event]],
        loop: asyncio.AbstractEventLoop,
    ) -> _Outcome:
        """One writer turn, in a worker thread (never two at once)."""
        now = time.monotonic()
        if accepts:
            with self.database.writer.begin() as connection:
                stored = inbox.store(connection, [d for d, _ in accepts])
            futures = [future for _, future in accepts]
            loop.call_soon_threadsafe(_resolve, futures, stored)
            self._backlog.extend(i for i, new in stored if new)
            self._last_accept = now
        flooded = (
            len(self._backlog) > FLOOD_BACKLOG
            and now - self._last_accept < FLOOD_WINDOW
            and now - self._last_processing < FLOOD_PAUSE
        )
        outcome = _Outcome()
        if events or (self._backlog and not flooded):
            with self.database.writer.begin() as connection:
                if not flooded:
                    self._last_processing = now
                    self._process_backlog(connection, outcome, now + TURN_SECONDS)
                self._apply_events(connection, events, outcome)
        if self._backlog:
            loop.call_soon_threadsafe(self._wake_later if flooded else self._wake.set)
        return outcome

    def _process_backlog(self, connection: Connection, outcome: _Outcome, deadline: float) -> None:
        """Process stored deliveries until the deadline (longer while nobody waits)."""
        while self._backlog and len(outcome.marks) < MAX_TURN:
            chunk = [self._backlog.popleft() for _ in range(min(CHUNK, len(self._backlog)))]
            for delivery in inbox.fetch(connection, chunk):
                self._process_delivery(connection, delivery, outcome)
            if self._accepts and time.monotonic() >= deadline:
                break
        inbox.mark(connection, outcome.marks)
        self.processed += len(outcome.marks)

    def _apply_events(
        self, connection: Connection, events: list[Sequence[Event]], outcome: _Outcome
    ) -> None:
        """Apply events from pollers and listeners, each batch all or nothing."""
        for batch in events:
            try:
                with requests.savepoint(connection):
                    for event in batch:
                        self._apply(connection, event, outcome)
            except Unmatched:
                pass
            except Exception:
                log.exception("writer: events from %s failed", batch[0].source)

    def _process_delivery(
        self, connection: Connection, delivery: inbox.StoredDelivery, outcome: _Outcome
    ) -> None:
        error: str | None = None
        saved = (dict(outcome.changed), set(outcome.created), set(outcome.removed))
        try:
            with requests.savepoint(connection):
                body = decode_body(delivery.content_type, delivery.body)
                events = self.translators[delivery.source](body, self.context)
                unmatched = 0
                for event in events:
                    try:
                        self._apply(connection, event, outcome)
                    except Unmatched:
                        unmatched += 1
                if unmatched:
                    error = f"ignored: {unmatched} event(s) match no tracked request"
        except Exception as exc:
            outcome.changed, outcome.created, outcome.removed = saved
            error = f"{type(exc).__name__}: {exc}"
            log.warning(
                "delivery %d from %s not processed: %s", delivery.id, delivery.source, error
            )
        outcome.marks.append((delivery.id, self.clock(), error))

    def _apply(self, connection: Connection, event: Event, outcome: _Outcome) -> None:
        now = self.clock()
        keys = list(correlate.keys_for(event))
        owners = requests.owners(connection, keys)
        resolution = correlate.resolve(keys, owners)
        current: Request | None
        match resolution:
            case correlate.Create():
                if not event.CREATES and correlate.jellyseerr_id(keys) is None:
                    raise Unmatched
                current = None
            case correlate.Update(id=request_id):
                current = requests.load(connection, request_id)
                current = self._season_request(connection, event, current, owners)
            case correlate.Merge(keep=keep, absorb=absorb):
                current = requests.load(connection, keep)
                assert current is not None
                for other_id in absorb:
                    other = requests.load(connection, other_id)
                    if other is not None:
                        current = machine.merge(current, other, now)
                        requests.absorb(connection, keep, other_id)
                        outcome.removed.add(other_id)
                        outcome.changed.pop(other_id, None)
                log.info("request %d: merged %s into it", keep, ", ".join(map(str, absorb)))
            case correlate.Ambiguous(ids=ids):
                raise ValueError(f"keys match requests {ids} that cannot be the same")
        applied = machine.apply(current, event, now)
        saved = requests.save(connection, applied.request)
        assert saved.id is not None
        requests.attach_keys(connection, saved.id, keys, owners)
        requests.add_timeline(connection, saved.id, applied.entries)
        if current is None:
            outcome.created.add(saved.id)
        if applied.moved:
            log.info("request %d: %s (%s)", saved.id, saved.state, event.source)
        if applied.moved or applied.entries or saved != current:
            outcome.changed[saved.id] = saved

    def _season_request(
        self,
        connection: Connection,
        event: Event,
        current: Request | None,
        owners: Mapping[Key, correlate.Owner],
    ) -> Request | None:
        """For a series matched by its title keys alone, the request that asked for the
        seasons the event is about (see ``correlate.season_owner``)."""
        episodes: tuple[Episode, ...] = getattr(event, "episodes", ())
        if current is None or current.tvdb_id is None or not episodes:
            return current
        seasons = {e.season for e in episodes}
        if seasons <= set(current.seasons):
            return current
        if any(o.id == current.id and k.kind not in MEDIA_KINDS for k, o in owners.items()):
            return current
        chosen = correlate.season_owner(
            requests.series_requests(connection, current.tvdb_id), seasons
        )
        return requests.load(connection, chosen) if chosen not in (None, current.id) else current

    def _publish(self, outcome: _Outcome) -> None:
        for request_id, request in outcome.changed.items():
            text = json.dumps(request_json(request), separators=(",", ":"))
            change = Change(
                self.bus.next_id(),
                request,
                text,
                request_id in outcome.created,
                {"removed": sorted(outcome.removed)} if outcome.removed else {},
            )
            self.bus.publish(change)


def _resolve(
    futures: list[asyncio.Future[tuple[int, bool]]], results: list[tuple[int, bool]]
) -> None:
    for future, result in zip(futures, results, strict=True):
        if not future.done():
            future.set_result(result)
