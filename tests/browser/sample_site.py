"""Sample pages for browser tests and screenshots: the real templates rendered to static files.

``render_site`` renders the dashboard, history, detail pages and the first-run page from
realistic Request dicts (CONTRACT §4 shapes) into a folder with our static assets.
``SiteServer`` serves that folder on 127.0.0.1 with the production CSP header, plus a small
``/ui/sse`` stream whose events the caller publishes. Used by ``scripts/preview.py`` to look
at every state of the templates without running the service; the browser tests use the
real app.
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from status_tracker.core.states import LABELS, RequestState
from status_tracker.web import presenters, security

logger = logging.getLogger(__name__)

USERS = ["alice", "bob", "carol", "dave"]
BASE_URL = "http://tracker.lan:8000"
JELLYFIN = (
    "http://jellyfin.lan:8096/web/#/details?id=4b1c2a9e0f5d4e7a8b6c1d2e3f4a5b6c&serverId=9f8e7d6c"
)
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain",
}


def make_request(request_id: int, now: datetime, **fields: Any) -> dict[str, Any]:
    """A Request dict with every CONTRACT §4 field; ``fields`` override the defaults."""
    state = RequestState(fields.get("state", "requested"))
    r: dict[str, Any] = {
        "id": request_id,
        "title": f"Sample {request_id}",
        "year": 2024,
        "media_type": "movie",
        "state": state.value,
        "state_label": LABELS[state],
        "progress": None,
        "download": None,
        "episodes": None,
        "quality": None,
        "requested_by": "alice",
        "is_anime": False,
        "tmdb_id": 1000 + request_id,
        "tvdb_id": None,
        "jellyseerr_request_id": request_id,
        "download_ids": [],
        "watch_url": None,
        "poster_url": None,
        "error": None,
        "created_at": _iso(now - timedelta(hours=3)),
        "updated_at": _iso(now - timedelta(minutes=2)),
        "completed_at": None,
    }
    r.update(fields)
    r["state_label"] = LABELS[RequestState(r["state"])]
    return r


def with_state(r: Mapping[str, Any], state: str, **fields: Any) -> dict[str, Any]:
    """A copy of ``r`` moved to ``state`` (with its label), plus any other changes."""
    return {**r, **fields, "state": state, "state_label": LABELS[RequestState(state)]}


def entry(state: str, at: datetime, source: str, message: str, **details: Any) -> dict[str, Any]:
    """One TimelineEntry dict."""
    return {
        "state": state,
        "label": LABELS[RequestState(state)],
        "timestamp": _iso(at),
        "source": source,
        "message": message,
        "details": details,
    }


def _iso(value: datetime) -> str:
    return value.isoformat()


def active_requests(now: datetime) -> list[dict[str, Any]]:
    """The dashboard's sample: one request in each interesting situation."""
    ago = lambda **kw: _iso(now - timedelta(**kw))  # noqa: E731
    return [
        make_request(
            1,
            now,
            title="The Batman",
            year=2022,
            state="downloading",
            progress=0.67,
            download={
                "speed_bps": 2_300_000,
                "eta_seconds": 240,
                "size_bytes": 14_200_000_000,
                "downloaded_bytes": 9_514_000_000,
            },
            quality="Bluray-1080p",
            requested_by="alice",
            poster_url="/posters/1",
            download_ids=["0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"],
            created_at=ago(hours=2),
            updated_at=ago(seconds=20),
        ),
        make_request(
            8,
            now,
            title="Severance",
            year=2022,
            media_type="tv",
            state="downloading",
            progress=0.31,
            download={
                "speed_bps": 5_800_000,
                "eta_seconds": 4_330,
                "size_bytes": 38_000_000_000,
                "downloaded_bytes": 11_780_000_000,
            },
            episodes={"total": 10, "downloaded": 3, "imported": 0, "available": 0},
            quality="WEBDL-1080p",
            requested_by="bob",
            poster_url="/posters/8",
            tmdb_id=None,
            tvdb_id=371980,
            created_at=ago(hours=5),
            updated_at=ago(minutes=1),
        ),
        make_request(
            2,
            now,
            title="Frieren: Beyond Journey's End",
            year=2023,
            media_type="tv",
            state="anime_indexing",
            progress=1.0,
            is_anime=True,
            episodes={"total": 28, "downloaded": 28, "imported": 28, "available": 12},
            quality="WEBDL-1080p",
            requested_by="bob",
            poster_url="/posters/2",
            created_at=ago(days=1, hours=2),
            updated_at=ago(minutes=4),
        ),
        make_request(
            3,
            now,
            title="Shōgun",
            year=2024,
            media_type="tv",
            state="importing",
            progress=1.0,
            episodes={"total": 10, "downloaded": 10, "imported": 4, "available": 0},
            quality="WEBDL-2160p",
            requested_by="alice",
            created_at=ago(hours=9),
            updated_at=ago(minutes=7),
        ),
        make_request(
            6,
            now,
            title="Paddington in Peru",
            year=2024,
            state="searching",
            requested_by="carol",
            poster_url="/posters/6",
            error="Still searching after 26 h: no release matches the quality profile yet.",
            created_at=ago(hours=27),
            updated_at=ago(hours=1),
        ),
        make_request(
            5,
            now,
            title="Some Obscure Movie",
            year=2019,
            state="failed",
            requested_by="bob",
            poster_url="/posters/missing-5",
            error="No release found on any indexer for the “HD-1080p” profile.",
            created_at=ago(days=2),
            updated_at=ago(hours=20),
        ),
        make_request(
            4,
            now,
            title="Dune: Part Two",
            year=2024,
            state="available",
            progress=None,
            quality="Bluray-2160p",
            requested_by="carol",
            poster_url="/posters/4",
            watch_url=JELLYFIN,
            created_at=ago(days=1),
            updated_at=ago(hours=3),
        ),
        make_request(
            7,
            now,
            title="Wicked",
            year=2024,
            state="requested",
            requested_by="dave",
            poster_url="/posters/7",
            created_at=ago(minutes=12),
            updated_at=ago(minutes=12),
        ),
    ]


