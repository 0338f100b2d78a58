"""The running service: database, bus, writer, health and every background loop.

``Tracker`` is built once per app. ``run`` migrates the database, starts the
writer and each enabled integration's background loop, and stops them all on
shutdown. Background loops reach the rest only through the ``Host`` methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection

from status_tracker.config import Settings
from status_tracker.core.events import Event
from status_tracker.core.model import Request
from status_tracker.integrations.base import Integration, TranslateContext
from status_tracker.runtime.bus import Bus
from status_tracker.runtime.health import IntegrationHealth
from status_tracker.runtime.pipeline import Clock, Pipeline, utcnow
from status_tracker.storage import db, queries
from status_tracker.storage.inbox import Delivery

log = logging.getLogger(__name__)
T = TypeVar("T")
READ_THREADS = 1
"""Reads run one at a time on a thread of their own: with the GIL, more threads only
fight each other (bench/api.py, 10 connections: p99 40 ms with one, 75 ms with two)."""


class Tracker:
    """Everything one running service owns."""

    def __init__(
        self,
        settings: Settings,
        integrations: Sequence[Integration],
        clock: Clock = utcnow,
    ) -> None:
        self.settings = settings
        self.integrations = {i.name: i for i in integrations}
        self.clock = clock
        self.database = db.connect(settings.database_url)
        self.bus = Bus()
        self.context = TranslateContext(settings.mappings, settings.watch_base)
        self.pipeline = Pipeline(
            self.database,
            {i.name: i.translate for i in integrations},
            self.context,
            self.bus,
            clock,
        )
        self.healths = {
            i.name: IntegrationHealth(i.name, enabled=settings.url(i.name) is not None)
            for i in integrations
        }
        self._tasks: list[asyncio.Task[None]] = []
        self._readers = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="reader")
        self._totals: dict[Hashable, int] = {}
        self._totals_at = -1

    @property
    def failed_before(self) -> timedelta:
        """How long a failed request stays on the dashboard."""
        return timedelta(days=self.settings.history_after_days)

    async def submit(self, events: Sequence[Event]) -> None:
        """Host: hand events to the writer."""
        await self.pipeline.submit(events)

    async def deliver(self, source: str, body: Mapping[str, Any]) -> int:
        """Host: store a body in the inbox as a delivery from ``source`` (listeners use this)."""
        text = json.dumps(body, separators=(",", ":"), sort_keys=True)
        delivery = Delivery(source, "application/json", text, self.clock())
        delivery_id, _ = await self.pipeline.accept(delivery)
        return delivery_id

    async def read(self, query: Callable[[Connection], T]) -> T:
        """Run ``query`` on a read-only connection in a worker thread (one hop per call)."""

        def run() -> T:
            with self.database.reader.connect() as connection:
                return query(connection)

        return await asyncio.get_running_loop().run_in_executor(self._readers, run)

    def cached_total(self, key: Hashable) -> int | None:
        """A list total remembered since the last committed change, if any."""
        if self._totals_at != self.bus.last_id:
            self._totals.clear()
            self._totals_at = self.bus.last_id
        return self._totals.get(key)

    def remember_total(self, key: Hashable, total: int, at: int) -> None:
        """Remember a list total counted when the bus was at change ``at``."""
        if at == self.bus.last_id == self._totals_at and len(self._totals) < 1000:
            self._totals[key] = total

    async def active_requests(self) -> list[Request]:
        """Host: requests not in history."""
        failed_before = self.clock() - self.failed_before

        def query(connection: Connection) -> list[Request]:
            filters = queries.Filters(scope="active")
            return queries.list_requests(connection, filters, failed_before, 10_000, 0)[0]

        return await self.read(query)

    def health(self, name: str) -> IntegrationHealth:
        """Host: the health record of one integration."""
        return self.healths[name]

    @contextlib.contextmanager
    def changes(self) -> Iterator[AsyncIterator[Request | None]]:
        """Host: committed changes while the block lasts (None when some were missed)."""
        with self.bus.subscribe() as subscription:

            async def requests() -> AsyncIterator[Request | None]:
                async for change in subscription:
                    yield change.request if change is not None else None

            yield requests()

    @contextlib.asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        """Migrate, start the writer and enabled loops; stop them all on exit."""
        await asyncio.to_thread(db.migrate, self.database)
        self._tasks.append(asyncio.create_task(self.pipeline.run(), name="writer"))
        for integration in self.integrations.values():
            if integration.background and self.healths[integration.name].enabled:
                task = asyncio.create_task(
                    integration.background(self.settings, self), name=integration.name
                )
                self._tasks.append(task)
        try:
            yield
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            self._tasks.clear()
            self._readers.shutdown(wait=False, cancel_futures=True)
            self.database.dispose()
