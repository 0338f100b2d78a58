"""The polling loop every API poller runs under (modelled on Home Assistant's coordinator).

An integration supplies a ``PollSource``: an interval, a ``wanted`` check (poll
only while there is something to watch) and ``poll``, which fetches and hands
events to the host. ``run_poller`` does the rest:

- polls every ``interval`` seconds while ``wanted``; otherwise checks again on
  every committed change (``wakes_on``) or every ``idle_check`` seconds;
- a committed change the source cares about (``wakes_on``, e.g. a new grab)
  wakes it at once;
- ``Unreachable`` backs off exponentially (capped), honouring ``RateLimited``'s
  ``retry_after``; ``AuthFailed`` waits a long time before trying again; other
  exceptions are logged and backed off — the loop never dies;
- health is reported on every outcome; logging happens only on changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Protocol

from status_tracker.core.model import Request
from status_tracker.integrations.base import Host
from status_tracker.integrations.errors import AuthFailed, RateLimited, Unreachable

log = logging.getLogger(__name__)


class PollSource(Protocol):
    """What an integration's poller provides."""

    name: str
    interval: float

    async def wanted(self, host: Host) -> bool:
        """Whether there is anything to poll for right now."""

    async def poll(self, host: Host) -> None:
        """Fetch once and submit events; raise the integration error tree on failure."""

    def wakes_on(self, request: Request) -> bool:
        """Whether this committed change to ``request`` should trigger a poll at once."""


async def run_poller(
    source: PollSource,
    host: Host,
    *,
    idle_check: float = 30.0,
    max_backoff: float = 60.0,
    auth_retry: float = 300.0,
) -> None:
    """Run ``source`` forever (until cancelled)."""
    wake = asyncio.Event()
    health = host.health(source.name)
    failures = 0
    with host.changes() as changes:
        watcher = asyncio.create_task(_watch(changes, source, wake))
        try:
            while True:
                delay = idle_check
                wake.clear()
                try:
                    if await source.wanted(host):
                        await source.poll(host)
                        health.ok()
                        delay = source.interval
                    failures = 0
                except AuthFailed as exc:
                    health.failed("auth_failed", str(exc))
                    delay = auth_retry
                except RateLimited as exc:
                    health.failed("unreachable", str(exc))
                    failures += 1
                    delay = max(exc.retry_after or 0.0, _backoff(failures, max_backoff))
                except Unreachable as exc:
                    health.failed("unreachable", str(exc))
                    failures += 1
                    delay = _backoff(failures, max_backoff)
                except Exception as exc:
                    log.exception("%s: poll failed", source.name)
                    health.failed("unreachable", f"{type(exc).__name__}: {exc}")
                    failures += 1
                    delay = _backoff(failures, max_backoff)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=delay)
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)


def _backoff(failures: int, cap: float) -> float:
    return float(min(cap, 2 ** min(failures, 10)))


async def _watch(
    changes: AsyncIterator[Request | None], source: PollSource, wake: asyncio.Event
) -> None:
    async for request in changes:
        if request is None or source.wakes_on(request):
            wake.set()
