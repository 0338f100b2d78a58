"""In-process pub/sub of committed request changes, with replay for reconnecting clients.

The writer publishes one ``Change`` per changed request after each commit. Its
JSON is serialised once and shared by every subscriber. Each subscriber has a
bounded queue: a client that falls behind is not waited for — its queue is
cleared and it gets a ``resync`` marker instead. The last ``history`` changes are
kept so a client reconnecting with ``Last-Event-ID`` can catch up.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from status_tracker.core.model import Request


@dataclass(frozen=True, slots=True)
class Change:
    """One committed change: the event id, the request after it, and its JSON text."""

    event_id: int
    request: Request
    json: str
    created: bool
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    frame: bytes = field(init=False, repr=False, compare=False)
    """The ``event: request`` SSE frame, encoded once and shared by every stream."""

    def __post_init__(self) -> None:
        frame = f"event: request\r\nid: {self.event_id}\r\ndata: {self.json}\r\n\r\n"
        object.__setattr__(self, "frame", frame.encode())


RESYNC: None = None
"""What a subscriber receives instead of changes it missed."""


class Subscription:
    """One subscriber's bounded queue; iterate it to receive changes (or ``None`` = resync)."""

    def __init__(self, size: int) -> None:
        self.queue: asyncio.Queue[Change | None] = asyncio.Queue(maxsize=size)
        self.dropped = 0

    def offer(self, change: Change) -> None:
        """Queue a change, or replace the backlog with a resync marker when full."""
        try:
            self.queue.put_nowait(change)
        except asyncio.QueueFull:
            self.dropped += 1
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(RESYNC)

    async def __aiter__(self) -> AsyncIterator[Change | None]:
        while True:
            yield await self.queue.get()


class Bus:
    """Fan-out of changes to subscribers."""

    def __init__(self, history: int = 1000, queue_size: int = 100) -> None:
        self._ids = itertools.count(1)
        self._history: deque[Change] = deque(maxlen=history)
        self._subscribers: set[Subscription] = set()
        self._queue_size = queue_size
        self.last_id = 0

    def next_id(self) -> int:
        """The id the next change will carry."""
        self.last_id = next(self._ids)
        return self.last_id

    def publish(self, change: Change) -> None:
        """Send a change to every subscriber without waiting for any of them."""
        self._history.append(change)
        for subscription in self._subscribers:
            subscription.offer(change)

    def replay(self, after: int) -> list[Change] | None:
        """Changes newer than ``after``, or None when some were forgotten (or ``after`` is
        from an earlier run of the server, whose ids are unknown here)."""
        if after == self.last_id:
            return []
        if after > self.last_id:
            return None
        if not self._history or self._history[0].event_id > after + 1:
            return None
        return [c for c in self._history if c.event_id > after]

    @contextmanager
    def subscribe(self) -> Iterator[Subscription]:
        """A subscription that lasts for the ``with`` block."""
        subscription = Subscription(self._queue_size)
        self._subscribers.add(subscription)
        try:
            yield subscription
        finally:
            self._subscribers.discard(subscription)

    @property
    def subscriber_count(self) -> int:
        """How many subscribers are connected."""
        return len(self._subscribers)
