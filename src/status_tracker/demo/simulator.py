"""The demo's player: runs every story against the running server, round after round.

A story is a coroutine that POSTs real webhook bodies to ``/hooks/*`` (through
``Poster``) with pauses a person can follow. Each round passes a new round
number so ids never repeat and the dashboard keeps changing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import httpx

from status_tracker.runtime.lifespan import Tracker

log = logging.getLogger(__name__)


class Poster:
    """Sends webhook bodies to the server the way the real services do."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(self, source: str, body: dict[str, Any], *, form: bool = False) -> None:
        """POST one delivery; a refusal is logged, never raised."""
        try:
            if form:
                response = await self.client.post(f"/hooks/{source}", data=body)
            else:
                response = await self.client.post(f"/hooks/{source}", json=body)
            if response.status_code != 202:
                log.warning("demo: %s answered %s", source, response.status_code)
        except httpx.TransportError as exc:
            log.warning("demo: could not reach the server: %s", exc)


Story = Callable[[Poster, int], Coroutine[Any, Any, None]]


class Simulator:
    """Plays ``stories`` side by side, ``rounds`` times, against a running server."""

    def __init__(
        self,
        base_url: str,
        secret: str | None,
        stories: Sequence[Story],
        rounds: int = 20,
        pause: float = 30.0,
    ) -> None:
        self.base_url = base_url
        self.headers = {"X-Webhook-Secret": secret} if secret else {}
        self.stories = stories
        self.rounds = rounds
        self.pause = pause

    async def run(self, tracker: Tracker) -> None:
        """Wait for the server, then play the rounds."""
        async with httpx.AsyncClient(base_url=self.base_url, headers=self.headers) as client:
            await self._wait_until_up(client)
            poster = Poster(client)
            for round_no in range(self.rounds):
                await asyncio.gather(*(story(poster, round_no) for story in self.stories))
                await asyncio.sleep(self.pause)

    async def _wait_until_up(self, client: httpx.AsyncClient) -> None:
        for _ in range(100):
            try:
                await client.get("/api/health")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
