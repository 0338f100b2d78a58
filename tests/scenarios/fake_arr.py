"""A fake Sonarr or Radarr ``/api/v3`` on a loopback port, answering in their real JSON shapes.

Tests fill ``queue``, ``history``, ``series``, ``episodes`` and ``movies`` with rows
copied from the recorded fixtures (``tests/integrations/{sonarr,radarr}/fixtures/api``)
and read back what the tracker asked: ``commands`` (bodies POSTed to
``/api/v3/command``), ``deleted`` (queue ids removed) and ``seen`` (every path).
``refuse_key`` makes every call answer 401, as with a wrong API key; paths in
``reject`` answer 400.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support import free_port

KEY = "0123456789abcdef0123456789abcdef"


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class FakeArr:
    """State and recorded calls of one fake app (``sonarr`` or ``radarr``)."""

    app: str
    queue: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)
    episodes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    movies: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    refuse_key: bool = False
    reject: set[str] = field(default_factory=set)
    """Paths answered 400, as the apps answer a call they cannot carry out."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    def calls(self, path: str) -> int:
        """How many times ``path`` was asked for."""
        return sum(1 for seen in self.seen if seen == path)

    async def handle(self, request: Request) -> Response:
        """One API call."""
        path = request.url.path
        self.seen.append(path)
        if self.refuse_key or request.headers.get("X-Api-Key") != KEY:
            return JSONResponse({"error": "Unauthorized"}, status_code=401)
        if path in self.reject:
            return JSONResponse([{"errorMessage": "Invalid request"}], status_code=400)
        query = request.query_params
        if request.method == "GET" and path == "/api/v3/queue":
            return JSONResponse(self._page(int(query["page"]), int(query["pageSize"])))
        if request.method == "GET" and path == "/api/v3/history/since":
            since = _date(query["date"])
            rows = [row for row in self.history if _date(row["date"]) >= since]
            return JSONResponse(rows)
        if request.method == "GET" and path == "/api/v3/series":
            tvdb = int(query["tvdbId"])
            return JSONResponse([row for row in self.series if row["tvdbId"] == tvdb])
        if request.method == "GET" and path == "/api/v3/episode":
            return JSONResponse(self.episodes.get(int(query["seriesId"]), []))
        if request.method == "GET" and path == "/api/v3/movie":
            tmdb = int(query["tmdbId"])
            return JSONResponse([row for row in self.movies if row["tmdbId"] == tmdb])
        if request.method == "POST" and path == "/api/v3/command":
            body = await request.json()
            self.commands.append(body)
            answer = {
                "name": body["name"],
                "commandName": body["name"],
                "body": body,
                "priority": "normal",
                "status": "queued",
                "result": "unknown",
                "queued": "2025-01-21T09:15:02Z",
                "trigger": "manual",
                "id": next(self._ids),
            }
            return JSONResponse(answer, status_code=201)
        if request.method == "DELETE" and path.startswith("/api/v3/queue/"):
            queue_id = int(path.rsplit("/", 1)[1])
            self.deleted.append(queue_id)
            gone = {row["downloadId"] for row in self.queue if row.get("id") == queue_id}
            self.queue = [row for row in self.queue if row.get("downloadId") not in gone]
            return Response(status_code=200)
        return JSONResponse({"message": "NotFound"}, status_code=404)

    def _page(self, page: int, size: int) -> dict[str, Any]:
        start = (page - 1) * size
        return {
            "page": page,
            "pageSize": size,
            "sortKey": "timeleft",
            "sortDirection": "ascending",
            "totalRecords": len(self.queue),
            "records": self.queue[start : start + size],
        }


@dataclass
class Served:
    """A fake app listening on 127.0.0.1."""

    fake: FakeArr
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        """Shut it down and wait."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve(fake: FakeArr) -> Served:
    """Start ``fake`` on a free loopback port (in a thread) and wait until it listens."""
    methods = ["GET", "POST", "DELETE"]
    app = Starlette(routes=[Route("/{path:path}", fake.handle, methods=methods)])
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("fake server did not start")
        time.sleep(0.01)
    return Served(fake, f"http://127.0.0.1:{port}", server, thread)