def history_requests(now: datetime) -> list[dict[str, Any]]:
    """Finished requests, newest first."""
    ago = lambda **kw: _iso(now - timedelta(**kw))  # noqa: E731
    return [
        make_request(
            11,
            now,
            title="Oppenheimer",
            year=2023,
            state="completed",
            quality="Bluray-1080p",
            requested_by="alice",
            poster_url="/posters/11",
            watch_url=JELLYFIN,
            completed_at=ago(days=1),
            updated_at=ago(days=1),
        ),
        make_request(
            12,
            now,
            title="Arcane",
            year=2021,
            media_type="tv",
            state="completed",
            episodes={"total": 18, "downloaded": 18, "imported": 18, "available": 18},
            quality="WEBDL-1080p",
            requested_by="bob",
            poster_url="/posters/12",
            watch_url=JELLYFIN,
            completed_at=ago(days=3),
            updated_at=ago(days=3),
        ),
        make_request(
            13,
            now,
            title="The Room",
            year=2003,
            state="declined",
            requested_by="dave",
            error="Declined: not in the family library.",
            updated_at=ago(days=6),
        ),
        make_request(
            14,
            now,
            title="Mushishi",
            year=2005,
            media_type="tv",
            state="failed",
            is_anime=True,
            requested_by="carol",
            error="Sonarr did not add the series: it rejected the root folder.",
            updated_at=ago(days=16),
        ),
    ]


