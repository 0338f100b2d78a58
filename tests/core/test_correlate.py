"""``correlate``: the keys looked up for an event, and which stored request they name."""

from __future__ import annotations

import pytest

from status_tracker.core import events as ev
from status_tracker.core.correlate import (
    Ambiguous,
    Create,
    Merge,
    Owner,
    Resolution,
    Update,
    jellyseerr_id,
    keys_for,
    resolve,
)
from status_tracker.core.model import Key, KeyKind, MediaInfo, MediaType

K = KeyKind


def jelly(value: str) -> Key:
    return Key(K.JELLYSEERR_REQUEST, value)


TMDB = Key(K.TMDB, "movie:329865")
TVDB = Key(K.TVDB, "371980")
IMDB = Key(K.IMDB, "tt2543164")
RADARR = Key(K.RADARR_MOVIE, "12")
SONARR = Key(K.SONARR_SERIES, "7")
DOWNLOAD = Key(K.DOWNLOAD, "c0ffee")
PATH = Key(K.PATH, "/movies/Arrival (2016)")
ITEM = Key(K.JELLYFIN_ITEM, "abcdef")
SHOKO = Key(K.SHOKO_FILE, "55")


def own(request_id: int, jellyseerr: int | None = None) -> Owner:
    return Owner(request_id, jellyseerr)


CASES: list[tuple[str, tuple[Key, ...], dict[Key, Owner], Resolution]] = [
    ("no keys", (), {}, Create()),
    ("nobody owns the keys", (TMDB, DOWNLOAD), {}, Create()),
    ("one media key", (TMDB,), {TMDB: own(1)}, Update(1)),
    ("one identity key", (DOWNLOAD,), {DOWNLOAD: own(3, 9)}, Update(3)),
    (
        "same request by many keys",
        (TMDB, RADARR, DOWNLOAD),
        {TMDB: own(2, 7), RADARR: own(2, 7), DOWNLOAD: own(2, 7)},
        Update(2),
    ),
    ("own jellyseerr id", (jelly("7"), TMDB), {jelly("7"): own(4, 7), TMDB: own(4, 7)}, Update(4)),
    (
        "new jellyseerr request for a title asked before",
        (jelly("8"), TMDB, IMDB),
        {TMDB: own(4, 7), IMDB: own(4, 7)},
        Create(),
    ),
    (
        "new jellyseerr request, tv media keys",
        (jelly("8"), TVDB, SONARR),
        {TVDB: own(4, 7), SONARR: own(4, 7)},
        Create(),
    ),
    (
        "jellyseerr request adopts a request a grab started",
        (jelly("8"), TMDB),
        {TMDB: own(5)},
        Update(5),
    ),
    (
        "non-numeric jellyseerr key is no jellyseerr id",
        (jelly("x"), TMDB),
        {TMDB: own(4, 7)},
        Update(4),
    ),
    ("media keys without a jellyseerr id still match", (TMDB,), {TMDB: own(4, 7)}, Update(4)),
    (
        "grab before jellyseerr: merge into the jellyseerr request",
        (jelly("7"), TMDB),
        {jelly("7"): own(9, 7), TMDB: own(2)},
        Merge(9, (2,)),
    ),
    (
        "merge keeps the lowest id without jellyseerr",
        (DOWNLOAD, PATH, ITEM),
        {DOWNLOAD: own(6), PATH: own(3), ITEM: own(8)},
        Merge(3, (6, 8)),
    ),
    (
        "merge keeps the jellyseerr request even with a higher id",
        (DOWNLOAD, PATH, SHOKO),
        {DOWNLOAD: own(6), PATH: own(3), SHOKO: own(8, 11)},
        Merge(8, (3, 6)),
    ),
    (
        "two jellyseerr requests are never merged",
        (DOWNLOAD, PATH),
        {DOWNLOAD: own(2, 7), PATH: own(1, 8)},
        Ambiguous((1, 2)),
    ),
    (
        "ambiguity names every candidate",
        (DOWNLOAD, PATH, ITEM),
        {DOWNLOAD: own(5, 7), PATH: own(1, 8), ITEM: own(3)},
        Ambiguous((1, 3, 5)),
    ),
    (
        "identity key of another jellyseerr request",
        (jelly("8"), DOWNLOAD),
        {DOWNLOAD: own(1, 7)},
        Ambiguous((1,)),
    ),
    (
        "identity key of another jellyseerr request beside its media keys",
        (jelly("8"), TMDB, DOWNLOAD),
        {TMDB: own(1, 7), DOWNLOAD: own(1, 7)},
        Ambiguous((1,)),
    ),
    (
        "the event's own jellyseerr id counts against a merge",
        (jelly("8"), DOWNLOAD, PATH),
        {DOWNLOAD: own(1, 7), PATH: own(2)},
        Ambiguous((1, 2)),
    ),
    (
        "the event's own jellyseerr id allows a merge of requests without one",
        (jelly("8"), DOWNLOAD, PATH),
        {DOWNLOAD: own(5), PATH: own(2)},
        Merge(2, (5,)),
    ),
    (
        "the event's own jellyseerr id matches the one named",
        (jelly("7"), DOWNLOAD, PATH),
        {DOWNLOAD: own(5, 7), PATH: own(2)},
        Merge(5, (2,)),
    ),
    (
        "an unusable jellyseerr key names no request",
        (jelly("²"), DOWNLOAD),
        {DOWNLOAD: own(1, 7)},
        Update(1),
    ),
    (
        "ignored media key leaves the identity key",
        (jelly("8"), TMDB, DOWNLOAD),
        {TMDB: own(4, 7), DOWNLOAD: own(6)},
        Update(6),
    ),
]


