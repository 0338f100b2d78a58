"""What the services send, for page tests: webhook bodies and a poster server on 127.0.0.1.

The bodies are the recorded fixtures (``tests/fixtures``, ``tests/integrations/*/fixtures``)
with ids, titles and users varied per case. Poster URLs in them point at ``PosterServer``
(or nowhere), never at TMDB: tests talk to loopback only.
"""

from __future__ import annotations

import copy
import json
import logging
import struct
import threading
import zlib
from collections import Counter
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from tests.support import Running

logger = logging.getLogger(__name__)

TESTS = Path(__file__).resolve().parent.parent


def _load(path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((TESTS / path).read_text())
    return data


_SEERR = _load("fixtures/jellyseerr/media_pending_movie.json")
_RADARR_GRAB = _load("integrations/radarr/fixtures/grab.json")
_RADARR_DOWNLOAD = _load("integrations/radarr/fixtures/download.json")
_SONARR_GRAB_ANIME = _load("integrations/sonarr/fixtures/grab_anime.json")


def seerr(
    kind: str,
    request_id: int,
    title: str,
    *,
    year: int = 2020,
    media_type: str = "movie",
    user: str = "alice",
    image: str = "",
    tvdb_id: int | None = None,
) -> dict[str, Any]:
    """A Jellyseerr webhook (``MEDIA_PENDING``, ``MEDIA_APPROVED``, ``MEDIA_FAILED`` …).

    The TMDB id is ``10000 + request_id``, so related hooks of one case match each other.
    """
    body = copy.deepcopy(_SEERR)
    body.update(notification_type=kind, subject=f"{title} ({year})", image=image)
    body["media"].update(
        media_type=media_type, tmdbId=str(10_000 + request_id), tvdbId=str(tvdb_id or "")
    )
    body["request"].update(
        request_id=str(request_id), requestedBy_username=user, requestedBy_email=user
    )
    return body


def radarr_grab(
    request_id: int, title: str, *, year: int = 2020, quality: str = "Bluray-1080p"
) -> dict[str, Any]:
    """Radarr's Grab for the film of ``seerr(…, request_id, …)``."""
    body = copy.deepcopy(_RADARR_GRAB)
    tmdb = 10_000 + request_id
    body["movie"].update(id=request_id, title=title, year=year, tmdbId=tmdb, imdbId="", images=[])
    body["remoteMovie"].update(tmdbId=tmdb, title=title, year=year, imdbId="")
    body["release"].update(quality=quality, releaseTitle=f"{title}.{year}.{quality}-GRP")
    body["downloadId"] = f"{request_id:040X}"
    return body


def radarr_download(request_id: int, title: str, *, year: int = 2020) -> dict[str, Any]:
    """Radarr's import (Download) for the film of ``seerr(…, request_id, …)``."""
    body = copy.deepcopy(_RADARR_DOWNLOAD)
    tmdb = 10_000 + request_id
    body["movie"].update(id=request_id, title=title, year=year, tmdbId=tmdb, imdbId="", images=[])
    body["remoteMovie"].update(tmdbId=tmdb, title=title, year=year, imdbId="")
    body["downloadId"] = f"{request_id:040X}"
    return body


def sonarr_grab_anime(request_id: int, title: str, *, tvdb_id: int) -> dict[str, Any]:
    """Sonarr's Grab of an anime episode for the series of ``seerr(…, tvdb_id=…)``."""
    body = copy.deepcopy(_SONARR_GRAB_ANIME)
    body["series"].update(
        id=request_id, title=title, tvdbId=tvdb_id, tmdbId=10_000 + request_id, imdbId=""
    )
    body["series"]["images"] = []
    body["episodes"][0].update(seasonNumber=1, episodeNumber=1)
    body["downloadId"] = f"{request_id + 0xA000:040X}"
    return body


def post(client: httpx.Client, source: str, body: dict[str, Any]) -> None:
    """POST one webhook and insist on 202."""
    response = client.post(f"/hooks/{source}", json=body)
    assert response.status_code == 202, response.text


def seed(running: Running, *bodies: tuple[str, dict[str, Any]]) -> None:
    """POST webhooks in order and wait until the writer has processed them."""
    before = running.tracker.pipeline.processed
    with running.client() as client:
        for source, body in bodies:
            post(client, source, body)
    running.wait_processed(before + len(bodies))


def png(width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> bytes:
    """A real PNG: a vertical gradient from ``top`` to ``bottom``."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    rows = []
    for y in range(height):
        t = y / max(1, height - 1)
        pixel = bytes(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        rows.append(b"\x00" + pixel * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


POSTER = png(40, 60, (30, 58, 138), (167, 139, 250))


class PosterServer:
    """Serves ``/p/<name>.png`` (a PNG), ``/page.html`` (not an image) and 404 otherwise.

    ``hits`` counts requests per path, so tests can see how often the tracker fetched.
    """

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.release = threading.Event()
        """Cleared: answers wait until it is set (to hold concurrent fetches in flight)."""
        self.release.set()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> PosterServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                logger.debug("poster server: %s", format % args)

            def do_GET(self) -> None:
                with server._lock:
                    server.hits[self.path] += 1
                server.release.wait(10)
                if self.path.startswith("/p/") and self.path.endswith(".png"):
                    self._send(HTTPStatus.OK, POSTER, "image/png")
                elif self.path == "/page.html":
                    self._send(HTTPStatus.OK, b"<html><script>1</script></html>", "text/html")
                else:
                    self._send(HTTPStatus.NOT_FOUND, b"no", "text/plain")

            def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


_SONARR_DOWNLOAD_ANIME = _load("integrations/sonarr/fixtures/download_anime.json")
_SHOKO_MATCHED = _load("integrations/shoko/fixtures/v5_file_matched.json")


def _episode_file(title: str) -> str:
    return f"{title}/Season 01/{title} - S01E01 [WEBDL-1080p].mkv"


def sonarr_download_anime(request_id: int, title: str, *, tvdb_id: int) -> dict[str, Any]:
    """Sonarr's import of the episode grabbed by ``sonarr_grab_anime``."""
    body = copy.deepcopy(_SONARR_DOWNLOAD_ANIME)
    body["series"].update(
        id=request_id,
        title=title,
        tvdbId=tvdb_id,
        tmdbId=10_000 + request_id,
        imdbId="",
        path=f"/anime/{title}",
    )
    body["series"]["images"] = []
    body["episodes"][0].update(seasonNumber=1, episodeNumber=1)
    body["episodeFile"].update(
        relativePath=_episode_file(title).split("/", 1)[1], path=f"/anime/{_episode_file(title)}"
    )
    body["downloadId"] = f"{request_id + 0xA000:040X}"
    return body


def shoko_matched(title: str) -> dict[str, Any]:
    """Shoko's FileMatched for the file imported by ``sonarr_download_anime``."""
    body = copy.deepcopy(_SHOKO_MATCHED)
    body["arguments"][0]["RelativePath"] = f"shows/{_episode_file(title)}"
    return body


class FakeRadarr:
    """Just enough of Radarr's ``/api/v3`` for a retry: the library lookup by tmdb id and
    ``POST /api/v3/command``; every other GET is an empty answer. ``commands`` records the
    commands received (with the API key they carried)."""

    MOVIE_ID = 31

    def __init__(self) -> None:
        self.commands: list[tuple[str | None, dict[str, Any]]] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeRadarr:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                logger.debug("fake radarr: %s", format % args)

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                if path == "/api/v3/movie" and query.startswith("tmdbId="):
                    tmdb = int(query.split("=", 1)[1].split("&")[0])
                    self._json([{"id": fake.MOVIE_ID, "title": "Film", "tmdbId": tmdb}])
                elif path == "/api/v3/queue":
                    self._json({"page": 1, "pageSize": 50, "totalRecords": 0, "records": []})
                else:
                    self._json([])

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path == "/api/v3/command":
                    fake.commands.append((self.headers.get("X-Api-Key"), body))
                    self._json(
                        {"id": len(fake.commands), "name": body.get("name"), "status": "queued"}
                    )
                else:
                    self._json({})

            def _json(self, data: Any) -> None:
                payload = json.dumps(data).encode()
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
