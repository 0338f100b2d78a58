"""``GET /api/sse``: changes arrive live, per request, and survive a reconnect."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.support import Running, fixture

Frame = dict[str, str]


@contextmanager
def stream(running: Running, **kwargs: Any) -> Iterator[queue.Queue[Frame]]:
    """Read SSE frames in a thread; yields a queue of ``{"event", "id", "data"}`` dicts."""
    frames: queue.Queue[Frame] = queue.Queue()
    ready = threading.Event()
    stop = threading.Event()

    def read() -> None:
        try:
            consume()
        except httpx.HTTPError:
            if not stop.is_set():
                raise

    def consume() -> None:
        with (
            httpx.Client(base_url=running.base_url, timeout=30) as client,
            client.stream("GET", "/api/sse", **kwargs) as response,
        ):
            assert response.headers["content-type"].startswith("text/event-stream")
            ready.set()
            frame: Frame = {}
            for line in response.iter_lines():
                if stop.is_set():
                    return
                if not line:
                    if frame:
                        frames.put(frame)
                    frame = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(":")
                    frame[name] = value.removeprefix(" ")

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield frames
    finally:
        stop.set()


def next_request_frame(frames: queue.Queue[Frame]) -> Frame:
    while True:
        frame = frames.get(timeout=10)
        if frame.get("event") != "ping":
            return frame


def post(running: Running, body: dict[str, Any]) -> None:
    with running.client() as client:
        assert client.post("/hooks/jellyseerr", json=body).status_code == 202


def pending(request_id: int, title: str) -> dict[str, Any]:
    body = fixture("jellyseerr/media_pending_movie")
    body["subject"] = f"{title} (1999)"
    body["media"] = {**body["media"], "tmdbId": str(1000 + request_id)}
    body["request"] = {**body["request"], "request_id": str(request_id)}
    return body


def test_a_webhook_reaches_the_stream(running: Running) -> None:
    with stream(running) as frames:
        post(running, pending(1, "Heat"))
        frame = next_request_frame(frames)
    assert frame["event"] == "request"
    assert int(frame["id"]) >= 1
    data = json.loads(frame["data"])
    assert (data["title"], data["state"], data["state_label"]) == ("Heat", "requested", "Requested")


def test_id_filter_only_sends_that_request(running: Running) -> None:
    post(running, pending(1, "Heat"))
    post(running, pending(2, "Ronin"))
    running.wait_processed(2)
    with running.client() as client:
        ids = {i["title"]: i["id"] for i in client.get("/api/requests").json()["items"]}
    with stream(running, params={"id": ids["Ronin"]}) as frames:
        approved = {**pending(1, "Heat"), "notification_type": "MEDIA_APPROVED"}
        post(running, approved)
        post(running, {**pending(2, "Ronin"), "notification_type": "MEDIA_APPROVED"})
        frame = next_request_frame(frames)
    assert json.loads(frame["data"])["title"] == "Ronin"


def test_last_event_id_replays_what_was_missed(running: Running) -> None:
    with stream(running) as frames:
        post(running, pending(1, "Heat"))
        first = next_request_frame(frames)
    post(running, pending(2, "Ronin"))
    post(running, pending(3, "Collateral"))
    running.wait_processed(3)
    with stream(running, headers={"Last-Event-ID": first["id"]}) as frames:
        replayed = [next_request_frame(frames), next_request_frame(frames)]
    assert [json.loads(f["data"])["title"] for f in replayed] == ["Ronin", "Collateral"]
    assert int(replayed[0]["id"]) > int(first["id"])


def test_an_unknown_last_event_id_gets_resync(running: Running) -> None:
    post(running, pending(1, "Heat"))
    running.wait_processed(1)
    with stream(running, headers={"Last-Event-ID": "5000"}) as frames:
        frame = next_request_frame(frames)
    assert frame["event"] == "resync"
