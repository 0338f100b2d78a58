"""Keep one long-lived connection up for ever, politely.

``supervise`` calls ``connect_once`` again and again. ``connect_once`` opens one
connection and returns or raises when it ends. Between attempts the supervisor
waits a jittered, exponentially growing delay with a cap; the delays start over
once a connection has stayed up ``stable_after`` seconds. Failures are
classified once, here: ``AuthFailed`` is fatal (reported as ``auth_failed`` and
the loop stops, so a wrong key is not hammered); anything else is reported as
``unreachable`` and retried. Each reconnect attempt is one INFO log line with
its delay; a change of health is logged by the health sink itself.
Cancellation always propagates.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator

from status_tracker.integrations.base import HealthSink
from status_tracker.integrations.errors import AuthFailed, IntegrationError, RateLimited

log = logging.getLogger(__name__)


def backoff(
    base_delay: float, max_delay: float, jitter: Callable[[], float] = random.random
) -> Iterator[float]:
    """Delays ``base, 2·base, 4·base, …`` capped at ``max_delay``, each drawn from ``[d/2, d]``."""
    if base_delay <= 0 or max_delay <= 0:
        raise ValueError("base_delay and max_delay must be positive")
    step = min(base_delay, max_delay)
    while True:
        yield step * (0.5 + jitter() / 2)
        step = min(step * 2, max_delay)


async def supervise(
    name: str,
    connect_once: Callable[[], Awaitable[None]],
    health: HealthSink,
    *,
    base_delay: float = 1.0,
    max_delay: float = 60.0,
    stable_after: float = 60.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run ``connect_once`` until cancelled or until it raises ``AuthFailed``."""
    delays = backoff(base_delay, max_delay)
    while True:
        started = clock()
        retry_after: float | None = None
        try:
            await connect_once()
        except AuthFailed as exc:
            health.failed("auth_failed", str(exc) or "authentication failed")
            log.error("%s: authentication failed, not reconnecting: %s", name, exc)
            return
        except IntegrationError as exc:
            cause = str(exc) or type(exc).__name__
            health.failed("unreachable", cause)
            if isinstance(exc, RateLimited):
                retry_after = exc.retry_after
        except Exception as exc:
            cause = f"{type(exc).__name__}: {exc}"
            health.failed("unreachable", cause)
            log.warning("%s: connection failed unexpectedly", name, exc_info=exc)
        else:
            cause = "connection ended"
        if clock() - started >= stable_after:
            delays = backoff(base_delay, max_delay)
        delay = next(delays)
        if retry_after is not None:
            delay = max(delay, retry_after)
        log.info("%s: reconnecting in %.1f s (%s)", name, delay, cause)
        await sleep(delay)
