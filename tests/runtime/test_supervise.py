"""The reconnect supervisor, with an injected sleep and clock: nothing really waits."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Iterable

import pytest

from status_tracker.integrations.errors import AuthFailed, BadPayload, RateLimited, Unreachable
from status_tracker.runtime.supervise import backoff, supervise


class Health:
    """Records what the supervisor reports."""

    def __init__(self) -> None:
        self.reports: list[tuple[str, str]] = []

    def ok(self) -> None:
        self.reports.append(("ok", ""))

    def failed(self, status: str, message: str) -> None:
        self.reports.append((status, message))


class Stop(BaseException):
    """Ends a supervised loop from the injected sleep (like a cancellation would)."""


class Script:
    """A ``connect_once`` that plays outcomes in order; each takes ``durations`` clock seconds."""

    def __init__(self, outcomes: Iterable[BaseException | None], durations: Iterable[float] = ()):
        self.outcomes = list(outcomes)
        self.durations = list(durations)
        self.calls = 0
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def connect_once(self) -> None:
        outcome = self.outcomes[self.calls] if self.calls < len(self.outcomes) else None
        self.now += self.durations[self.calls] if self.calls < len(self.durations) else 0.0
        self.calls += 1
        if outcome is not None:
            raise outcome


def sleeper(limit: int) -> tuple[list[float], Callable[[float], object]]:
    """An injected sleep that records delays and stops the loop after ``limit`` of them."""
    delays: list[float] = []

    async def sleep(delay: float) -> None:
        delays.append(delay)
        if len(delays) >= limit:
            raise Stop

    return delays, sleep


def bounds(base: float, cap: float, count: int) -> list[tuple[float, float]]:
    steps = [min(base * 2**n, cap) for n in range(count)]
    return [(step / 2, step) for step in steps]


def within(delays: list[float], limits: list[tuple[float, float]]) -> bool:
    return len(delays) == len(limits) and all(
        lo <= d <= hi for d, (lo, hi) in zip(delays, limits, strict=True)
    )


async def test_backoff_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    script = Script([Unreachable("refused")] * 10)
    delays, sleep = sleeper(10)
    with pytest.raises(Stop):
        await supervise(
            "svc", script.connect_once, Health(), base_delay=1.0, max_delay=8.0, sleep=sleep
        )
    assert within(delays, bounds(1.0, 8.0, 10))
    assert max(delays) <= 8.0
    assert len(set(delays)) > 1


def test_backoff_generator_limits() -> None:
    assert list(itertools.islice(backoff(1.0, 5.0, jitter=lambda: 1.0), 5)) == [
        1.0,
        2.0,
        4.0,
        5.0,
        5.0,
    ]
    assert list(itertools.islice(backoff(1.0, 5.0, jitter=lambda: 0.0), 4)) == [0.5, 1.0, 2.0, 2.5]
    assert next(backoff(10.0, 3.0, jitter=lambda: 1.0)) == 3.0
    with pytest.raises(ValueError, match="positive"):
        next(backoff(0.0, 3.0))


async def test_backoff_resets_after_a_stable_connection() -> None:
    outcomes = [Unreachable("down")] * 4 + [Unreachable("dropped")] + [Unreachable("down")]
    durations = [0.0] * 4 + [120.0] + [0.0]
    script = Script(outcomes, durations)
    delays, sleep = sleeper(6)
    with pytest.raises(Stop):
        await supervise(
            "svc",
            script.connect_once,
            Health(),
            base_delay=1.0,
            max_delay=60.0,
            stable_after=60.0,
            sleep=sleep,
            clock=script.clock,
        )
    assert within(delays[:4], bounds(1.0, 60.0, 4))
    assert within(delays[4:], bounds(1.0, 60.0, 2))


async def test_a_short_connection_does_not_reset_the_backoff() -> None:
    script = Script([Unreachable("flap")] * 4, [59.0] * 4)
    delays, sleep = sleeper(4)
    with pytest.raises(Stop):
        await supervise(
            "svc", script.connect_once, Health(), stable_after=60.0, sleep=sleep, clock=script.clock
        )
    assert within(delays, bounds(1.0, 60.0, 4))


async def test_auth_failed_is_fatal() -> None:
    script = Script([Unreachable("down"), AuthFailed("HTTP 401 (check the API key)")])
    health = Health()
    delays, sleep = sleeper(10)
    await supervise("svc", script.connect_once, health, sleep=sleep)
    assert script.calls == 2
    assert len(delays) == 1
    assert health.reports == [
        ("unreachable", "down"),
        ("auth_failed", "HTTP 401 (check the API key)"),
    ]


async def test_other_failures_are_reported_unreachable_and_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    script = Script([Unreachable("refused"), BadPayload("junk"), RuntimeError("bug"), None])
    health = Health()
    delays, sleep = sleeper(4)
    with (
        caplog.at_level(logging.INFO, logger="status_tracker.runtime.supervise"),
        pytest.raises(Stop),
    ):
        await supervise("shoko", script.connect_once, health, sleep=sleep)
    assert script.calls == 4
    assert health.reports == [
        ("unreachable", "refused"),
        ("unreachable", "junk"),
        ("unreachable", "RuntimeError: bug"),
    ]
    reconnects = [r.getMessage() for r in caplog.records if "reconnecting in" in r.getMessage()]
    assert len(reconnects) == 4
    assert reconnects[0].startswith("shoko: reconnecting in ")
    assert reconnects[0].endswith("(refused)")
    assert reconnects[3].endswith("(connection ended)")
    assert f"{delays[0]:.1f} s" in reconnects[0]
    assert all(
        r.levelno == logging.INFO for r in caplog.records if "reconnecting in" in r.getMessage()
    )


async def test_rate_limited_waits_at_least_retry_after() -> None:
    script = Script([RateLimited("HTTP 429", retry_after=30.0), RateLimited("HTTP 429")])
    delays, sleep = sleeper(2)
    with pytest.raises(Stop):
        await supervise("svc", script.connect_once, Health(), sleep=sleep)
    assert delays[0] == 30.0
    assert 1.0 <= delays[1] <= 2.0


async def test_cancellation_propagates_from_connect_once() -> None:
    started = asyncio.Event()

    async def connect_once() -> None:
        started.set()
        await asyncio.Event().wait()

    health = Health()
    task = asyncio.create_task(supervise("svc", connect_once, health))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert health.reports == []


async def test_cancellation_propagates_from_the_sleep() -> None:
    sleeping = asyncio.Event()

    async def sleep(delay: float) -> None:
        sleeping.set()
        await asyncio.Event().wait()

    script = Script([Unreachable("down")])
    task = asyncio.create_task(supervise("svc", script.connect_once, Health(), sleep=sleep))
    await sleeping.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert script.calls == 1
