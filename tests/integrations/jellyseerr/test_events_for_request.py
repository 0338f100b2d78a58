"""Jellyseerr API request records → the events their state implies (reconciliation)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from status_tracker.core.events import Approved, Declined, Failed, MadeAvailable, Requested
from status_tracker.core.model import Key, KeyKind, MediaInfo, MediaType
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.jellyseerr.payloads import parse_request, parse_request_page
from status_tracker.integrations.jellyseerr.translate import events_for_request

from ._samples import load

S = "jellyseerr"
CREATED = datetime(2025, 5, 1, 18, 22, 10, tzinfo=UTC)
UPDATED = datetime(2025, 5, 1, 18, 22, 11, tzinfo=UTC)
FRIEREN = MediaInfo(media_type=MediaType.TV, tmdb_id=209867, tvdb_id=424536)
FRIEREN_KEYS = (
    Key(KeyKind.JELLYSEERR_REQUEST, "14"),
    Key(KeyKind.TMDB, "209867"),
    Key(KeyKind.TVDB, "424536"),
    Key(KeyKind.SONARR_SERIES, "112"),
    Key(KeyKind.DOWNLOAD, "8a1e3f0c2d4b5a6978e1f2a3b4c5d6e7f8091a2b"),
)


def example() -> dict[str, Any]:
    """The recorded list's only record (an approved, downloading series)."""
    record: dict[str, Any] = copy.deepcopy(load("api_request_list_example.json")["results"][0])
    return record


def movie(**changes: Any) -> dict[str, Any]:
    """A movie record with its own ids, built from the recorded shape."""
    record = example()
    record.update(id=21, type="movie", seasons=[], **changes)
    record["media"].update(
        mediaType="movie",
        tmdbId=603,
        tvdbId=None,
        imdbId="tt0133093",
        externalServiceId=7,
        seasons=[],
        downloadStatus=[],
    )
    return record


def test_recorded_page_reads_as_typed_records() -> None:
    page = parse_request_page(load("api_request_list_example.json"))
    assert (page.info.pages, page.info.page, page.info.results, page.received) == (1, 1, 1, 1)
    [record] = page.records
    assert (record.id, record.status, record.type, record.is4k) == (14, 2, "tv", False)
    assert record.media is not None
    assert (record.media.tmdb_id, record.media.tvdb_id) == (209867, 424536)
    assert (record.media.status, record.media.external_service_id) == (3, 112)
    assert record.requested_by is not None
    assert record.requested_by.name == "alice"
    assert record.season_numbers == (1,)
    assert record.created_at == CREATED


def test_recorded_approved_record() -> None:
    assert events_for_request(parse_request(example())) == [
        Approved(
            source=S,
            keys=FRIEREN_KEYS,
            media=FRIEREN,
            occurred_at=UPDATED,
            requested_by="alice",
            seasons=(1,),
        )
    ]


def test_pending_is_requested_at_creation() -> None:
    record = movie(status=1, requestedBy={"displayName": "bob"})
    record["media"]["status"] = 2
    assert events_for_request(parse_request(record)) == [
        Requested(
            source=S,
            keys=(
                Key(KeyKind.JELLYSEERR_REQUEST, "21"),
                Key(KeyKind.TMDB, "603"),
                Key(KeyKind.IMDB, "tt0133093"),
                Key(KeyKind.RADARR_MOVIE, "7"),
            ),
            media=MediaInfo(media_type=MediaType.MOVIE, tmdb_id=603, imdb_id="tt0133093"),
            occurred_at=CREATED,
            requested_by="bob",
        )
    ]


def test_declined_is_only_declined_even_if_in_library() -> None:
    record = movie(status=3)
    record["media"]["status"] = 5
    [event] = events_for_request(parse_request(record))
    assert isinstance(event, Declined)
    assert event.occurred_at == UPDATED


@pytest.mark.parametrize(
    ("make", "reason"),
    [(movie, "Could not be sent to Radarr"), (example, "Could not be sent to Sonarr")],
)
def test_failed_names_the_service(make: Any, reason: str) -> None:
    record = make()
    record["status"] = 4
    [event] = events_for_request(parse_request(record))
    assert isinstance(event, Failed)
    assert event.reason == reason
    assert event.requested_by == "alice"


def test_completed_is_approved_then_available() -> None:
    record = movie(status=5)
    record["media"].update(status=5, mediaAddedAt="2025-05-02T07:00:00.000Z")
    approved, available = events_for_request(parse_request(record))
    assert isinstance(approved, Approved)
    assert approved.occurred_at == CREATED
    assert isinstance(available, MadeAvailable)
    assert available.occurred_at == datetime(2025, 5, 2, 7, tzinfo=UTC)
    assert available.keys == approved.keys


