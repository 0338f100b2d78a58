"""``POST /hooks/{source}``: authentication, validation, durability and deduplication."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import Running, fixture

SECRET = "s3cret-Token"


def inbox_rows(running: Running) -> list[tuple[Any, ...]]:
    path = running.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        query = "SELECT id, source, processed_at, error FROM inbox ORDER BY id"
        return db.execute(query).fetchall()


@pytest.fixture
def secured(start: Callable[..., Running], make_settings: Callable[..., Any]) -> Running:
    return start(make_settings(webhook_secret=SECRET))


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    ("headers", "params"),
    [
        ({"Authorization": f"Bearer {SECRET}"}, {}),
        ({"Authorization": SECRET}, {}),
        ({"Authorization": basic("sonarr", SECRET)}, {}),
        ({"Authorization": basic("", SECRET)}, {}),
        ({"X-Webhook-Secret": SECRET}, {}),
        ({}, {"token": SECRET}),
    ],
    ids=["bearer", "raw-authorization", "basic", "basic-no-user", "x-webhook-secret", "query"],
)
def test_every_auth_form_is_accepted(
    secured: Running, headers: dict[str, str], params: dict[str, str]
) -> None:
    with secured.client() as client:
        response = client.post(
            "/hooks/jellyseerr",
            json=fixture("jellyseerr/media_pending_movie"),
            headers=headers,
            params=params,
        )
    assert response.status_code == 202, response.text
    assert response.json()["accepted"] is True
    assert len(inbox_rows(secured)) == 1


@pytest.mark.parametrize(
    ("headers", "params"),
    [
        ({}, {}),
        ({"Authorization": "Bearer wrong"}, {}),
        ({"Authorization": f"Bearer {SECRET}x"}, {}),
        ({"Authorization": basic(SECRET, "nope")}, {}),
        ({"Authorization": "Basic !!!notbase64"}, {}),
        ({"X-Webhook-Secret": SECRET.lower()}, {}),
        ({}, {"token": ""}),
    ],
    ids=["missing", "wrong-bearer", "longer", "secret-as-user", "bad-basic", "case", "empty"],
)
def test_wrong_or_missing_secret_is_401_and_stores_nothing(
    secured: Running, headers: dict[str, str], params: dict[str, str]
) -> None:
    with secured.client() as client:
        response = client.post(
            "/hooks/jellyseerr",
            json=fixture("jellyseerr/media_pending_movie"),
            headers=headers,
            params=params,
        )
        assert response.status_code == 401
        assert "secret" in response.json()["error"]
        assert client.get("/api/requests").json()["total"] == 0
    assert inbox_rows(secured) == []


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [
        (b"not json at all", "application/json", 400, "not JSON"),
        (b'[{"notification_type": "MEDIA_PENDING"}]', "application/json", 400, "JSON object"),
        (b'"a string"', "application/json", 400, "JSON object"),
        (b"\xff\xfe", "application/json", 400, "UTF-8"),
        (b"a=1&b=2", "application/x-www-form-urlencoded", 400, "not JSON"),
        (b'{"x": "' + b"a" * (1024 * 1024) + b'"}', "application/json", 413, "1 MiB"),
    ],
    ids=["not-json", "array", "string", "not-utf8", "form-for-json-only-source", "too-large"],
)
def test_bad_bodies_are_refused_and_nothing_is_stored(
    running: Running, body: bytes, content_type: str, status: int, words: str
) -> None:
    with running.client() as client:
        response = client.post(
            "/hooks/jellyseerr", content=body, headers={"Content-Type": content_type}
        )
    assert response.status_code == status
    assert words in response.json()["error"]
    assert inbox_rows(running) == []


def test_a_large_body_without_content_length_is_413(running: Running) -> None:
    def chunks() -> Any:
        yield b'{"x": "'
        for _ in range(65):
            yield b"a" * 16384
        yield b'"}'

    with running.client() as client:
        response = client.post("/hooks/sonarr", content=chunks())
    assert response.status_code == 413
    assert inbox_rows(running) == []


def test_unknown_source_is_404(running: Running) -> None:
    with running.client() as client:
        response = client.post("/hooks/plex", json={"event": "library.new"})
    assert response.status_code == 404
    assert "jellyseerr" in response.json()["error"]
    assert inbox_rows(running) == []


def test_accepted_delivery_is_on_disk_and_processed(running: Running) -> None:
    with running.client() as client:
        response = client.post("/hooks/jellyseerr", json=fixture("jellyseerr/media_pending_movie"))
        assert response.status_code == 202
        delivery_id = int(response.json()["delivery_id"])
        running.wait_processed(1)
        items = client.get("/api/requests").json()["items"]
    rows = inbox_rows(running)
    assert [r[0] for r in rows] == [delivery_id]
    assert rows[0][2] is not None
    assert rows[0][3] is None
    assert [(i["title"], i["state"], i["requested_by"]) for i in items] == [
        ("The Matrix", "requested", "bob")
    ]


def test_a_repeated_delivery_gets_the_first_id_and_changes_nothing(running: Running) -> None:
    body = fixture("jellyseerr/media_auto_approved_movie")
    with running.client() as client:
        first = client.post("/hooks/jellyseerr", json=body).json()
        running.wait_processed(1)
        before = client.get("/api/requests").json()
        timeline_before = client.get(f"/api/requests/{before['items'][0]['id']}").json()
        second = client.post("/hooks/jellyseerr", json=body).json()
        after = client.get("/api/requests").json()
        timeline_after = client.get(f"/api/requests/{before['items'][0]['id']}").json()
    assert second == first
    assert after == before
    assert timeline_after == timeline_before
    assert len(inbox_rows(running)) == 1


def test_test_events_are_stored_and_change_nothing(running: Running) -> None:
    with running.client() as client:
        response = client.post("/hooks/jellyseerr", json=fixture("jellyseerr/test_notification"))
        assert response.status_code == 202
        running.wait_processed(1)
        assert client.get("/api/requests", params={"scope": "all"}).json()["total"] == 0
    assert len(inbox_rows(running)) == 1


def test_processing_errors_are_recorded_never_5xx(running: Running) -> None:
    with running.client() as client:
        response = client.post("/hooks/jellyseerr", json={"subject": "no type at all"})
        assert response.status_code == 202
        running.wait_processed(1)
        assert client.get("/api/requests", params={"scope": "all"}).json()["total"] == 0
    (row,) = inbox_rows(running)
    assert row[2] is not None
    assert "notification_type" in row[3]


def test_qbittorrent_accepts_the_documented_form_and_needs_a_hash(running: Running) -> None:
    form = "application/x-www-form-urlencoded"
    with running.client() as client:
        ok = client.post(
            "/hooks/qbittorrent",
            content="hash=ABCDEF0123&name=The%20Matrix&size=123",
            headers={"Content-Type": form},
        )
        missing = client.post(
            "/hooks/qbittorrent", content="name=x", headers={"Content-Type": form}
        )
        json_missing = client.post("/hooks/qbittorrent", json={"name": "x"})
    assert ok.status_code == 202
    assert missing.status_code == 400
    assert "hash" in missing.json()["error"]
    assert json_missing.status_code == 400
    assert len(inbox_rows(running)) == 1


def test_out_of_order_deliveries_never_move_state_back(running: Running) -> None:
    approved = fixture("jellyseerr/media_approved_tv")
    pending = {**approved, "notification_type": "MEDIA_PENDING", "event": "New Series Request"}
    with running.client() as client:
        client.post("/hooks/jellyseerr", json=approved)
        client.post("/hooks/jellyseerr", json=pending)
        running.wait_processed(2)
        (item,) = client.get("/api/requests").json()["items"]
        detail = client.get(f"/api/requests/{item['id']}").json()
    assert item["state"] == "searching"
    assert item["episodes"] is not None
    assert [e["state"] for e in detail["timeline"]] == ["approved", "requested"]


def test_unprocessed_deliveries_are_processed_on_the_next_start(
    start: Callable[..., Running], make_settings: Callable[..., Any], tmp_path: Path
) -> None:
    settings = make_settings()
    first = start(settings)
    first.stop()
    path = settings.database_url.removeprefix("sqlite:///")
    body = json.dumps(fixture("jellyseerr/media_pending_movie"))
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO inbox (source, dedup_key, content_type, body, received_at)"
            " VALUES ('jellyseerr', 'k1', 'application/json', ?, '2026-11-01T10:00:00+00:00')",
            (body,),
        )
    second = start(settings)
    second.wait_processed(1)
    with second.client() as client:
        items = client.get("/api/requests").json()["items"]
    assert [i["title"] for i in items] == ["The Matrix"]
    assert all(row[2] is not None for row in inbox_rows(second))