def timeline_for(r: Mapping[str, Any], now: datetime) -> list[dict[str, Any]]:
    """A plausible timeline for one sample request, oldest first."""
    start = datetime.fromisoformat(str(r["created_at"]))
    rid = r["id"]
    steps = [entry("requested", start, "jellyseerr", f"{r['requested_by']} asked for it")]
    if r["state"] == "requested":
        return steps
    if r["state"] == "declined":
        return [
            *steps,
            entry("declined", start + timedelta(hours=1), "jellyseerr", "Declined by an admin"),
        ]
    steps.append(entry("approved", start + timedelta(minutes=1), "jellyseerr", "Approved"))
    if r["state"] in ("searching",) or (r["state"] == "failed" and rid in (5, 14)):
        if r["state"] == "failed":
            steps.append(
                entry(
                    "failed",
                    start + timedelta(hours=4),
                    "radarr" if rid == 5 else "sonarr",
                    str(r["error"]),
                )
            )
        return steps
    arr = "sonarr" if r["media_type"] == "tv" else "radarr"
    quality = r.get("quality") or "HD-1080p"
    steps.append(
        entry(
            "indexed",
            start + timedelta(minutes=3),
            arr,
            f"Found ({quality})",
            quality=quality,
            indexer="Nyaa" if r["is_anime"] else "TorrentLeech",
            release_title=f"{r['title']}.{r['year']}.{quality}.x265-GROUP",
            size=(r.get("download") or {}).get("size_bytes") or 8_400_000_000,
        )
    )
    steps.append(
        entry("downloading", start + timedelta(minutes=4), "qbittorrent", "Download started")
    )
    if r["state"] == "downloading":
        return steps
    steps.append(entry("download_done", start + timedelta(hours=1), "qbittorrent", "Downloaded"))
    steps.append(
        entry(
            "importing",
            start + timedelta(hours=1, minutes=1),
            arr,
            "Adding to the library",
            path=f"/data/media/{r['title']}",
        )
    )
    if r["is_anime"]:
        steps.append(
            entry(
                "anime_indexing",
                start + timedelta(hours=1, minutes=5),
                "shoko",
                "Matched 12 of 28 files",
            )
        )
    if r["state"] in ("importing", "anime_indexing"):
        return steps
    steps.append(
        entry("available", start + timedelta(hours=2), "jellyfin", "Ready to watch in Jellyfin")
    )
    if r["state"] == "completed":
        steps.append(entry("completed", start + timedelta(days=1), "jellyfin", "Watched by alice"))
    return steps


_POSTER_COLOURS = {
    "1": ("#0f172a", "#b91c1c"),
    "2": ("#1e3a8a", "#a78bfa"),
    "4": ("#78350f", "#f59e0b"),
    "6": ("#14532d", "#fde047"),
    "7": ("#064e3b", "#f472b6"),
    "8": ("#0c4a6e", "#e2e8f0"),
    "11": ("#1c1917", "#fb923c"),
    "12": ("#312e81", "#22d3ee"),
}


def _poster_svg(top: str, bottom: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 300">'
        '<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="{top}"/>'
        f'<stop offset="1" stop-color="{bottom}"/></linearGradient></defs>'
        '<rect width="200" height="300" fill="url(#g)"/>'
        '<circle cx="100" cy="120" r="46" fill="#ffffff" fill-opacity="0.18"/>'
        '<rect x="30" y="228" width="140" height="10" rx="5" fill="#ffffff" fill-opacity="0.5"/>'
        '<rect x="55" y="248" width="90" height="8" rx="4" fill="#ffffff" fill-opacity="0.35"/>'
        "</svg>"
    )


def environment() -> jinja2.Environment:
    """The production environment, strict about undefined names so template typos fail here."""
    return presenters.environment(undefined=jinja2.StrictUndefined)


def page_context(**extra: Any) -> dict[str, Any]:
    """The context every page gets, as the routes pass it."""
    context: dict[str, Any] = {
        "request": None,
        "filters": {"user": None, "state": None, "media_type": None, "q": None},
        "users": USERS,
        "live": True,
    }
    context.update(extra)
    return context


def render_site(out: Path, now: datetime | None = None) -> Path:
    """Render every sample page plus static assets and posters into ``out``; return ``out``."""
    now = now or datetime.now(UTC)
    env = environment()
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(presenters.STATIC_DIR, out / "static", dirs_exist_ok=True)
    (out / "posters").mkdir(exist_ok=True)
    for name, (top, bottom) in _POSTER_COLOURS.items():
        (out / "posters" / f"{name}.svg").write_text(_poster_svg(top, bottom), encoding="utf-8")

    active = active_requests(now)
    history = history_requests(now)
    _write(
        out / "index.html",
        env.get_template("index.html").render(
            page_context(requests=active, total=len(active), empty_install=False, base_url=BASE_URL)
        ),
    )
    _write(
        out / "empty.html",
        env.get_template("index.html").render(
            page_context(
                requests=[], total=0, empty_install=True, base_url=BASE_URL, secret_required=True
            )
        ),
    )
    _write(
        out / "history.html",
        env.get_template("history.html").render(
            page_context(live=False, requests=history, total=37, page=1, pages=4)
        ),
    )
    for r in [*active, *history]:
        render_detail(out, r, timeline_for(r, now), env=env)
    return out


