"""Stall detection: a request quiet for longer than its state allows is flagged in words."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from status_tracker.config import Settings
from tests.support import Running, fixture


def approved(request_id: int, title: str) -> dict[str, Any]:
    body = fixture("jellyseerr/media_auto_approved_movie")
    body["subject"] = f"{title} (2001)"
    body["media"] = {**body["media"], "tmdbId": str(5000 + request_id)}
    body["request"] = {**body["request"], "request_id": str(request_id)}
    return body


def items(running: Running) -> dict[str, dict[str, Any]]:
    with running.client() as client:
        found = client.get("/api/requests").json()["items"]
    return {item["title"]: item for item in found}


def test_a_request_searching_too_long_is_flagged_and_a_new_one_is_not(
    start: Callable[..., Running], make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(stall_searching_hours=24)
    first = start(settings)
    with first.client() as client:
        client.post("/hooks/jellyseerr", json=approved(1, "Old Request"))
    first.wait_processed(1)
    first.stop()

    later = datetime.now(UTC) + timedelta(days=2, hours=1)
    second = start(settings, clock=lambda: later)
    with second.client() as client:
        client.post("/hooks/jellyseerr", json=approved(2, "New Request"))
    second.wait_processed(1)

    def flagged() -> dict[str, Any] | None:
        item = items(second)["Old Request"]
        return item if item["error"] else None

    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while (item := flagged()) is None:
        assert datetime.now(UTC) < deadline, "the stall was not flagged"
        time.sleep(0.02)
    assert item["error"] == "Stalled: no release found yet (2 days)"
    assert item["state"] == "searching"
    assert items(second)["New Request"]["error"] is None
    with second.client() as client:
        timeline = client.get(f"/api/requests/{item['id']}/timeline").json()["items"]
    assert [(e["source"], e["message"]) for e in timeline][-1] == (
        "tracker",
        "Stalled: no release found yet (2 days)",
    )
