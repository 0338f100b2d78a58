"""Sonarr webhooks through the real server: recorded shapes with other ids, end to end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from status_tracker.core.model import Key, KeyKind
from status_tracker.storage import requests as stored
from tests.scenarios.helpers import Hooks, StepClock
from tests.support import Running

from ._samples import file_download, jellyseerr_tv, load, vary

SERIES = {"series_id": 77, "tvdb_id": 500001, "tmdb_id": 600001, "title": "Northern Lights"}
PACK = "C0DE5EA50C0DE5EA50C0DE5EA50C0DE5EA50C0DE"
SINGLE = "5EED0000111122223333444455556666777788AA"


@pytest.fixture
def clock() -> StepClock:
    """Our clock, just before the recorded files were added (they carry their own times)."""
    return StepClock(datetime(2025, 1, 18, 20, 0, tzinfo=UTC))


@pytest.fixture
def hooks(start: Callable[..., Running], clock: StepClock) -> Iterator[Hooks]:
    client = Hooks(start(clock=clock))
    yield client
    client.close()


def pack_grab(download_id: str = PACK) -> dict[str, Any]:
    return vary(load("grab_season_pack.json"), **SERIES, download_id=download_id)


def pack_complete(download_id: str = PACK) -> dict[str, Any]:
    return vary(load("import_complete.json"), **SERIES, download_id=download_id)


def pack_files(download_id: str = PACK) -> list[dict[str, Any]]:
    complete = pack_complete(download_id)
    return [file_download(load("download.json"), complete, i) for i in range(6)]


def keys_of(running: Running, request_id: int) -> list[Key]:
    with running.tracker.database.reader.connect() as connection:
        return stored.keys_of(connection, request_id)


def test_grab_finds_the_pack_and_keeps_the_download_id_lower_case(hooks: Hooks) -> None:
    assert hooks.post("sonarr", pack_grab()).status_code == 202

    request = hooks.only()
    assert request["state"] == "indexed"
    assert request["media_type"] == "tv"
    assert request["title"] == "Northern Lights"
    assert request["tvdb_id"] == 500001
    assert request["download_ids"] == [PACK.lower()]
    assert request["quality"] == "WEBDL-1080p"
    assert request["episodes"] == {"total": 6, "downloaded": 0, "imported": 0, "available": 0}
    [found] = hooks.timeline(request["id"])
    assert found["state"] == "indexed"
    assert found["source"] == "sonarr"
    assert found["message"] == "Found 6 episodes of season 2 (WEBDL-1080p)"
    assert found["details"] == {
        "quality": "WEBDL-1080p",
        "indexer": "HarborTracker (Prowlarr)",
        "release_title": "The.Glass.Harbor.S02.1080p.AMZN.WEB-DL.DDP5.1.H.264-KOGI",
        "size_bytes": 17583994880,
        "protocol": "torrent",
        "download_id": PACK.lower(),
    }


def test_added_straight_in_sonarr_is_tracked_without_a_requester(hooks: Hooks) -> None:
    hooks.post("sonarr", pack_grab())

    request = hooks.only()
    assert request["requested_by"] is None
    assert request["jellyseerr_request_id"] is None


def test_season_pack_files_and_import_complete_add_up_to_one_request(hooks: Hooks) -> None:
    hooks.post("sonarr", pack_grab())
    for body in pack_files():
        assert hooks.post("sonarr", body).status_code == 202
    hooks.post("sonarr", pack_complete())

    request = hooks.only()
    assert request["state"] == "importing"
    assert request["episodes"] == {"total": 6, "downloaded": 6, "imported": 6, "available": 0}
    assert request["download_ids"] == [PACK.lower()]
    assert sorted(hooks.messages(request["id"])) == [
        "Added 6 episodes to the library",
        "Adding to the library",
        "Found 6 episodes of season 2 (WEBDL-1080p)",
    ]


def test_per_file_import_counts_its_episode_and_stores_its_path(hooks: Hooks) -> None:
    hooks.post("sonarr", pack_grab())
    first = pack_files()[0]
    hooks.post("sonarr", first)

    request = hooks.only()
    assert request["state"] == "indexed"  # the other five episodes are only found
    assert request["episodes"] == {"total": 6, "downloaded": 1, "imported": 1, "available": 0}
    entry = hooks.timeline(request["id"])[-1]
    assert (entry["state"], entry["message"]) == ("importing", "Adding to the library")
    path = first["episodeFile"]["path"]
    assert entry["details"]["paths"] == [path]
    keys = keys_of(hooks.running, request["id"])
    assert Key(KeyKind.PATH, path) in keys
    assert Key(KeyKind.PATH_TAIL, "The Glass Harbor/Season 02/" + path.rsplit("/", 1)[1]) in keys


def test_import_complete_stores_every_file_path(hooks: Hooks) -> None:
    hooks.post("sonarr", pack_grab())
    complete = pack_complete()
    hooks.post("sonarr", complete)

    request = hooks.only()
    keys = keys_of(hooks.running, request["id"])
    paths = [file["path"] for file in complete["episodeFiles"]]
    assert all(Key(KeyKind.PATH, path) in keys for path in paths)
    assert hooks.timeline(request["id"])[-1]["details"]["paths"] == paths


def test_single_episode_grabs_and_a_multi_episode_file_are_counted_per_episode(
    hooks: Hooks,
) -> None:
    grab = vary(load("grab.json"), **SERIES, download_id=SINGLE)
    double = vary(load("grab.json"), **SERIES, download_id=PACK)
    second = dict(double["episodes"][0], episodeNumber=4, id=3104)
    third = dict(double["episodes"][0], episodeNumber=5, id=3105)
    double["episodes"] = [second, third]
    file = vary(load("download.json"), **SERIES, download_id=PACK)
    file["episodes"] = [second, third]
    file["episodeFile"]["path"] = "/tv/Northern Lights/Season 01/Northern Lights - S01E04-E05.mkv"

    hooks.post("sonarr", grab)
    hooks.post("sonarr", double)
    hooks.post("sonarr", file)

    request = hooks.only()
    assert request["episodes"] == {"total": 3, "downloaded": 2, "imported": 2, "available": 0}
    assert request["state"] == "indexed"  # S01E03 is still only found
    assert sorted(request["download_ids"]) == sorted([SINGLE.lower(), PACK.lower()])
    assert hooks.messages(request["id"])[:2] == [
        "Found S01E03 (WEBDL-1080p)",
        "Found 2 episodes of season 1 (WEBDL-1080p)",
    ]


def test_manual_interaction_required_shows_what_sonarr_said(hooks: Hooks) -> None:
    hooks.post("sonarr", pack_grab())
    blocked = vary(load("manual_interaction_required.json"), **SERIES, download_id=PACK)

    assert hooks.post("sonarr", blocked).status_code == 202

    request = hooks.only()
    message = (
        "Needs attention: Found matching series via grab history, but release was matched "
        "to series by ID. Automatic import is not possible. See the FAQ for details."
    )
    assert request["error"] == message
    assert request["state"] == "indexed"
    entry = hooks.timeline(request["id"])[-1]
    assert entry["message"] == message
    assert entry["details"]["download_id"] == PACK.lower()


def test_test_event_is_accepted_and_tracks_nothing(hooks: Hooks) -> None:
    response = hooks.post("sonarr", load("test.json"))

    assert response.status_code == 202
    assert response.json()["accepted"] is True
    assert hooks.requests() == []


@pytest.mark.parametrize(
    "body",
    [
        {"eventType": "SeriesAdd", "series": {"id": 77, "title": "Northern Lights", "tvdbId": 1}},
        {"eventType": "Rename", "series": {"id": 77, "title": "Northern Lights", "tvdbId": 1}},
        {
            "eventType": "EpisodeFileDelete",
            "series": {"id": 77, "title": "Northern Lights", "tvdbId": 1},
            "episodes": [{"id": 1, "episodeNumber": 1, "seasonNumber": 1}],
            "deleteReason": "upgrade",
        },
        {
            "level": "warning",
            "message": "Indexers unavailable due to failures: HarborTracker",
            "type": "IndexerStatusCheck",
            "wikiUrl": "https://wiki.servarr.com/sonarr/system#indexers-are-unavailable",
            "eventType": "Health",
            "instanceName": "Sonarr",
        },
    ],
    ids=["SeriesAdd", "Rename", "EpisodeFileDelete", "Health"],
)
def test_other_event_types_are_stored_and_ignored(hooks: Hooks, body: dict[str, Any]) -> None:
    body.setdefault("instanceName", "Sonarr")
    response = hooks.post("sonarr", body)

    assert response.status_code == 202
    assert hooks.requests() == []


def test_download_id_matches_whatever_its_case(hooks: Hooks) -> None:
    hooks.post("sonarr", pack_grab(PACK.upper()))
    hooks.post("sonarr", pack_complete(PACK.lower()))

    request = hooks.only()
    assert request["download_ids"] == [PACK.lower()]
    assert request["state"] == "importing"


def test_duplicate_deliveries_change_nothing(hooks: Hooks) -> None:
    first = hooks.post("sonarr", pack_grab())
    again = hooks.post("sonarr", pack_grab())
    renamed = dict(pack_grab(), instanceName="Sonarr (4K)")
    hooks.post("sonarr", renamed)

    assert again.json()["delivery_id"] == first.json()["delivery_id"]
    request = hooks.only()
    assert hooks.messages(request["id"]) == ["Found 6 episodes of season 2 (WEBDL-1080p)"]


def test_grab_before_jellyseerr_merges_into_the_jellyseerr_request(hooks: Hooks) -> None:
    hooks.post("sonarr", pack_grab())
    approved = jellyseerr_tv(
        "MEDIA_APPROVED", request_id=31, tmdb_id=600001, tvdb_id=500001, user="bob", seasons="2"
    )

    hooks.post("jellyseerr", approved)

    request = hooks.only()
    assert request["requested_by"] == "bob"
    assert request["jellyseerr_request_id"] == 31
    assert request["state"] == "indexed"
    assert sorted(hooks.messages(request["id"])) == [
        "Approved — looking for a release",
        "Found 6 episodes of season 2 (WEBDL-1080p)",
    ]


def test_two_requests_proved_to_be_one_are_merged(hooks: Hooks) -> None:
    no_tmdb = pack_grab()
    no_tmdb["series"]["tmdbId"] = 0
    hooks.post("sonarr", no_tmdb)
    approved = jellyseerr_tv(
        "MEDIA_APPROVED", request_id=32, tmdb_id=600001, tvdb_id=None, user="carol"
    )
    hooks.post("jellyseerr", approved)
    assert len(hooks.requests()) == 2

    hooks.post("sonarr", pack_complete())

    request = hooks.only()
    assert request["requested_by"] == "carol"
    assert request["jellyseerr_request_id"] == 32
    assert request["state"] == "importing"
    assert request["download_ids"] == [PACK.lower()]
    assert len(hooks.messages(request["id"])) == 3


def test_upgrade_after_it_is_available_is_recorded_without_going_back(
    hooks: Hooks, clock: StepClock
) -> None:
    grab = vary(load("grab.json"), **SERIES, download_id=SINGLE)
    download = vary(load("download.json"), **SERIES, download_id=SINGLE)
    hooks.post("sonarr", grab)
    hooks.post("sonarr", download)
    clock.advance(days=1)
    available = jellyseerr_tv(
        "MEDIA_AVAILABLE", request_id=33, tmdb_id=600001, tvdb_id=500001, user="dan", seasons="1"
    )
    hooks.post("jellyseerr", available)
    assert hooks.only()["state"] == "available"

    upgrade = vary(load("download_upgrade.json"), **SERIES, download_id=PACK)
    hooks.post("sonarr", upgrade)

    request = hooks.only()
    assert request["state"] == "available"
    assert request["quality"] == "WEBDL-2160p"
    entry = hooks.timeline(request["id"])[-1]
    assert (entry["state"], entry["message"]) == ("importing", "Upgraded (WEBDL-2160p)")
