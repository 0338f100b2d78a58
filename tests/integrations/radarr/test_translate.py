"""Radarr webhooks → core events, replayed from the recorded payload shapes."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from status_tracker.core.events import Grabbed, Imported, NeedsAttention
from status_tracker.core.model import Key, KeyKind, MediaInfo, MediaType
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.radarr.payloads import Download, Grab, parse_webhook
from status_tracker.integrations.radarr.translate import translate

from ._samples import load, vary

CTX = TranslateContext()
POSTER = "https://image.tmdb.org/t/p/original/qM3r1d1aNp0st3rX7kLw9bYc2Ze.jpg"
FOLDER = "/movies/Quiet Meridian (2024)"
FILE_1080 = f"{FOLDER}/Quiet Meridian (2024) {{tmdb-987654}} [WEBDL-1080p].mkv"
FILE_2160 = f"{FOLDER}/Quiet Meridian (2024) {{tmdb-987654}} [Remux-2160p].mkv"

VARIANTS = pytest.mark.parametrize(
    ("movie_id", "tmdb_id", "title", "download_id"),
    [
        pytest.param(
            17, 987654, "Quiet Meridian", "213C62E87CBD8DF7E5038B126E589857FB5DB0F9", id="recorded"
        ),
        pytest.param(
            311, 603, "Le Fabuleux Destin: Ünïcode", "0123456789abcdef0123456789abcdef01234567",
            id="other-ids-lowercase-hash",
        ),
        pytest.param(
            2, 12, "A v2-only Torrent", "F" * 64,
            id="v2-hash",
        ),
    ],
)  # fmt: skip


def movie_keys(movie_id: int, tmdb_id: int) -> list[Key]:
    return [
        Key(KeyKind.RADARR_MOVIE, str(movie_id)),
        Key(KeyKind.TMDB, str(tmdb_id)),
        Key(KeyKind.IMDB, "tt15554321"),
    ]


def media(title: str, tmdb_id: int) -> MediaInfo:
    return MediaInfo(
        media_type=MediaType.MOVIE,
        title=title,
        year=2024,
        tmdb_id=tmdb_id,
        imdb_id="tt15554321",
        poster_url=POSTER,
    )


@VARIANTS
def test_grab_becomes_grabbed(movie_id: int, tmdb_id: int, title: str, download_id: str) -> None:
    body = vary(
        load("grab.json"), movie_id=movie_id, tmdb_id=tmdb_id, title=title, download_id=download_id
    )

    assert translate(body, CTX) == [
        Grabbed(
            source="radarr",
            keys=(*movie_keys(movie_id, tmdb_id), Key(KeyKind.DOWNLOAD, download_id.lower())),
            media=media(title, tmdb_id),
            download_id=download_id.lower(),
            quality="WEBDL-1080p",
            indexer="HarborTracker (Prowlarr)",
            release_title="Quiet.Meridian.2024.1080p.AMZN.WEB-DL.DDP5.1.H.264-KOGI",
            size_bytes=6442450944,
            protocol="torrent",
        )
    ]


@pytest.mark.parametrize(
    "download_id",
    ["213C62E87CBD8DF7E5038B126E589857FB5DB0F9", "213c62e87cbd8df7e5038b126e589857fb5db0f9"],
)
def test_download_id_is_lower_case_whatever_radarr_sent(download_id: str) -> None:
    body = load("download.json")
    body["downloadId"] = download_id

    [event] = translate(body, CTX)

    assert isinstance(event, Imported)
    assert event.download_id == "213c62e87cbd8df7e5038b126e589857fb5db0f9"


@VARIANTS
def test_download_is_a_complete_import_of_the_movie_file(
    movie_id: int, tmdb_id: int, title: str, download_id: str
) -> None:
    body = vary(
        load("download.json"),
        movie_id=movie_id, tmdb_id=tmdb_id, title=title, download_id=download_id,
    )  # fmt: skip

    assert translate(body, CTX) == [
        Imported(
            source="radarr",
            keys=(
                *movie_keys(movie_id, tmdb_id),
                Key(KeyKind.DOWNLOAD, download_id.lower()),
                Key(KeyKind.PATH, FILE_1080),
            ),
            media=media(title, tmdb_id),
            occurred_at=datetime(2025, 1, 18, 23, 5, 12, 883014, tzinfo=UTC),
            download_id=download_id.lower(),
            paths=(FILE_1080,),
            quality="WEBDL-1080p",
            upgrade=False,
            complete=True,
        )
    ]


def test_upgrade_is_marked_and_keys_only_the_new_file() -> None:
    [event] = translate(load("download_upgrade.json"), CTX)

    assert isinstance(event, Imported)
    assert event.upgrade is True
    assert event.quality == "Remux-2160p"
    assert event.paths == (FILE_2160,)
    assert Key(KeyKind.PATH, FILE_1080) not in event.keys
    assert event.download_id == "5c62c0bfbf42ad03f82c05b44fe018664765b326"


def test_download_path_goes_through_path_mappings() -> None:
    ctx = TranslateContext(path_mappings=(("/movies", "/data/media/movies"),))

    [event] = translate(load("download.json"), ctx)

    assert isinstance(event, Imported)
    assert event.paths == ("/data/media" + FILE_1080,)
    assert Key(KeyKind.PATH, "/data/media" + FILE_1080) in event.keys


def test_download_without_path_joins_folder_and_relative_path() -> None:
    body = load("download.json")
    del body["movieFile"]["path"]

    [event] = translate(body, CTX)

    assert isinstance(event, Imported)
    assert event.paths == (FILE_1080,)


def test_tmdb_falls_back_to_the_remote_movie() -> None:
    body = load("grab.json")
    body["movie"]["tmdbId"] = 0
    del body["movie"]["imdbId"]

    [event] = translate(body, CTX)

    assert event.media.tmdb_id == 987654
    assert event.media.imdb_id == "tt15554321"
    assert Key(KeyKind.TMDB, "987654") in event.keys


def test_manual_interaction_required_needs_attention() -> None:
    [event] = translate(load("manual_interaction_required.json"), CTX)

    assert event == NeedsAttention(
        source="radarr",
        keys=(
            Key(KeyKind.RADARR_MOVIE, "23"),
            Key(KeyKind.TMDB, "1023456"),
            Key(KeyKind.IMDB, "tt27770011"),
            Key(KeyKind.DOWNLOAD, "d7ae46b13d5bf0d9e5dd495db197b2d17249ab4a"),
        ),
        media=MediaInfo(
            media_type=MediaType.MOVIE,
            title="Paper Lanterns at Dusk",
            year=2023,
            tmdb_id=1023456,
            imdb_id="tt27770011",
            poster_url="https://image.tmdb.org/t/p/original/pL4nt3rnsDuskP0sterA1b2C3d.jpg",
        ),
        message=(
            "Needs attention: Found matching movie via grab history, but release was matched"
            " to movie by ID. Manual Import required."
        ),
        details=(
            ("download_id", "d7ae46b13d5bf0d9e5dd495db197b2d17249ab4a"),
            ("title", "Paper.Lanterns.at.Dusk.2023.1080p.BluRay.x264-SPARKLE"),
            ("quality", "Bluray-1080p"),
            ("status", "Warning"),
        ),
    )


def test_manual_interaction_without_messages_still_says_what_to_do() -> None:
    body = load("manual_interaction_required.json")
    body["downloadStatusMessages"] = [{"title": "x", "messages": []}]

    [event] = translate(body, CTX)

    assert isinstance(event, NeedsAttention)
    assert event.message == "Needs attention: Radarr could not import this download automatically"


def test_test_event_gives_nothing() -> None:
    assert translate(load("test.json"), CTX) == []
    assert translate({"eventType": "Test"}, CTX) == []


@pytest.mark.parametrize(
    "event_type",
    [
        "Rename",
        "MovieAdded",
        "MovieDelete",
        "MovieFileDelete",
        "Health",
        "HealthRestored",
        "ApplicationUpdate",
        "SeriesAdd",
        "SomethingRadarrAddsLater",
    ],
)
def test_untracked_event_types_give_nothing(event_type: str) -> None:
    body = load("download.json")
    body["eventType"] = event_type

    assert translate(body, CTX) == []


def test_unknown_keys_are_ignored_and_nulls_left_out_mean_unknown() -> None:
    body = load("grab.json")
    body["brandNewField"] = {"x": 1}
    body["release"]["indexerFlags"] = "G_Freeleech"
    for key in ("downloadId", "downloadClient", "downloadClientType"):
        del body[key]

    [event] = translate(body, CTX)

    assert isinstance(event, Grabbed)
    assert event.download_id is None
    assert event.protocol is None
    assert event.keys == tuple(movie_keys(17, 987654))


def test_title_never_becomes_a_key() -> None:
    first = load("grab.json")
    second = copy.deepcopy(first)
    second["movie"]["title"] = second["remoteMovie"]["title"] = "Another Title"

    [one] = translate(first, CTX)
    [two] = translate(second, CTX)

    assert one.keys == two.keys


def test_recorded_shapes_parse_as_their_kind() -> None:
    assert isinstance(parse_webhook(load("grab.json")), Grab)
    hook = parse_webhook(load("download.json"))
    assert isinstance(hook, Download)
    assert hook.movie_file.indexer_flags == "G_Freeleech"
    assert hook.release is not None
    assert hook.release.indexer_flags == ["G_Freeleech"]


def _with(name: str, path: tuple[str, ...], value: Any) -> dict[str, Any]:
    body: dict[str, Any] = load(name)
    target = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return body


def _without(name: str, key: str) -> dict[str, Any]:
    body: dict[str, Any] = load(name)
    del body[key]
    return body


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("Grab", id="not-an-object"),
        pytest.param({"movie": {"id": 1}}, id="no-event-type"),
        pytest.param({"eventType": "Download"}, id="download-without-anything"),
        pytest.param(_without("grab.json", "movie"), id="grab-without-movie"),
        pytest.param(_with("grab.json", ("movie", "id"), None), id="movie-id-null"),
        pytest.param(_without("download.json", "movieFile"), id="download-without-file"),
        pytest.param(
            _with("download.json", ("movieFile",), {"id": 233}), id="file-without-any-path"
        ),
        pytest.param(_with("download.json", ("isUpgrade",), "perhaps"), id="upgrade-not-bool"),
    ],
)
def test_malformed_bodies_are_bad_payloads(body: Any) -> None:
    with pytest.raises(BadPayload):
        translate(body, CTX)
