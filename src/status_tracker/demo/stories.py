"""Requests that only involve Jellyseerr: approved and waiting, declined, failed, available."""

from __future__ import annotations

import asyncio
from typing import Any

from status_tracker.demo.payloads import jellyseerr
from status_tracker.demo.simulator import Poster


async def declined(poster: Poster, round_no: int) -> None:
    """A request an admin declines."""
    body: dict[str, Any] = {
        "title": "Paddington 2",
        "year": 2017,
        "media_type": "movie",
        "tmdb_id": 346648 + round_no * 1000,
        "request_id": 102 + round_no * 10,
        "user": "carol",
    }
    await asyncio.sleep(1.0)
    await poster.post("jellyseerr", jellyseerr("MEDIA_PENDING", **body))
    await asyncio.sleep(6.0)
    await poster.post("jellyseerr", jellyseerr("MEDIA_DECLINED", **body))


async def failed(poster: Poster, round_no: int) -> None:
    """A request Jellyseerr could not hand to Radarr."""
    body: dict[str, Any] = {
        "title": "Arrival",
        "year": 2016,
        "media_type": "movie",
        "tmdb_id": 329865 + round_no * 1000,
        "request_id": 103 + round_no * 10,
        "user": "alice",
    }
    await asyncio.sleep(2.0)
    await poster.post("jellyseerr", jellyseerr("MEDIA_AUTO_APPROVED", **body))
    await asyncio.sleep(4.0)
    await poster.post("jellyseerr", jellyseerr("MEDIA_FAILED", **body))


async def movie(poster: Poster, round_no: int) -> None:
    """A film requested, approved and, later, available."""
    body: dict[str, Any] = {
        "title": "The Matrix",
        "year": 1999,
        "media_type": "movie",
        "tmdb_id": 603 + round_no * 1000,
        "request_id": 100 + round_no * 10,
        "user": "alice",
        "poster": "/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg",
    }
    await asyncio.sleep(0.5)
    await poster.post("jellyseerr", jellyseerr("MEDIA_PENDING", **body))
    await asyncio.sleep(3.0)
    await poster.post("jellyseerr", jellyseerr("MEDIA_APPROVED", **body))
    await asyncio.sleep(10.0)
    await poster.post("jellyseerr", jellyseerr("MEDIA_AVAILABLE", **body))


async def series(poster: Poster, round_no: int) -> None:
    """A series approved automatically and still being searched for."""
    await asyncio.sleep(1.0)
    await poster.post(
        "jellyseerr",
        jellyseerr(
            "MEDIA_AUTO_APPROVED",
            title="Frieren: Beyond Journey’s End",
            year=2023,
            media_type="tv",
            tmdb_id=209867 + round_no * 1000,
            tvdb_id=424536 + round_no * 1000,
            request_id=101 + round_no * 10,
            user="bob",
            seasons="1",
            poster="/dqZENchTd7lp5zht7BdlqM7RBhD.jpg",
        ),
    )
