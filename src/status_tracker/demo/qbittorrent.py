"""A simulated qBittorrent WebUI for the demo: the real client and poller talk to it over HTTP.

``SimulatedQbittorrent`` keeps torrents that download on their own clock: a few
seconds "waiting for peers" (``stalledDL``), then ``downloading`` at a wobbling
speed, then ``stalledUP`` once complete. Its numbers refresh once a second, like
qBittorrent's stats. ``serve`` answers the part of the WebUI API 4.5 the tracker
uses, in qBittorrent's shapes: ``auth/login``, ``app/version``, ``torrents/info``
and ``sync/maindata`` with real ``rid`` deltas (new torrents in full, changed
fields only, ``torrents_removed``, ``{"rid": n}`` when nothing changed).

``finished_form`` is the body qBittorrent's run-on-finish curl line (CONTRACT
§3.3) sends. ``simulate_unless_configured`` points the demo's settings at this
server unless ``TRACKER_QBITTORRENT_URL`` names a real one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import socket
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pydantic import AnyHttpUrl

from status_tracker.config import Settings

log = logging.getLogger(__name__)

VERSION = "v4.5.2"
WEBAPI_VERSION = "2.8.19"
SAVE_PATH = "/data/downloads"
REFRESH_S = 1.0
"""How often the simulated stats change (qBittorrent's ``RefreshInterval``)."""
INFINITE_ETA = 8640000
KEEP_SNAPSHOTS = 16
READ_TIMEOUT_S = 30.0


@dataclass
class SimulatedTorrent:
    """One torrent and the clock it downloads on."""

    hash: str
    name: str
    size: int
    seconds: float
    """How long the download takes once peers are found."""
    waiting: float = 3.0
    """Seconds stalled before the first peer."""
    category: str = "radarr"
    added: float = field(default_factory=time.monotonic)
    added_on: int = field(default_factory=lambda: int(time.time()))
    done_bytes: float = 0.0
    speed: int = 0
    state: str = "stalledDL"
    completion_on: int = 0
    refreshed: float = 0.0

    def refresh(self, now: float) -> None:
        """Advance to ``now`` if a refresh interval passed."""
        if now - self.refreshed < REFRESH_S and self.refreshed:
            return
        flowing_since = max(self.refreshed or now, self.added + self.waiting)
        self.refreshed = now
        if self.state == "stalledUP" or now < self.added + self.waiting:
            self.speed = 0
            return
        elapsed = now - flowing_since
        self.speed = int(self.size / self.seconds * random.uniform(0.7, 1.3))
        self.done_bytes = min(float(self.size), self.done_bytes + self.speed * elapsed)
        self.state = "downloading"
        if self.done_bytes >= self.size:
            self.state, self.speed = "stalledUP", 0
            self.completion_on = int(time.time())

    @property
    def done(self) -> bool:
        return self.state == "stalledUP"

    def fields(self) -> dict[str, Any]:
        """The torrent as ``sync/maindata`` sends it (4.5.2 field names; no ``hash``)."""
        done = int(self.done_bytes)
        left = self.size - done
        eta = left // self.speed if self.speed else (0 if self.done else INFINITE_ETA)
        return {
            "added_on": self.added_on,
            "amount_left": left,
            "auto_tmm": False,
            "availability": 1 if self.speed else 0,
            "category": self.category,
            "completed": done,
            "completion_on": self.completion_on,
            "content_path": f"{SAVE_PATH}/{self.name}",
            "dl_limit": 0,
            "dlspeed": self.speed,
            "download_path": "",
            "downloaded": done,
            "downloaded_session": done,
            "eta": INFINITE_ETA if self.done else eta,
            "infohash_v1": self.hash,
            "infohash_v2": "",
            "magnet_uri": f"magnet:?xt=urn:btih:{self.hash}&dn={self.name}",
            "name": self.name,
            "num_complete": 1 if self.speed else 0,
            "num_incomplete": 0,
            "num_leechs": 0,
            "num_seeds": 1 if self.speed else 0,
            "priority": 0,
            "progress": done / self.size if self.size else 0,
            "ratio": 0,
            "save_path": SAVE_PATH,
            "size": self.size,
            "state": self.state,
            "tags": "",
            "total_size": self.size,
            "tracker": "",
            "upspeed": 0,
        }


def finished_form(torrent: SimulatedTorrent) -> dict[str, str]:
    """What the CONTRACT §3.3 curl line POSTs when this torrent finishes (form fields)."""
    return {
        "hash": torrent.hash,
        "name": torrent.name,
        "path": f"{SAVE_PATH}/{torrent.name}",
        "save_path": SAVE_PATH,
        "category": torrent.category,
        "size": str(torrent.size),
    }


class SimulatedQbittorrent:
    """Torrents plus the ``sync/maindata`` bookkeeping (one ``rid`` per answer)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.torrents: dict[str, SimulatedTorrent] = {}
        self._rid = 0
        self._snapshots: dict[int, dict[str, dict[str, Any]]] = {}

    def add(self, torrent: SimulatedTorrent) -> SimulatedTorrent:
        """Start a torrent now (what Radarr's "add to download client" does)."""
        torrent.added = self.clock()
        self.torrents[torrent.hash] = torrent
        return torrent

    def remove(self, info_hash: str) -> None:
        """Delete a torrent (what Radarr's "remove completed" does after the import)."""
        self.torrents.pop(info_hash, None)

    async def finished(self, info_hash: str, limit: float = 600.0) -> SimulatedTorrent | None:
        """Wait until the torrent is complete (None if it was removed or never finished)."""
        deadline = self.clock() + limit
        while self.clock() < deadline:
            torrent = self.torrents.get(info_hash)
            if torrent is None:
                return None
            torrent.refresh(self.clock())
            if torrent.done:
                return torrent
            await asyncio.sleep(0.2)
        return None

    def current(self) -> dict[str, dict[str, Any]]:
        """Every torrent's fields right now."""
        now = self.clock()
        for torrent in self.torrents.values():
            torrent.refresh(now)
        return {h: t.fields() for h, t in self.torrents.items()}

    def maindata(self, rid: int) -> dict[str, Any]:
        """A ``sync/maindata`` answer relative to ``rid`` (full when it is unknown)."""
        now = self.current()
        before = self._snapshots.get(rid) if rid else None
        self._rid += 1
        self._snapshots[self._rid] = now
        for old in [r for r in self._snapshots if r <= self._rid - KEEP_SNAPSHOTS]:
            del self._snapshots[old]
        if before is None:
            return {
                "rid": self._rid,
                "full_update": True,
                "torrents": now,
                "categories": {},
                "tags": [],
                "server_state": {"connection_status": "connected", "dl_info_speed": 0},
            }
        answer: dict[str, Any] = {"rid": self._rid}
        changed = {
            h: {k: v for k, v in fields.items() if before.get(h, {}).get(k) != v}
            for h, fields in now.items()
        }
        torrents = {h: delta for h, delta in changed.items() if delta}
        if torrents:
            answer["torrents"] = torrents
        removed = [h for h in before if h not in now]
        if removed:
            answer["torrents_removed"] = removed
        return answer

    def info(self, hashes: str | None) -> list[dict[str, Any]]:
        """A ``torrents/info`` answer (``hashes`` is ``a|b``, any case, or None for all)."""
        wanted = {h.lower() for h in hashes.split("|")} if hashes else None
        return [
            {"hash": h, **fields}
            for h, fields in self.current().items()
            if wanted is None or h in wanted
        ]

    def answer(self, method: str, target: str, body: bytes) -> tuple[int, str, str]:
        """``(status, content type, body)`` for one WebUI request."""
        url = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        match method, url.path:
            case "POST", "/api/v2/auth/login":
                return 200, "text/plain", "Ok."
            case "POST", "/api/v2/auth/logout":
                return 200, "text/plain", ""
            case "GET", "/api/v2/app/version":
                return 200, "text/plain", VERSION
            case "GET", "/api/v2/app/webapiVersion":
                return 200, "text/plain", WEBAPI_VERSION
            case "GET", "/api/v2/sync/maindata":
                rid = int(query.get("rid", "0") or 0)
                return 200, "application/json", json.dumps(self.maindata(rid))
            case "GET", "/api/v2/torrents/info":
                return 200, "application/json", json.dumps(self.info(query.get("hashes")))
        return 404, "text/plain", "Not Found"

    async def serve(self, sock: socket.socket) -> None:
        """Answer HTTP/1.1 (keep-alive) on an already bound socket until cancelled."""
        server = await asyncio.start_server(self._connection, sock=sock)
        async with server:
            await server.serve_forever()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_S)
                request_line, *lines = head.decode("latin-1").split("\r\n")
                method, target, _ = request_line.split(" ", 2)
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (line.partition(":") for line in lines if line)
                }
                length = int(headers.get("content-length", "0") or 0)
                body = await reader.readexactly(length) if length else b""
                status, content_type, text = self.answer(method, target, body)
                payload = text.encode()
                cookie = "Set-Cookie: SID=demo; HttpOnly; path=/\r\n" if "login" in target else ""
                writer.write(
                    f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}\r\n"
                    f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n"
                    f"{cookie}\r\n".encode()
                    + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, TimeoutError, ValueError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


SIMULATED = SimulatedQbittorrent()
"""The demo's qBittorrent: the download story adds torrents here, the poller reads them."""

Task = Callable[[Any], Coroutine[Any, Any, None]]


def simulate_unless_configured(
    settings: Settings, simulated: SimulatedQbittorrent = SIMULATED
) -> tuple[Settings, tuple[Task, ...]]:
    """Settings pointing at the simulated WebUI (on a free loopback port) and its server task.

    A configured ``TRACKER_QBITTORRENT_URL`` is kept and nothing extra runs.
    """
    if settings.url("qbittorrent") is not None:
        return settings, ()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    log.info("demo: simulated qBittorrent WebUI at %s", url)

    async def serve(_tracker: Any) -> None:
        await simulated.serve(sock)

    update = {"qbittorrent_url": AnyHttpUrl(url), "qbittorrent_username": None}
    return settings.model_copy(update=update), (serve,)
