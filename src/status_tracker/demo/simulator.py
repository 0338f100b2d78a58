"""The demo's script: a few households' requests, played step by step through ``/hooks``.

Each round uses fresh request ids, so the dashboard keeps changing while the
demo runs. Steps are spaced a few seconds apart so a person can watch them move.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from status_tracker.demo import payloads
from status_tracker.runtime.lifespan import Tracker

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Step:
    """After ``delay`` seconds, POST ``body`` to ``/hooks/{source}``."""

    delay: float
    source: str
    body: dict[str, Any]


def _movie(kind: str, round_no: int, **extra: Any) -> dict[str, Any]:
    return payloads.jellyseerr(
        kind,
        title="The Matrix",
        year=1999,
        media_type="movie",
        tmdb_id=603 + round_no * 1000,
        request_id=100 + round_no * 10,
        user="alice",
        poster="/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg",
        **extra,
    )


def _series(kind: str, round_no: int) -> dict[str, Any]:
    return payloads.jellyseerr(
        kind,
        title="Frieren: Beyond Journey’s End",
        year=2023,
        media_type="tv",
        tmdb_id=209867 + round_no * 1000,
        tvdb_id=424536 + round_no * 1000,
        request_id=101 + round_no * 10,
        user="bob",
        seasons="1",
        poster="/dqZENchTd7lp5zht7BdlqM7RBhD.jpg",
    )


def _declined(kind: str, round_no: int) -> dict[str, Any]:
    return payloads.jellyseerr(
        kind,
        title="Paddington 2",
        year=2017,
        media_type="movie",
        tmdb_id=346648 + round_no * 1000,
        request_id=102 + round_no * 10,
        user="carol",
    )


def _failed(kind: str, round_no: int) -> dict[str, Any]:
    return payloads.jellyseerr(
        kind,
        title="Arrival",
        year=2016,
        media_type="movie",
        tmdb_id=329865 + round_no * 1000,
        request_id=103 + round_no * 10,
        user="alice",
    )


def script(round_no: int) -> Iterator[Step]:
    """One round of the demo."""
    yield Step(0.5, "jellyseerr", _movie("MEDIA_PENDING", round_no))
    yield Step(1.0, "jellyseerr", _series("MEDIA_AUTO_APPROVED", round_no))
    yield Step(1.0, "jellyseerr", _declined("MEDIA_PENDING", round_no))
    yield Step(2.0, "jellyseerr", _movie("MEDIA_APPROVED", round_no))
    yield Step(1.0, "jellyseerr", _failed("MEDIA_AUTO_APPROVED", round_no))
    yield Step(3.0, "jellyseerr", _declined("MEDIA_DECLINED", round_no))
    yield Step(3.0, "jellyseerr", _failed("MEDIA_FAILED", round_no))
    yield Step(8.0, "jellyseerr", _movie("MEDIA_AVAILABLE", round_no))


class Simulator:
    """Plays ``script`` rounds against a running server."""

    def __init__(self, base_url: str, secret: str | None, rounds: int = 20) -> None:
        self.base_url = base_url
        self.headers = {"X-Webhook-Secret": secret} if secret else {}
        self.rounds = rounds

    async def run(self, tracker: Tracker) -> None:
        """Wait for the server, then play the rounds (a pause between them)."""
        async with httpx.AsyncClient(base_url=self.base_url, headers=self.headers) as client:
            await self._wait_until_up(client)
            for round_no in range(self.rounds):
                for step in script(round_no):
                    await asyncio.sleep(step.delay)
                    await self._post(client, step)
                await asyncio.sleep(30)

    async def _wait_until_up(self, client: httpx.AsyncClient) -> None:
        for _ in range(100):
            try:
                await client.get("/api/health")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)

    async def _post(self, client: httpx.AsyncClient, step: Step) -> None:
        try:
            response = await client.post(f"/hooks/{step.source}", json=step.body)
            if response.status_code != 202:
                log.warning("demo: %s answered %s", step.source, response.status_code)
        except httpx.TransportError as exc:
            log.warning("demo: could not reach the server: %s", exc)