@pytest.mark.parametrize(
    ("keys", "owners", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_resolve(keys: tuple[Key, ...], owners: dict[Key, Owner], expected: Resolution) -> None:
    assert resolve(keys, owners) == expected


def test_resolve_accepts_any_iterable_of_keys() -> None:
    owners = {TMDB: own(1), DOWNLOAD: own(1)}
    assert resolve(iter([TMDB, DOWNLOAD]), owners) == Update(1)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ((), None),
        ((TMDB, DOWNLOAD), None),
        ((jelly("12"),), 12),
        ((TMDB, jelly("12")), 12),
        ((jelly("n/a"), jelly("5")), 5),
        ((jelly(""),), None),
        ((jelly("-3"),), None),
        ((jelly("²"),), None),
        ((jelly("٣"), jelly("4")), 4),
    ],
)
def test_jellyseerr_id(keys: tuple[Key, ...], expected: int | None) -> None:
    assert jellyseerr_id(keys) == expected


def event(media_type: MediaType | None, *keys: Key) -> ev.Event:
    return ev.Noted(source="sonarr", message="x", keys=keys, media=MediaInfo(media_type=media_type))


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        (MediaType.MOVIE, (Key(K.TMDB, "movie:603"),)),
        (MediaType.TV, (Key(K.TMDB, "tv:603"),)),
        (None, ()),
    ],
)
def test_keys_for_scopes_tmdb_by_media_type(
    media_type: MediaType | None, expected: tuple[Key, ...]
) -> None:
    assert keys_for(event(media_type, Key(K.TMDB, "603"))) == expected


def test_keys_for_keeps_a_film_and_a_series_with_the_same_tmdb_id_apart() -> None:
    film = keys_for(event(MediaType.MOVIE, Key(K.TMDB, "603")))
    series = keys_for(event(MediaType.TV, Key(K.TMDB, "603")))
    owners = {film[0]: own(1)}
    assert resolve(film, owners) == Update(1)
    assert resolve(series, owners) == Create()


@pytest.mark.parametrize(
    ("path", "tail"),
    [
        ("/tv/Severance/Season 01/S01E01.mkv", "Severance/Season 01/S01E01.mkv"),
        ("/data/media/tv/Severance/Season 01/S01E01.mkv", "Severance/Season 01/S01E01.mkv"),
        ("/movies/Arrival (2016)/Arrival.mkv", "movies/Arrival (2016)/Arrival.mkv"),
        ("tv/Severance/Season 01/S01E01.mkv", "Severance/Season 01/S01E01.mkv"),
    ],
)
def test_keys_for_adds_the_tail_of_every_path(path: str, tail: str) -> None:
    assert keys_for(event(None, Key(K.PATH, path))) == (
        Key(K.PATH, path),
        Key(K.PATH_TAIL, tail),
    )


@pytest.mark.parametrize("path", ["/movies/Arrival (2016)", "/Arrival.mkv", "/", "a/b/c"])
def test_keys_for_adds_no_tail_to_a_short_path(path: str) -> None:
    assert keys_for(event(None, Key(K.PATH, path))) == (Key(K.PATH, path),)


def test_files_mounted_at_different_places_meet_by_their_tail() -> None:
    sonarr = keys_for(event(MediaType.TV, Key(K.PATH, "/tv/Severance/Season 01/S01E01.mkv")))
    shoko = keys_for(event(None, Key(K.PATH, "/mnt/anime/Severance/Season 01/S01E01.mkv")))
    owners = {key: own(4) for key in sonarr}
    assert resolve(shoko, owners) == Update(4)


def test_keys_for_passes_other_keys_through_in_order_once() -> None:
    keys = (
        jelly("7"),
        DOWNLOAD,
        Key(K.TVDB, "371980"),
        Key(K.TMDB, "95396"),
        Key(K.PATH, "/tv/Severance/Season 01/S01E01.mkv"),
        Key(K.PATH, "/mnt/tv/Severance/Season 01/S01E01.mkv"),
        DOWNLOAD,
        ITEM,
    )
    assert keys_for(event(MediaType.TV, *keys)) == (
        jelly("7"),
        DOWNLOAD,
        Key(K.TVDB, "371980"),
        Key(K.TMDB, "tv:95396"),
        Key(K.PATH, "/tv/Severance/Season 01/S01E01.mkv"),
        Key(K.PATH_TAIL, "Severance/Season 01/S01E01.mkv"),
        Key(K.PATH, "/mnt/tv/Severance/Season 01/S01E01.mkv"),
        ITEM,
    )


def test_keys_for_an_event_without_keys() -> None:
    assert keys_for(event(MediaType.MOVIE)) == ()
