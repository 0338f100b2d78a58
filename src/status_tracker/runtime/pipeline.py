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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import Connection

from status_tracker.core import correlate, machine
from status_tracker.core.events import Event
from status_tracker.core.model import Request
from status_tracker.integrations.base import TranslateContext, Translator
from status_tracker.integrations.errors import BadPayload
from status_tracker.runtime.bus import Bus, Change
from status_tracker.schema import request_json
from status_tracker.storage import inbox, requests
from status_tracker.storage.db import Database

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
MAX_BATCH = 500


def utcnow() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


class Unmatched(Exception):
    """No request matches the event and the event may not start one."""


@dataclass(slots=True)
class _Batch:
    """Work the writer picked up in one wake-up."""

    accepts: list[tuple[inbox.Delivery, asyncio.Future[tuple[int, bool]]]] = field(
        default_factory=list
    )
    deliveries: list[int] = field(default_factory=list)
    events: list[Sequence[Event]] = field(default_factory=list)


@dataclass(slots=True)
class _Outcome:
    """What one batch changed."""

    changed: dict[int, Request] = field(default_factory=dict)
    created: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)


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
        self._pending = _Batch()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self.processed = 0

    async def accept(self, delivery: inbox.Delivery) -> tuple[int, bool]:
        """Store a delivery durably; returns its inbox id and whether it is new."""
        future: asyncio.Future[tuple[int, bool]] = asyncio.get_running_loop().create_future()
        self._pending.accepts.append((delivery, future))
        self._poke()
        return await future

    async def submit(self, events: Sequence[Event]) -> None:
        """Queue events from a poller or listener (applied in order, not stored in the inbox)."""
        if events:
            self._pending.events.append(tuple(events))
            self._poke()

    def _poke(self) -> None:
        self._idle.clear()
        self._wake.set()

    async def drained(self) -> None:
        """Wait until everything queued so far has been processed and published."""
        while not self._idle.is_set() or self._wake.is_set():
            await self._idle.wait()
            await asyncio.sleep(0)

    async def run(self) -> None:
        """Recover unprocessed deliveries, then process work as it arrives, forever."""
        await self._recover()
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, _Batch()
            try:
                outcome = await asyncio.to_thread(self._write, batch, asyncio.get_running_loop())
            except Exception as exc:
                log.exception("writer: batch failed")
                for _, future in batch.accepts:
                    if not future.done():
                        future.set_exception(exc)
                continue
            self._publish(outcome)
            if not self._wake.is_set():
                self._idle.set()

    async def _recover(self) -> None:
        after = 0
        while True:
            with self.database.reader.connect() as connection:
                ids = inbox.unprocessed(connection, MAX_BATCH, after)
            if not ids:
                return
            log.info("writer: processing %d deliveries left from the last run", len(ids))
            outcome = await asyncio.to_thread(
                self._write, _Batch(deliveries=ids), asyncio.get_running_loop()
            )
            self._publish(outcome)
            after = ids[-1]

    def _write(self, batch: _Batch, loop: asyncio.AbstractEventLoop) -> _Outcome:
        """Runs in a worker thread; only one at a time."""
        if batch.accepts:
            with self.database.writer.begin() as connection:
                stored = inbox.store(connection, [d for d, _ in batch.accepts])
            for (_, future), result in zip(batch.accepts, stored, strict=True):
                loop.call_soon_threadsafe(_resolve, future, result)
            batch.deliveries.extend(i for i, new in stored if new)
        outcome = _Outcome()
        if not batch.deliveries and not batch.events:
            return outcome
        with self.database.writer.begin() as connection:
            for start in range(0, len(batch.deliveries), MAX_BATCH):
                chunk = batch.deliveries[start : start + MAX_BATCH]
                for delivery in inbox.fetch(connection, chunk):
                    self._process_delivery(connection, delivery, outcome)
            for events in batch.events:
                try:
                    with connection.begin_nested():
                        for event in events:
                            self._apply(connection, event, outcome)
                except Unmatched:
                    pass
                except Exception:
                    log.exception("writer: events from %s failed", events[0].source)
        return outcome

    def _process_delivery(
        self, connection: Connection, delivery: inbox.StoredDelivery, outcome: _Outcome
    ) -> None:
        error: str | None = None
        saved = (dict(outcome.changed), set(outcome.created), set(outcome.removed))
        try:
            with connection.begin_nested():
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
        inbox.mark(connection, delivery.id, self.clock(), error)
        self.processed += 1

    def _apply(self, connection: Connection, event: Event, outcome: _Outcome) -> None:
        now = self.clock()
        keys = list(event.keys)
        resolution = correlate.resolve(keys, requests.owners(connection, keys))
        current: Request | None
        match resolution:
            case correlate.Create():
                if not event.CREATES and correlate.jellyseerr_id(keys) is None:
                    raise Unmatched
                current = None
            case correlate.Update(id=request_id):
                current = requests.load(connection, request_id)
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
        requests.attach_keys(connection, saved.id, keys)
        requests.add_timeline(connection, saved.id, applied.entries)
        if current is None:
            outcome.created.add(saved.id)
        if applied.moved:
            log.info("request %d: %s (%s)", saved.id, saved.state, event.source)
        if applied.moved or applied.entries or saved != current:
            outcome.changed[saved.id] = saved

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


def _resolve(future: asyncio.Future[tuple[int, bool]], result: tuple[int, bool]) -> None:
    if not future.done():
        future.set_result(result)