def render_detail(
    out: Path,
    r: Mapping[str, Any],
    timeline: list[dict[str, Any]],
    env: jinja2.Environment | None = None,
) -> None:
    """(Re-)render one detail page, e.g. after a test changed the request."""
    env = env or environment()
    can_retry = r["state"] == "failed" and r["id"] != 14
    reason = "Sonarr is not configured: set TRACKER_SONARR_URL." if r["id"] == 14 else None
    html = env.get_template("request.html").render(
        page_context(
            live=r["state"] not in ("completed", "declined"),
            r=r,
            timeline=timeline,
            steps=presenters.build_steps(r, timeline),
            can_retry=can_retry,
            retry_unavailable_reason=reason,
        )
    )
    _write(out / "requests" / f"{r['id']}.html", html)


def render_card(r: Mapping[str, Any]) -> str:
    """The card partial for one request, as the SSE stream sends it."""
    return environment().get_template("_request_card.html").render(page_context(r=r))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


class SseHub:
    """Fan-out of published events to every open ``/ui/sse`` stream."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._streams: list[queue.Queue[bytes | None]] = []
        self.refuse = threading.Event()
        """While set, new streams get 503 (the browser then backs off and retries)."""

    def publish(self, event: str, data: str) -> None:
        """Send ``event`` with ``data`` (HTML, may span lines) to every open stream."""
        lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
        payload = f"event: {event}\n{lines}\n".encode()
        with self._lock:
            for stream in self._streams:
                stream.put(payload)

    def close_all(self) -> None:
        """End every open stream (the browser sees a dropped connection)."""
        with self._lock:
            for stream in self._streams:
                stream.put(None)

    def open_streams(self) -> int:
        """How many browsers are connected."""
        with self._lock:
            return len(self._streams)

    def stream(self, stop: threading.Event) -> Iterator[bytes]:
        """Yield payloads for one client until closed or ``stop`` is set."""
        mine: queue.Queue[bytes | None] = queue.Queue()
        with self._lock:
            self._streams.append(mine)
        try:
            while not stop.is_set():
                try:
                    item = mine.get(timeout=0.2)
                except queue.Empty:
                    continue
                if item is None:
                    return
                yield item
        finally:
            with self._lock:
                self._streams.remove(mine)


class SiteServer:
    """Serve a rendered site on 127.0.0.1 (free port) in a background thread."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.hub = SseHub()
        self._stop = threading.Event()
        handler = _make_handler(root, self.hub, self._stop)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.hub.close_all()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _make_handler(root: Path, hub: SseHub, stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("sample site: %s", format % args)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/ui/sse":
                self._sse()
                return
            target = _route(root, path)
            if target is None or not target.is_file():
                self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
                return
            self._send(
                HTTPStatus.OK,
                target.read_bytes(),
                _TYPES.get(target.suffix, "application/octet-stream"),
            )

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            if path.startswith("/requests/") and path.endswith("/retry"):
                self.send_response(HTTPStatus.SEE_OTHER)
                self.send_header("Location", path.removesuffix("/retry"))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")

        def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", security.CSP)
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _sse(self) -> None:
            if hub.refuse.is_set():
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"busy", "text/plain")
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                self.wfile.write(b"retry: 200\n\n")
                self.wfile.flush()
                for payload in hub.stream(stop):
                    self.wfile.write(payload)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def _route(root: Path, path: str) -> Path | None:
    if ".." in path.split("/"):
        return None
    if path in ("/", "/index.html"):
        return root / "index.html"
    if path in ("/history", "/empty"):
        return root / f"{path.strip('/')}.html"
    if path.startswith("/requests/"):
        return root / "requests" / f"{path.removeprefix('/requests/')}.html"
    if path.startswith("/posters/"):
        return root / "posters" / f"{path.removeprefix('/posters/')}.svg"
    if path.startswith("/static/"):
        return root / path.lstrip("/")
    return None
