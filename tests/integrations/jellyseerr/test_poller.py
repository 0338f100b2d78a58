"""Jellyseerr reconciliation through the real server against a fake Jellyseerr API.

The fake answers ``GET /api/v1/request`` with records in the recorded shape
(``fixtures/api_request_list_example.json``), ids and statuses varied per test.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from status_tracker.config import Settings
from tests.support import Running, fixture, free_port

KEY = "jellyseerr-key"
EXAMPLE = json.loads(
    (Path(__file__).parent / "fixtures" / "api_request_list_example.json").read_text()
)


def record(request_id: int, status: int, media_status: int, **media: Any) -> dict[str, Any]:
    row: dict[str, Any] = copy.deepcopy(EXAMPLE["results"][0])
    row["id"] = request_id
    row["status"] = status
    row["updatedAt"] = f"2026-11-0{request_id % 9 + 1}T10:00:00.000Z"
    row["media"] = {**row["media"], "status": media_status, **media}
    return row


@dataclass
class FakeJellyseerr:
    records: list[dict[str, Any]] = field(default_factory=list)
    refuse_key: bool = False
    reads: int = 0

    async def handle(self, request: Request) -> Response:
        if request.headers.get("x-api-key") != KEY or self.refuse_key:
            return JSONResponse({"message": "Unauthorized"}, status_code=401)
        self.reads += 1
        rows = list(self.records)
        info = {"pages": 1, "pageSize": 100, "results": len(rows), "page": 1}
        return JSONResponse({"pageInfo": info, "results": rows, "serviceErrors": {}})


@pytest.fixture
def jellyseerr() -> Iterator[tuple[FakeJellyseerr, str]]:
    fake = FakeJellyseerr()
    app = Starlette(routes=[Route("/api/v1/request", fake.handle)])
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield fake, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def wait_for(check: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + 10
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
    return value


def requests(running: Running) -> list[dict[str, Any]]:
    with running.client() as client:
        items: list[dict[str, Any]] = client.get("/api/requests", params={"scope": "all"}).json()[
            "items"
        ]
        return items


def tracker(
    start: Callable[..., Running], make_settings: Callable[..., Settings], url: str, key: str = KEY
) -> Running:
    return start(make_settings(jellyseerr_url=url, jellyseerr_api_key=key, reconcile_minutes=0.005))


def test_an_open_request_whose_webhook_was_missed_is_tracked(
    start: Callable[..., Running],
    make_settings: Callable[..., Settings],
    jellyseerr: tuple[FakeJellyseerr, str],
) -> None:
    fake, url = jellyseerr
    fake.records = [record(41, 2, 3), record(42, 5, 5, tmdbId=1399, tvdbId=121361)]
    running = tracker(start, make_settings, url)
    (item,) = wait_for(lambda: requests(running), "the missed request")
    assert item["jellyseerr_request_id"] == 41
    assert item["requested_by"] == "alice"
    assert item["state"] == "searching"
    assert item["tvdb_id"] == 424536
    wait_for(lambda: fake.reads >= 3, "more polls")
    assert [i["jellyseerr_request_id"] for i in requests(running)] == [41]


def test_a_tracked_request_follows_jellyseerr(
    start: Callable[..., Running],
    make_settings: Callable[..., Settings],
    jellyseerr: tuple[FakeJellyseerr, str],
) -> None:
    fake, url = jellyseerr
    running = tracker(start, make_settings, url)
    webhook = fixture("jellyseerr/media_approved_tv")
    webhook["request"] = {**webhook["request"], "request_id": "43"}
    with running.client() as client:
        assert client.post("/hooks/jellyseerr", json=webhook).status_code == 202
    running.wait_processed(1)
    fake.records = [record(43, 5, 5)]
    item = wait_for(
        lambda: [i for i in requests(running) if i["state"] == "available"], "availability"
    )[0]
    assert item["title"] == "Frieren: Beyond Journey’s End"
    assert len(requests(running)) == 1
    with running.client() as client:
        sources = [
            e["source"] for e in client.get(f"/api/requests/{item['id']}").json()["timeline"]
        ]
    assert sources[0] == "jellyseerr"
    assert "jellyseerr" in sources[1:]


def test_a_refused_key_shows_on_health(
    start: Callable[..., Running],
    make_settings: Callable[..., Settings],
    jellyseerr: tuple[FakeJellyseerr, str],
) -> None:
    fake, url = jellyseerr
    running = tracker(start, make_settings, url, key="wrong")

    def status() -> str | None:
        health = httpx.get(f"{running.base_url}/api/health").json()
        value: str = health["integrations"]["jellyseerr"]["status"]
        return value if value == "auth_failed" else None

    assert wait_for(status, "auth_failed") == "auth_failed"
    assert fake.reads == 0
