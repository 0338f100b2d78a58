"""Radarr webhooks through the real server: recorded shapes with other ids, end to end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from status_tracker.core.model import Key, KeyKind
from status_tracker.storage import requests as stored
from tests.scenarios.helpers import Hooks, StepClock
from tests.support import Running

from ._samples import jellyseerr_movie, load, vary

MOVIE = {"movie_id": 88, "tmdb_id": 700001, "title": "The Long Thaw"}
HASH = "F00DF00DF00DF00DF00DF00DF00DF00DF00DF00D"
UPGRADE = "BEEFBEEFBEEFBEEFBEEFBEEFBEEFBEEFBEEFBEEF"


@pytest.fixture
def clock() -> StepClock:
    """Our clock, just before the recorded file was added (it carries its own time)."""
    return StepClock(datetime(2025, 1, 18, 22, 0, tzinfo=UTC))


@pytest.fixture
def hooks(start: Callable[..., Running], clock: StepClock) -> Iterator[Hooks]:
    client = Hooks(start(clock=clock))
    yield client
    client.close()


def grab(download_id: str = HASH) -> dict[str, Any]:
    return vary(load("grab.json"), **MOVIE, download_id=download_id)


def download(download_id: str = HASH) -> dict[str, Any]:
    return vary(load("download.json"), **MOVIE, download_id=download_id)


def test_grab_is_found_with_quality_and_download_key(hooks: Hooks) -> None:
    assert hooks.post("radarr", grab()).status_code == 202

    request = hooks.only()
    assert request["state"] == "indexed"
    assert request["media_type"] == "movie"
    assert (request["title"], request["tmdb_id"]) == ("The Long Thaw", 700001)
    assert request["download_ids"] == [HASH.lower()]
    assert request["requested_by"] is None  # added straight in Radarr
    assert request["episodes"] is None
    [found] = hooks.timeline(request["id"])
    assert (found["state"], found["source"]) == ("indexed", "radarr")
    assert found["message"] == "Found (WEBDL-1080p)"
    assert found["details"] == {
        "quality": "WEBDL-1080p",
        "indexer": "HarborTracker (Prowlarr)",
        "release_title": "Quiet.Meridian.2024.1080p.AMZN.WEB-DL.DDP5.1.H.264-KOGI",
        "size_bytes": 6442450944,
        "protocol": "torrent",
        "download_id": HASH.lower(),
    }


def test_download_imports_the_file_and_keeps_its_path(hooks: Hooks) -> None:
    hooks.post("radarr", grab())
    body = download()
    hooks.post("radarr", body)

    request = hooks.only()
    assert request["state"] == "importing"
    assert request["progress"] == 1.0
    entry = hooks.timeline(request["id"])[-1]
    assert (entry["state"], entry["message"]) == ("importing", "Added to the library (WEBDL-1080p)")
    path = body["movieFile"]["path"]
    assert entry["details"]["paths"] == [path]
    with hooks.running.tracker.database.reader.connect() as connection:
        keys = stored.keys_of(connection, request["id"])
    assert Key(KeyKind.PATH, path) in keys
    assert Key(KeyKind.RADARR_MOVIE, "88") in keys


def test_upgrade_is_recorded_without_going_back(hooks: Hooks, clock: StepClock) -> None:
    hooks.post("radarr", grab())
    hooks.post("radarr", download())
    clock.advance(days=1)
    hooks.post(
        "jellyseerr",
        jellyseerr_movie("MEDIA_AVAILABLE", request_id=41, tmdb_id=700001, user="erin"),
    )
    assert hooks.only()["state"] == "available"

    hooks.post("radarr", vary(load("download_upgrade.json"), **MOVIE, download_id=UPGRADE))

    request = hooks.only()
    assert request["state"] == "available"
    assert request["quality"] == "Remux-2160p"
    entry = hooks.timeline(request["id"])[-1]
    assert (entry["state"], entry["message"]) == ("importing", "Upgraded (Remux-2160p)")


def test_manual_interaction_required_shows_what_radarr_said(hooks: Hooks) -> None:
    hooks.post("radarr", grab())
    blocked = vary(load("manual_interaction_required.json"), **MOVIE, download_id=HASH)

    hooks.post("radarr", blocked)

    request = hooks.only()
    assert request["error"] == (
        "Needs attention: Found matching movie via grab history, but release was matched "
        "to movie by ID. Manual Import required."
    )
    assert request["state"] == "indexed"


def test_test_event_is_accepted_and_tracks_nothing(hooks: Hooks) -> None:
    assert hooks.post("radarr", load("test.json")).status_code == 202
    assert hooks.requests() == []


@pytest.mark.parametrize(
    "body",
    [
        {
            "eventType": "MovieAdded",
            "movie": {"id": 88, "title": "The Long Thaw", "tmdbId": 700001},
            "addMethod": "manual",
        },
        {
            "eventType": "MovieFileDelete",
            "movie": {"id": 88, "title": "The Long Thaw", "tmdbId": 700001},
            "deleteReason": "upgrade",
        },
        {"eventType": "HealthRestored", "level": "ok", "message": "Indexers are available"},
        {"eventType": "ApplicationUpdate", "message": "Radarr updated", "newVersion": "6.1.0"},
    ],
    ids=["MovieAdded", "MovieFileDelete", "HealthRestored", "ApplicationUpdate"],
)
def test_other_event_types_are_stored_and_ignored(hooks: Hooks, body: dict[str, Any]) -> None:
    body.setdefault("instanceName", "Radarr")
    assert hooks.post("radarr", body).status_code == 202
    assert hooks.requests() == []


def test_download_id_matches_whatever_its_case(hooks: Hooks) -> None:
    hooks.post("radarr", grab(HASH.upper()))
    hooks.post("radarr", download(HASH.lower()))

    assert hooks.only()["download_ids"] == [HASH.lower()]


def test_duplicate_deliveries_change_nothing(hooks: Hooks) -> None:
    first = hooks.post("radarr", grab())
    again = hooks.post("radarr", grab())

    assert again.json()["delivery_id"] == first.json()["delivery_id"]
    assert hooks.messages(hooks.only()["id"]) == ["Found (WEBDL-1080p)"]


def test_grab_before_jellyseerr_merges_into_the_jellyseerr_request(hooks: Hooks) -> None:
    hooks.post("radarr", grab())
    approved = jellyseerr_movie("MEDIA_AUTO_APPROVED", request_id=42, tmdb_id=700001, user="alice")

    hooks.post("jellyseerr", approved)

    request = hooks.only()
    assert (request["requested_by"], request["jellyseerr_request_id"]) == ("alice", 42)
    assert request["state"] == "indexed"
    assert len(hooks.messages(request["id"])) == 2


def test_a_series_with_the_same_tmdb_number_is_another_request(hooks: Hooks) -> None:
    hooks.post("radarr", grab())
    series = load("../../sonarr/fixtures/grab.json")
    series["series"]["tmdbId"] = 700001
    hooks.post("sonarr", series)

    assert sorted(r["media_type"] for r in hooks.requests()) == ["movie", "tv"]
