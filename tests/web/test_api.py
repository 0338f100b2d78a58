"""The read API: filters, paging, 404s, 422s naming the parameter, health."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import Running, fixture


def jellyseerr(
    kind: str, request_id: int, tmdb: int, title: str, user: str, media: str = "movie"
) -> dict[str, Any]:
    body = fixture("jellyseerr/media_pending_movie")
    body["notification_type"] = kind
    body["subject"] = f"{title} (2001)"
    body["media"] = {**body["media"], "tmdbId": str(tmdb), "media_type": media}
    body["request"] = {
        **body["request"],
        "request_id": str(request_id),
        "requestedBy_username": user,
    }
    return body


@pytest.fixture
def populated(running: Running) -> Running:
    deliveries = [
        jellyseerr("MEDIA_PENDING", 1, 11, "Amélie", "Alice"),
        jellyseerr("MEDIA_AUTO_APPROVED", 2, 12, "Spirited Away", "bob"),
        jellyseerr("MEDIA_AUTO_APPROVED", 3, 13, "Cowboy Bebop", "alice", "tv"),
        jellyseerr("MEDIA_DECLINED", 4, 14, "Shrek 5", "carol"),
        jellyseerr("MEDIA_FAILED", 5, 15, "Memento", "bob"),
        jellyseerr("MEDIA_AVAILABLE", 6, 16, "Up", "alice"),
    ]
    with running.client() as client:
        for body in deliveries:
            assert client.post("/hooks/jellyseerr", json=body).status_code == 202
    running.wait_processed(len(deliveries))
    return running


def titles(running: Running, **params: Any) -> list[str]:
    with running.client() as client:
        response = client.get("/api/requests", params=params)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Up", "Memento", "Cowboy Bebop", "Spirited Away", "Amélie"]),
        ({"scope": "history"}, ["Shrek 5"]),
        ({"scope": "all", "limit": 2}, ["Up", "Memento"]),
        ({"scope": "all", "limit": 2, "offset": 4}, ["Spirited Away", "Amélie"]),
        ({"state": "searching"}, ["Cowboy Bebop", "Spirited Away"]),
        ({"status": "searching,failed"}, ["Memento", "Cowboy Bebop", "Spirited Away"]),
        ({"state": "declined", "scope": "all"}, ["Shrek 5"]),
        ({"user": "ALICE"}, ["Up", "Cowboy Bebop", "Amélie"]),
        ({"media_type": "tv"}, ["Cowboy Bebop"]),
        ({"q": "SPIRIT"}, ["Spirited Away"]),
        ({"q": "%"}, []),
        ({"user": "alice", "media_type": "movie", "state": "requested"}, ["Amélie"]),
    ],
)
def test_filters(populated: Running, params: dict[str, Any], expected: list[str]) -> None:
    assert titles(populated, **params) == expected


def test_list_shape_and_totals(populated: Running) -> None:
    with populated.client() as client:
        body = client.get("/api/requests", params={"limit": 1}).json()
    assert (body["total"], body["limit"], body["offset"]) == (5, 1, 0)
    item = body["items"][0]
    assert set(item) == {
        "id", "title", "year", "media_type", "state", "state_label", "progress", "download",
        "episodes", "quality", "requested_by", "is_anime", "tmdb_id", "tvdb_id",
        "jellyseerr_request_id", "download_ids", "watch_url", "poster_url", "error",
        "created_at", "updated_at", "completed_at",
    }  # fmt: skip
    assert item["state_label"] == "Ready to watch"
    assert item["updated_at"].endswith("+00:00")


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"state": "downloading,sleeping"}, "state"),
        ({"status": "nope"}, "status"),
        ({"media_type": "music"}, "media_type"),
        ({"scope": "everything"}, "scope"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_parameters_are_422_naming_them(
    running: Running, params: dict[str, Any], name: str
) -> None:
    with running.client() as client:
        response = client.get("/api/requests", params=params)
    assert response.status_code == 422
    assert name in response.text


def test_one_request_with_timeline_and_404s(populated: Running) -> None:
    with populated.client() as client:
        (item,) = client.get("/api/requests", params={"q": "memento"}).json()["items"]
        detail = client.get(f"/api/requests/{item['id']}").json()
        timeline = client.get(f"/api/requests/{item['id']}/timeline").json()
        missing = client.get("/api/requests/9999")
        missing_timeline = client.get("/api/requests/9999/timeline")
    assert detail["state"] == "failed"
    assert detail["error"] == "Could not be sent to Radarr"
    assert [e["state"] for e in detail["timeline"]] == ["failed"]
    assert timeline["items"] == detail["timeline"]
    entry = timeline["items"][0]
    assert set(entry) == {"state", "label", "timestamp", "source", "message", "details"}
    assert entry["source"] == "jellyseerr"
    assert missing.status_code == 404
    assert missing_timeline.status_code == 404


def test_health_lists_every_integration_as_disabled_by_default(running: Running) -> None:
    with running.client() as client:
        body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert set(body["integrations"]) == {
        "jellyseerr", "sonarr", "radarr", "qbittorrent", "jellyfin", "shoko",
    }  # fmt: skip
    assert all(
        i == {"enabled": False, "status": "disabled", "last_success": None, "last_error": None}
        for i in body["integrations"].values()
    )


def test_health_shows_an_enabled_integration(
    start: Callable[..., Running], make_settings: Callable[..., Any]
) -> None:
    running = start(make_settings(jellyseerr_url="http://127.0.0.1:9", jellyseerr_api_key="k"))
    with running.client() as client:
        body = client.get("/api/health").json()
    assert body["integrations"]["jellyseerr"]["enabled"] is True
    assert body["integrations"]["jellyseerr"]["status"] != "disabled"


def test_health_is_503_when_the_database_is_unusable(running: Running) -> None:
    path = Path(running.settings.database_url.removeprefix("sqlite:///"))
    running.tracker.database.reader.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    with running.client() as client:
        response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_openapi_documents_the_surface(running: Running) -> None:
    with running.client() as client:
        paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/hooks/{source}",
        "/api/requests",
        "/api/requests/{request_id}",
        "/api/requests/{request_id}/timeline",
        "/api/health",
        "/api/sse",
    ):
        assert path in paths
