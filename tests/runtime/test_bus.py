"""The bus: fan-out without waiting, bounded replay, resync for slow subscribers."""

from __future__ import annotations

from datetime import UTC, datetime

from status_tracker.core.model import MediaType, Request
from status_tracker.core.states import RequestState
from status_tracker.runtime.bus import Bus, Change

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def change(bus: Bus, request_id: int = 1) -> Change:
    request = Request(request_id, MediaType.MOVIE, RequestState.REQUESTED, NOW, NOW, NOW)
    return Change(bus.next_id(), request, "{}", created=False)


def test_replay_returns_what_came_after() -> None:
    bus = Bus(history=10)
    changes = [change(bus) for _ in range(3)]
    for c in changes:
        bus.publish(c)
    assert bus.replay(1) == changes[1:]
    assert bus.replay(3) == []


def test_replay_is_none_when_history_was_forgotten() -> None:
    bus = Bus(history=2)
    for _ in range(5):
        bus.publish(change(bus))
    assert bus.replay(1) is None
    assert [c.event_id for c in bus.replay(3) or []] == [4, 5]


def test_replay_is_none_for_ids_from_an_earlier_run() -> None:
    bus = Bus()
    bus.publish(change(bus))
    assert bus.replay(99) is None


async def test_a_slow_subscriber_gets_resync_instead_of_a_backlog() -> None:
    bus = Bus(queue_size=3)
    with bus.subscribe() as slow, bus.subscribe() as fast:
        for _ in range(3):
            bus.publish(change(bus))
        assert fast.queue.get_nowait().event_id == 1  # type: ignore[union-attr]
        bus.publish(change(bus))
        assert slow.queue.qsize() == 1
        assert slow.queue.get_nowait() is None
        assert slow.dropped == 1
        assert fast.queue.qsize() == 3
    assert bus.subscriber_count == 0
