"""``GET /posters/{id}``: a request's poster, fetched by the server and served from our origin.

The browser never contacts TMDB or Sonarr: the first time a poster is asked for, the
server downloads the upstream URL (Jellyseerr's ``image``, Sonarr/Radarr's remote poster)
with httpx, checks that it really is a raster image (JPEG, PNG, WebP, GIF or AVIF, by its
first bytes — never SVG or HTML), and keeps it under ``<data_dir>/posters/`` named after
a hash of the URL, so a new URL is a new file. Later requests are served from disk.

Each poster is fetched at most once at a time (concurrent callers wait for the same
download) and a failed fetch is not retried for ``RETRY_FAILED_AFTER`` seconds. Until a
poster is available the answer is a transparent placeholder (200, short cache), so the
card's own placeholder shows through and the browser logs no error. Unknown requests,
or requests without a poster, are 404.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from status_tracker.runtime.lifespan import Tracker
from status_tracker.storage import queries
from status_tracker.web.deps import TrackerDep

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

MAX_BYTES = 10_000_000
FETCH_TIMEOUT = 10.0
RETRY_FAILED_AFTER = 600.0
CACHE_SECONDS = 86_400
PLACEHOLDER = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="2" height="3" viewBox="0 0 2 3"></svg>'
)
"""Transparent: the placeholder drawn by the card underneath stays visible."""

_SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", ".png"),
    (b"GIF87a", 0, "image/gif", ".gif"),
    (b"GIF89a", 0, "image/gif", ".gif"),
    (b"WEBP", 8, "image/webp", ".webp"),
    (b"ftypavif", 4, "image/avif", ".avif"),
)
_TYPES = {suffix: media for _, _, media, suffix in _SIGNATURES}


def sniff(head: bytes) -> tuple[str, str] | None:
    """(media type, file suffix) of a raster image from its first bytes, else None."""
    for magic, offset, media, suffix in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if media == "image/webp" and not head.startswith(b"RIFF"):
                continue
            return media, suffix
    return None


@dataclass(frozen=True, slots=True)
class Poster:
    """A poster on disk."""

    path: Path
    media_type: str


class PosterCache:
    """Posters on disk under ``folder``, fetched once per URL."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._known: dict[str, Poster] = {}
        self._failed: dict[str, float] = {}
        self._fetching: dict[str, asyncio.Task[Poster | None]] = {}
        self.fetches = 0
        """How many upstream downloads were started (for tests and logs)."""

    @staticmethod
    def key(url: str) -> str:
        """The file name stem for ``url``."""
        return hashlib.sha256(url.encode()).hexdigest()[:40]

    async def get(self, url: str) -> Poster | None:
        """The poster for ``url`` from disk, downloading it first if needed; None if unavailable."""
        key = self.key(url)
        known = self._known.get(key)
        if known is not None:
            return known
        failed_at = self._failed.get(key)
        if failed_at is not None and time.monotonic() - failed_at < RETRY_FAILED_AFTER:
            return None
        task = self._fetching.get(key)
        if task is None:
            task = asyncio.create_task(self._load(key, url))
            self._fetching[key] = task
            task.add_done_callback(lambda _: self._fetching.pop(key, None))
        return await asyncio.shield(task)

    async def _load(self, key: str, url: str) -> Poster | None:
        poster = await asyncio.to_thread(self._on_disk, key)
        if poster is None:
            poster = await self._download(key, url)
        if poster is None:
            self._failed[key] = time.monotonic()
        else:
            self._failed.pop(key, None)
            self._known[key] = poster
        return poster

    def _on_disk(self, key: str) -> Poster | None:
        for suffix, media in _TYPES.items():
            path = self.folder / f"{key}{suffix}"
            if path.is_file():
                return Poster(path, media)
        return None

    async def _download(self, key: str, url: str) -> Poster | None:
        if not url.startswith(("http://", "https://")):
            log.info("poster %s: not an http(s) URL", url)
            return None
        self.fetches += 1
        try:
            async with (
                httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=True) as client,
                client.stream("GET", url, headers={"Accept": "image/*"}) as response,
            ):
                if response.status_code != 200:
                    log.info("poster %s: upstream answered %s", url, response.status_code)
                    return None
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body.extend(chunk)
                    if len(body) > MAX_BYTES:
                        log.info("poster %s: larger than %d bytes", url, MAX_BYTES)
                        return None
        except httpx.HTTPError as exc:
            log.info("poster %s: %s", url, exc)
            return None
        found = sniff(bytes(body[:32]))
        if found is None:
            log.info("poster %s: not a JPEG, PNG, WebP, GIF or AVIF image", url)
            return None
        media, suffix = found
        path = self.folder / f"{key}{suffix}"
        await asyncio.to_thread(_write, path, bytes(body))
        return Poster(path, media)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def poster_cache(request: Request) -> PosterCache:
    """This app's poster cache (created on first use)."""
    state = request.app.state
    cache: PosterCache | None = getattr(state, "poster_cache", None)
    if cache is None:
        tracker: Tracker = state.tracker
        cache = PosterCache(Path(tracker.settings.data_dir) / "posters")
        state.poster_cache = cache
    return cache


def _upstream_url(tracker: Tracker, request_id: int) -> str | None:
    with tracker.database.reader.connect() as connection:
        found = queries.get_request(connection, request_id)
    return found.poster_url if found is not None else None


@router.get("/posters/{request_id}")
async def poster(request_id: int, request: Request, tracker: TrackerDep) -> Response:
    """The cached poster, a transparent placeholder while unavailable, or 404."""
    url = await asyncio.to_thread(_upstream_url, tracker, request_id)
    if not url:
        raise HTTPException(404, "no poster")
    found = await poster_cache(request).get(url)
    if found is None:
        return Response(
            PLACEHOLDER, media_type="image/svg+xml", headers={"Cache-Control": "max-age=300"}
        )
    return FileResponse(
        found.path,
        media_type=found.media_type,
        headers={"Cache-Control": f"max-age={CACHE_SECONDS}"},
    )
