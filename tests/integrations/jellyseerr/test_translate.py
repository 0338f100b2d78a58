"""Jellyseerr webhook → core events: every recorded payload, then the lenient edges."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from status_tracker.core.events import (
    Approved,
    Declined,
    Event,
    Failed,
    MadeAvailable,
    Requested,
)
from status_tracker.core.model import Key, KeyKind, MediaInfo, MediaType
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.jellyseerr.translate import translate

from ._samples import FIXTURES, load

CTX = TranslateContext()
IMG = "https://image.tmdb.org/t/p/w600_and_h900_bestv2"
MATRIX_POSTER = f"{IMG}/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg"
FRIEREN_POSTER = f"{IMG}/dqZENchTd7lp5zht7BdlqM7RBhD.jpg"


def jr(request_id: int) -> Key:
    return Key(KeyKind.JELLYSEERR_REQUEST, str(request_id))


TMDB_603 = Key(KeyKind.TMDB, "603")
FRIEREN_KEYS = (Key(KeyKind.TMDB, "209867"), Key(KeyKind.TVDB, "424536"))
MATRIX = MediaInfo(
    media_type=MediaType.MOVIE, title="The Matrix", year=1999, tmdb_id=603, poster_url=MATRIX_POSTER
)
FRIEREN = MediaInfo(
    media_type=MediaType.TV,
    title="Frieren: Beyond Journey’s End",
    year=2023,
    tmdb_id=209867,
    tvdb_id=424536,
    poster_url=FRIEREN_POSTER,
)
S = "jellyseerr"

EXPECTED: dict[str, list[Event]] = {
    "media_pending_movie.json": [
        Requested(source=S, keys=(jr(12), TMDB_603), media=MATRIX, requested_by="bob")
    ],
    "media_auto_approved_movie.json": [
        Approved(
            source=S, keys=(jr(13), TMDB_603), media=MATRIX, requested_by="alice", automatic=True
        )
    ],
    "media_approved_tv.json": [
        Approved(
            source=S,
            keys=(jr(14), *FRIEREN_KEYS),
            media=FRIEREN,
            requested_by="alice",
            seasons=(1, 2),
            automatic=False,
        )
    ],
    "media_available_movie.json": [
        MadeAvailable(source=S, keys=(jr(13), TMDB_603), media=MATRIX, requested_by="alice")
    ],
    "media_available_tv.json": [
        MadeAvailable(source=S, keys=(jr(14), *FRIEREN_KEYS), media=FRIEREN, requested_by="alice")
    ],
    "media_failed_movie.json": [
        Failed(
            source=S,
            keys=(jr(15), TMDB_603),
            media=MATRIX,
            requested_by="alice",
            reason="Could not be sent to Radarr",
        )
    ],
    "media_declined.json": [
        Declined(source=S, keys=(jr(16), TMDB_603), media=MATRIX, requested_by="bob")
    ],
    "media_4k_approved_movie.json": [
        Approved(source=S, keys=(jr(17), TMDB_603), media=MATRIX, requested_by="alice")
    ],
    "media_4k_available_movie.json": [
        MadeAvailable(
            source=S,
            requested_by="carol",
            keys=(jr(32), Key(KeyKind.TMDB, "19913")),
            media=MediaInfo(
                media_type=MediaType.MOVIE,
                title="(500) Days of Summer",
                year=2009,
                tmdb_id=19913,
                poster_url=f"{IMG}/500days.jpg",
            ),
        )
    ],
    "media_pending_tv.json": [
        Requested(
            source=S,
            keys=(jr(31), Key(KeyKind.TMDB, "240411"), Key(KeyKind.TVDB, "443254")),
            media=MediaInfo(
                media_type=MediaType.TV,
                title="Dan Da Dan",
                year=2024,
                tmdb_id=240411,
                tvdb_id=443254,
                poster_url=f"{IMG}/dandadan.jpg",
            ),
            requested_by="carol",
            seasons=(1, 2, 3),
        )
    ],
    "test_notification.json": [],
    "issue_created.json": [],
    "default_template.json": [],
}


def test_every_fixture_has_an_expectation() -> None:
    webhook_files = {p.name for p in FIXTURES.glob("*.json") if not p.name.startswith("api_")}
    assert webhook_files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_translates_to_expected_events(name: str) -> None:
    assert translate(load(name), CTX) == EXPECTED[name]


# --- values as strings or numbers, missing and extra keys ------------------------------------


def pending(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(load("media_pending_movie.json"))
    body.update(changes)
    return body


def test_numeric_ids_read_like_strings() -> None:
    body = pending()
    body["media"]["tmdbId"] = 603
    body["request"]["request_id"] = 12
    assert translate(body, CTX) == EXPECTED["media_pending_movie.json"]


def test_ids_with_spaces_and_float_numbers() -> None:
    body = load("media_approved_tv.json")
    body["media"]["tmdbId"] = " 209867 "
    body["media"]["tvdbId"] = 424536.0
    body["request"]["request_id"] = " 14"
    assert translate(body, CTX) == EXPECTED["media_approved_tv.json"]


def test_unknown_keys_are_ignored_everywhere() -> None:
    body = pending(custom={"a": [1, 2]}, notifyuser_username="admin")
    body["media"]["imdb"] = "tt0133093"
    body["request"]["requestedBy_settings_pushbulletAccessToken"] = "x"
    assert translate(body, CTX) == EXPECTED["media_pending_movie.json"]


def test_minimal_body_with_request_id_only() -> None:
    body = {"notification_type": "MEDIA_PENDING", "request": {"request_id": "77"}}
    assert translate(body, CTX) == [Requested(source=S, keys=(jr(77),))]


def test_media_null_keeps_the_request_key_and_reads_type_from_event() -> None:
    body = load("media_approved_tv.json")
    body["media"] = None
    [event] = translate(body, CTX)
    assert isinstance(event, Approved)
    assert event.keys == (jr(14),)
    assert event.media.media_type is MediaType.TV
    assert event.media.tmdb_id is None
    assert event.seasons == (1, 2)


def test_media_missing_and_request_null_keeps_media_keys() -> None:
    body = load("media_available_movie.json")
    del body["media"]
    body["request"] = None
    body["media"] = {"tmdbId": 4935, "media_type": "movie"}
    [event] = translate(body, CTX)
    assert event.keys == (Key(KeyKind.TMDB, "4935"),)


@pytest.mark.parametrize("junk", ["", "{{media}}", 5, ["x"]])
def test_media_that_is_not_an_object_reads_as_missing(junk: object) -> None:
    body = load("media_failed_movie.json")
    body["media"] = junk
    [event] = translate(body, CTX)
    assert event.keys == (jr(15),)
    assert event.media.tmdb_id is None


def test_flattened_custom_template() -> None:
    body = {
        "notification_type": "MEDIA_AUTO_APPROVED",
        "subject": "Spirited Away (2001)",
        "media_type": "movie",
        "tmdbId": 129,
        "request_id": "40",
        "requestedBy_username": "dora",
    }
    assert translate(body, CTX) == [
        Approved(
            source=S,
            keys=(jr(40), Key(KeyKind.TMDB, "129")),
            media=MediaInfo(
                media_type=MediaType.MOVIE, title="Spirited Away", year=2001, tmdb_id=129
            ),
            requested_by="dora",
            automatic=True,
        )
    ]


def test_empty_strings_are_missing_values() -> None:
    body = pending(image="", subject="")
    body["request"]["requestedBy_username"] = ""
    body["media"]["media_type"] = ""
    [event] = translate(body, CTX)
    assert isinstance(event, Requested)
    assert event.requested_by is None
    assert event.media == MediaInfo(media_type=MediaType.MOVIE, tmdb_id=603)  # from "event"


def test_tvdb_key_only_when_present() -> None:
    [movie] = translate(load("media_pending_movie.json"), CTX)
    assert all(key.kind is not KeyKind.TVDB for key in movie.keys)
    [series] = translate(load("media_pending_tv.json"), CTX)
    assert Key(KeyKind.TVDB, "443254") in series.keys


def test_lower_case_notification_type() -> None:
    body = pending(notification_type=" media_pending ")
    assert translate(body, CTX) == EXPECTED["media_pending_movie.json"]


def test_auto_requested_is_a_request() -> None:
    body = pending(notification_type="MEDIA_AUTO_REQUESTED")
    [event] = translate(body, CTX)
    assert isinstance(event, Requested)
    assert event.requested_by == "bob"


def test_failed_series_names_sonarr_and_unknown_type_names_both() -> None:
    body = load("media_approved_tv.json")
    body["notification_type"] = "MEDIA_FAILED"
    [event] = translate(body, CTX)
    assert isinstance(event, Failed)
    assert event.reason == "Could not be sent to Sonarr"
    body = {"notification_type": "MEDIA_FAILED", "request": {"request_id": 3}}
    [event] = translate(body, CTX)
    assert isinstance(event, Failed)
    assert event.reason == "Could not be sent to Sonarr/Radarr"


def test_4k_events_are_the_same_events() -> None:
    four_k = load("media_4k_approved_movie.json")
    plain = copy.deepcopy(four_k)
    plain["event"] = "Movie Request Approved"
    assert translate(four_k, CTX) == translate(plain, CTX)


# --- seasons and subject ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seasons"),
    [
        ("1, 2", (1, 2)),
        ("3", (3,)),
        ("1,2,10", (1, 2, 10)),
        ("2, 1, 2", (1, 2)),
        ("Season 1 & Season 3", (1, 3)),
        (4, (4,)),
        ("", ()),
        (None, ()),
    ],
)
def test_requested_seasons(value: object, seasons: tuple[int, ...]) -> None:
    body = load("media_pending_tv.json")
    body["extra"] = [{"name": "Other", "value": "9"}, {"name": "Requested Seasons", "value": value}]
    [event] = translate(body, CTX)
    assert isinstance(event, Requested)
    assert event.seasons == seasons


@pytest.mark.parametrize("extra", [None, "", "{{extra}}", {"name": "Requested Seasons"}, [1, "x"]])
def test_odd_extra_means_no_seasons(extra: object) -> None:
    body = load("media_pending_tv.json")
    body["extra"] = extra
    [event] = translate(body, CTX)
    assert isinstance(event, Requested)
    assert event.seasons == ()


def test_missing_extra_means_no_seasons() -> None:
    body = load("media_approved_tv.json")
    del body["extra"]
    [event] = translate(body, CTX)
    assert isinstance(event, Approved)
    assert event.seasons == ()


@pytest.mark.parametrize(
    ("subject", "title", "year"),
    [
        ("Frieren: Beyond Journey’s End (2023)", "Frieren: Beyond Journey’s End", 2023),
        ("(500) Days of Summer (2009)", "(500) Days of Summer", 2009),
        ("Star Wars (Special Edition) (1977)", "Star Wars (Special Edition)", 1977),
        ("The Office (US)", "The Office (US)", None),
        ("Shōgun", "Shōgun", None),
        ("1917 (2019)", "1917", 2019),
        ("  Dune: Part Two  (2024) ", "Dune: Part Two", 2024),
        ("Blade Runner 2049 (2017)", "Blade Runner 2049", 2017),
        ("Odd (12345)", "Odd (12345)", None),
        ("", None, None),
    ],
)
def test_subject_gives_title_and_year(subject: str, title: str | None, year: int | None) -> None:
    [event] = translate(pending(subject=subject), CTX)
    assert (event.media.title, event.media.year) == (title, year)


# --- nothing to do, or unusable --------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    ["TEST_NOTIFICATION", "ISSUE_CREATED", "ISSUE_COMMENT", "ISSUE_RESOLVED", "ISSUE_REOPENED"],
)
def test_untracked_types_give_no_events(kind: str) -> None:
    assert translate(pending(notification_type=kind), CTX) == []


def test_unknown_type_gives_no_events() -> None:
    assert translate(pending(notification_type="MEDIA_TELEPORTED"), CTX) == []


@pytest.mark.parametrize("value", [None, "", "   ", ["MEDIA_PENDING"]])
def test_empty_notification_type_is_bad(value: object) -> None:
    with pytest.raises(BadPayload, match="notification_type"):
        translate(pending(notification_type=value), CTX)


def test_missing_notification_type_is_bad() -> None:
    body = pending()
    del body["notification_type"]
    with pytest.raises(BadPayload, match="notification_type"):
        translate(body, CTX)


@pytest.mark.parametrize("body", [[], ["MEDIA_PENDING"], "MEDIA_PENDING", 7, None, True])
def test_body_that_is_not_an_object_is_bad(body: Any) -> None:
    with pytest.raises(BadPayload, match="JSON object"):
        translate(body, CTX)


def test_media_event_without_any_id_is_bad() -> None:
    body = pending(media=None, request=None)
    with pytest.raises(BadPayload, match="no request_id, tmdbId or tvdbId"):
        translate(body, CTX)


def test_untracked_event_without_ids_is_fine() -> None:
    assert translate(load("test_notification.json"), CTX) == []


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)
_fields = st.sampled_from(
    ["notification_type", "media", "request", "extra", "subject", "event", "image"]
)


@settings(deadline=None, max_examples=200)
@given(
    kind=st.sampled_from(["MEDIA_PENDING", "MEDIA_AVAILABLE", "MEDIA_FAILED", "ISSUE_CREATED"]),
    noise=st.dictionaries(_fields | st.text(), _json, max_size=4),
)
def test_arbitrary_json_gives_events_or_bad_payload(kind: str, noise: dict[str, Any]) -> None:
    body = {**pending(notification_type=kind), **noise}
    try:
        events = translate(body, CTX)
    except BadPayload:
        return
    assert all(isinstance(event, Event) and event.source == S for event in events)


def test_seasons_without_a_type_mean_a_series() -> None:
    body = {
        "notification_type": "MEDIA_PENDING",
        "request": {"request_id": 52},
        "extra": [{"name": "Requested Seasons", "value": "2"}],
    }
    [event] = translate(body, CTX)
    assert event.media.media_type is MediaType.TV


@pytest.mark.parametrize("tmdb", [603.5, True, "6o3", {"id": 603}])
def test_unreadable_optional_id_reads_as_missing(tmdb: object) -> None:
    body = pending()
    body["media"]["tmdbId"] = tmdb
    [event] = translate(body, CTX)
    assert event.keys == (jr(12),)
    assert event.media.tmdb_id is None