def test_approved_with_media_available_adds_made_available() -> None:
    record = movie(status=2)
    record["media"]["status"] = 5
    kinds = [type(event) for event in events_for_request(parse_request(record))]
    assert kinds == [Approved, MadeAvailable]


def test_series_partly_available_with_every_requested_season_is_available() -> None:
    record = example()
    record["seasons"] = [{"seasonNumber": 1, "status": 2}, {"seasonNumber": 2, "status": 2}]
    record["media"]["status"] = 4
    record["media"]["seasons"] = [
        {"seasonNumber": 1, "status": 5},
        {"seasonNumber": 2, "status": 5},
        {"seasonNumber": 3, "status": 1},
    ]
    kinds = [type(event) for event in events_for_request(parse_request(record))]
    assert kinds == [Approved, MadeAvailable]
    record["media"]["seasons"][1]["status"] = 3
    kinds = [type(event) for event in events_for_request(parse_request(record))]
    assert kinds == [Approved]


def test_4k_request_reads_4k_status_and_downloads_and_no_arr_id() -> None:
    record = movie(status=2, is4k=True)
    record["media"].update(
        status=5,
        status4k=3,
        externalServiceId4k=9,
        downloadStatus=[{"downloadId": "AAAA"}],
        downloadStatus4k=[{"downloadId": "BBBB"}],
    )
    [event] = events_for_request(parse_request(record))
    assert isinstance(event, Approved)
    assert Key(KeyKind.DOWNLOAD, "bbbb") in event.keys
    assert Key(KeyKind.DOWNLOAD, "aaaa") not in event.keys
    assert all(key.kind is not KeyKind.RADARR_MOVIE for key in event.keys)
    record["media"]["status4k"] = 5
    kinds = [type(event) for event in events_for_request(parse_request(record))]
    assert kinds == [Approved, MadeAvailable]


def test_unknown_status_gives_nothing() -> None:
    assert events_for_request(parse_request(movie(status=9))) == []


def test_record_without_media_keeps_its_request_key() -> None:
    record = example()
    record["media"] = None
    [event] = events_for_request(parse_request(record))
    assert event.keys == (Key(KeyKind.JELLYSEERR_REQUEST, "14"),)
    assert event.media == MediaInfo(media_type=MediaType.TV)


def test_lenient_record_values() -> None:
    record = {
        "id": "30",
        "status": "2",
        "type": "movie",
        "is4k": "false",
        "createdAt": "not a date",
        "media": {"tmdbId": "550", "tvdbId": "", "status": "3"},
        "requestedBy": {"username": None, "jellyfinUsername": "erin"},
        "seasons": "none",
    }
    [event] = events_for_request(parse_request(record))
    assert event == Approved(
        source=S,
        keys=(Key(KeyKind.JELLYSEERR_REQUEST, "30"), Key(KeyKind.TMDB, "550")),
        media=MediaInfo(media_type=MediaType.MOVIE, tmdb_id=550),
        requested_by="erin",
    )


@pytest.mark.parametrize("body", [{}, {"id": ""}, {"id": "abc"}, [], "14"])
def test_record_without_id_is_bad(body: object) -> None:
    with pytest.raises(BadPayload):
        parse_request(body)


def test_page_skips_unreadable_records(caplog: pytest.LogCaptureFixture) -> None:
    body = load("api_request_list_example.json")
    body["results"].insert(0, {"status": 2})
    body["results"].append("junk")
    page = parse_request_page(body)
    assert [record.id for record in page.records] == [14]
    assert page.received == 3
    assert "unreadable Jellyseerr request record" in caplog.text


@pytest.mark.parametrize("body", [[], {"results": None}, {"pageInfo": {}}, "x"])
def test_page_without_results_list_is_bad(body: object) -> None:
    with pytest.raises(BadPayload, match="results"):
        parse_request_page(body)


def test_jellyfin_item_key_for_the_requested_quality() -> None:
    record = movie(status=2)
    record["media"].update(
        jellyfinMediaId="5F0C5A1E-2B3C-4D5E-8F90-A1B2C3D4E5F6", jellyfinMediaId4k="0123abcd"
    )
    [event] = events_for_request(parse_request(record))
    assert Key(KeyKind.JELLYFIN_ITEM, "5f0c5a1e2b3c4d5e8f90a1b2c3d4e5f6") in event.keys
    assert Key(KeyKind.JELLYFIN_ITEM, "0123abcd") not in event.keys
    record["is4k"] = True
    [event] = events_for_request(parse_request(record))
    assert Key(KeyKind.JELLYFIN_ITEM, "0123abcd") in event.keys
