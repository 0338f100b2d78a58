"""A film and a season pack from request to library, end to end, with their timelines.

The real server (inbox, writer, correlation, state machine, API) receives the
recorded Jellyseerr, Radarr and Sonarr webhook shapes with other ids, in the
order the services send them. Our clock is a hand-moved one and the imported
files carry their own times, so each timeline is the same on every run and is
compared with its snapshot (``pytest --snapshot-update`` rewrites them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.integrations.radarr import _samples as radarr
from tests.integrations.sonarr import _samples as sonarr
from tests.scenarios.helpers import Hooks, StepClock
from tests.support import Running

SHOWN = (
    "state", "state_label", "title", "year", "media_type", "requested_by", "quality",
    "progress", "episodes", "download_ids", "error", "jellyseerr_request_id", "tmdb_id",
    "tvdb_id", "created_at", "updated_at",
)  # fmt: skip


def outcome(hooks: Hooks) -> dict[str, Any]:
    """The one request (the fields a person sees) and its timeline."""
    request = hooks.only()
    return {
        "request": {name: request[name] for name in SHOWN},
        "timeline": hooks.timeline(request["id"]),
    }


@pytest.fixture
def clock() -> StepClock:
    return StepClock(datetime(2025, 1, 18, 21, 0, tzinfo=UTC))


@pytest.fixture
def hooks(start: Callable[..., Running], clock: StepClock) -> Iterator[Hooks]:
    client = Hooks(start(clock=clock))
    yield client
    client.close()


def test_a_film_from_request_to_ready(
    hooks: Hooks, clock: StepClock, snapshot: SnapshotAssertion
) -> None:
    film = {"movie_id": 23, "tmdb_id": 550988, "title": "Lantern Season"}
    download_id = "7E1A9C3B5D7F9E1A3C5B7D9F1E3A5C7B9D1F3E5A"

    def jellyseerr(notification: str) -> dict[str, Any]:
        return radarr.jellyseerr_movie(
            notification, request_id=81, tmdb_id=550988, user="ivy", subject="Lantern Season (2024)"
        )

    hooks.post("jellyseerr", jellyseerr("MEDIA_PENDING"))
    clock.advance(minutes=5)
    hooks.post("jellyseerr", jellyseerr("MEDIA_APPROVED"))
    clock.advance(minutes=30)
    grab = radarr.vary(radarr.load("grab.json"), **film, download_id=download_id)
    hooks.post("radarr", grab)
    download = radarr.vary(radarr.load("download.json"), **film, download_id=download_id.lower())
    hooks.post("radarr", download)  # the file says it was added at 23:05:12
    clock.advance(hours=3)
    hooks.post("jellyseerr", jellyseerr("MEDIA_AVAILABLE"))

    result = outcome(hooks)
    assert result["request"]["state"] == "available"
    assert [entry["state"] for entry in result["timeline"]] == [
        "requested",
        "approved",
        "indexed",
        "importing",
        "available",
    ]
    assert result == snapshot


def test_a_season_pack_from_request_to_ready(
    hooks: Hooks, clock: StepClock, snapshot: SnapshotAssertion
) -> None:
    series = {"series_id": 91, "tvdb_id": 455001, "tmdb_id": 255001, "title": "Salt Roads"}
    download_id = "A11CE5EA50A11CE5EA50A11CE5EA50A11CE5EA50"

    def jellyseerr(notification: str) -> dict[str, Any]:
        return sonarr.jellyseerr_tv(
            notification,
            request_id=82,
            tmdb_id=255001,
            tvdb_id=455001,
            user="jo",
            seasons="2",
            subject="Salt Roads (2023)",
        )

    clock.now = datetime(2025, 1, 21, 6, 0, tzinfo=UTC)
    hooks.post("jellyseerr", jellyseerr("MEDIA_AUTO_APPROVED"))
    clock.advance(minutes=30)
    grab = sonarr.vary(sonarr.load("grab_season_pack.json"), **series, download_id=download_id)
    hooks.post("sonarr", grab)
    complete = sonarr.vary(sonarr.load("import_complete.json"), **series, download_id=download_id)
    for index in range(len(complete["episodeFiles"])):  # files added 07:12:03 … 07:12:23
        hooks.post("sonarr", sonarr.file_download(sonarr.load("download.json"), complete, index))
    clock.advance(hours=1)
    hooks.post("sonarr", complete)
    middle = hooks.only()
    assert middle["episodes"] == {"total": 6, "downloaded": 6, "imported": 6, "available": 0}
    clock.advance(minutes=30)
    hooks.post("jellyseerr", jellyseerr("MEDIA_AVAILABLE"))

    result = outcome(hooks)
    assert result["request"]["state"] == "available"
    messages = [entry["message"] for entry in result["timeline"]]
    assert messages.count("Found 6 episodes of season 2 (WEBDL-1080p)") == 1
    assert messages.count("Adding to the library") == 1
    assert "Added 6 episodes to the library" in messages
    assert result == snapshot
