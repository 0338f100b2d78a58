"""Sonarr webhooks → core events, replayed from the recorded payload shapes."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from status_tracker.core.events import Grabbed, Imported, NeedsAttention
from status_tracker.core.model import Episode, Key, KeyKind, MediaInfo, MediaType
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.sonarr.translate import translate

from ._samples import load, vary

CTX = TranslateContext()
POSTER = "https://artworks.thetvdb.com/banners/v4/series/412873/posters/6531f0b8d23c7.jpg"
FILE_S01E03 = (
    "/tv/The Glass Harbor/Season 01/The Glass Harbor - S01E03 - Lanterns [WEBDL-1080p].mkv"
)

VARIANTS = pytest.mark.parametrize(
    ("series_id", "tvdb_id", "tmdb_id", "title", "download_id"),
    [
        pytest.param(
            42, 412873, 203517, "The Glass Harbor", "9CD0CF2044712E43C7624FBDB054A8655C520D52",
            id="recorded",
        ),
        pytest.param(
            7, 80379, 1418, "Harbour Lights: Ünïcode & Co.",
            "abcdef0123456789abcdef0123456789abcdef01",
            id="other-ids-lowercase-hash",
        ),
        pytest.param(
            9001, 999999, 0, "No TMDB Yet", "ABCDEF0123456789ABCDEF0123456789ABCDEF01",
            id="tmdb-unknown",
        ),
    ],
)  # fmt: skip


def series_keys(series_id: int, tvdb_id: int, tmdb_id: int) -> list[Key]:
    keys = [Key(KeyKind.SONARR_SERIES, str(series_id)), Key(KeyKind.TVDB, str(tvdb_id))]
    if tmdb_id:
        keys.append(Key(KeyKind.TMDB, str(tmdb_id)))
    keys.append(Key(KeyKind.IMDB, "tt19283746"))
    return keys


def media(title: str, tvdb_id: int, tmdb_id: int) -> MediaInfo:
    return MediaInfo(
        media_type=MediaType.TV,
        title=title,
        year=2023,
        tmdb_id=tmdb_id or None,
        tvdb_id=tvdb_id,
        imdb_id="tt19283746",
        poster_url=POSTER,
    )


@VARIANTS
def test_grab_becomes_grabbed(
    series_id: int, tvdb_id: int, tmdb_id: int, title: str, download_id: str
) -> None:
    body = vary(
        load("grab.json"),
        series_id=series_id, tvdb_id=tvdb_id, tmdb_id=tmdb_id, title=title, download_id=download_id,
    )  # fmt: skip

    assert translate(body, CTX) == [
        Grabbed(
            source="sonarr",
            keys=(
                *series_keys(series_id, tvdb_id, tmdb_id),
                Key(KeyKind.DOWNLOAD, download_id.lower()),
            ),
            media=media(title, tvdb_id, tmdb_id),
            download_id=download_id.lower(),
            quality="WEBDL-1080p",
            indexer="HarborTracker (Prowlarr)",
            release_title="The.Glass.Harbor.S01E03.Lanterns.1080p.AMZN.WEB-DL.DDP5.1.H.264-KOGI",
            size_bytes=2934521856,
            protocol="torrent",
            episodes=(Episode(1, 3),),
        )
    ]


def test_season_pack_grab_carries_every_episode() -> None:
    [event] = translate(load("grab_season_pack.json"), CTX)

    assert isinstance(event, Grabbed)
    assert event.episodes == tuple(Episode(2, number) for number in range(1, 7))
    assert event.download_id == "46b71e143e7c3ff741b83febe6d92670469ad369"
    assert event.size_bytes == 17583994880
    assert event.release_title == "The.Glass.Harbor.S02.1080p.AMZN.WEB-DL.DDP5.1.H.264-KOGI"


def test_anime_grab_uses_season_numbering_and_anime_ids() -> None:
    [event] = translate(load("grab_anime.json"), CTX)

    assert isinstance(event, Grabbed)
    assert event.episodes == (Episode(2, 2),)
    assert event.media.tvdb_id == 428391
    assert event.media.title == "Hoshizora Courier"
    assert event.indexer == "Nyaa (Prowlarr)"
    assert Key(KeyKind.TVDB, "428391") in event.keys
    assert Key(KeyKind.SONARR_SERIES, "57") in event.keys


@pytest.mark.parametrize(
    "download_id",
    ["9CD0CF2044712E43C7624FBDB054A8655C520D52", "9cd0cf2044712e43c7624fbdb054a8655c520d52"],
)
def test_download_id_is_lower_case_whatever_sonarr_sent(download_id: str) -> None:
    body = load("grab.json")
    body["downloadId"] = download_id

    [event] = translate(body, CTX)

    assert isinstance(event, Grabbed)
    assert event.download_id == "9cd0cf2044712e43c7624fbdb054a8655c520d52"
    assert Key(KeyKind.DOWNLOAD, "9cd0cf2044712e43c7624fbdb054a8655c520d52") in event.keys


@VARIANTS
def test_download_becomes_imported_with_the_library_path(
    series_id: int, tvdb_id: int, tmdb_id: int, title: str, download_id: str
) -> None:
    body = vary(
        load("download.json"),
        series_id=series_id, tvdb_id=tvdb_id, tmdb_id=tmdb_id, title=title, download_id=download_id,
    )  # fmt: skip

    assert translate(body, CTX) == [
        Imported(
            source="sonarr",
            keys=(
                *series_keys(series_id, tvdb_id, tmdb_id),
                Key(KeyKind.DOWNLOAD, download_id.lower()),
                Key(KeyKind.PATH, FILE_S01E03),
            ),
            media=media(title, tvdb_id, tmdb_id),
            occurred_at=datetime(2025, 1, 18, 22, 41, 7, 551326, tzinfo=UTC),
            download_id=download_id.lower(),
            paths=(FILE_S01E03,),
            episodes=(Episode(1, 3),),
            quality="WEBDL-1080p",
            upgrade=False,
            complete=False,
        )
    ]


def test_download_path_goes_through_path_mappings() -> None:
    ctx = TranslateContext(path_mappings=(("/tv", "/data/media/tv"),))

    [event] = translate(load("download.json"), ctx)

    mapped = "/data/media/tv/The Glass Harbor/Season 01/" + FILE_S01E03.rsplit("/", 1)[1]
    assert isinstance(event, Imported)
    assert event.paths == (mapped,)
    assert Key(KeyKind.PATH, mapped) in event.keys
    assert Key(KeyKind.PATH, FILE_S01E03) not in event.keys


def test_download_path_from_windows_host_is_canonical() -> None:
    body = load("download.json")
    body["episodeFile"]["path"] = "D:\\TV\\The Glass Harbor\\Season 01\\E03.mkv"

    [event] = translate(body, CTX)

    assert isinstance(event, Imported)
    assert event.paths == ("D:/TV/The Glass Harbor/Season 01/E03.mkv",)


def test_download_without_path_joins_series_folder_and_relative_path() -> None:
    body = load("download.json")
    del body["episodeFile"]["path"]

    [event] = translate(body, CTX)

    assert isinstance(event, Imported)
    assert event.paths == (FILE_S01E03,)


def test_upgrade_download_is_marked_and_keys_only_the_new_file() -> None:
    [event] = translate(load("download_upgrade.json"), CTX)

    new_file = (
        "/tv/The Glass Harbor/Season 01/The Glass Harbor - S01E03 - Lanterns [WEBDL-2160p].mkv"
    )
    assert isinstance(event, Imported)
    assert event.upgrade is True
    assert event.quality == "WEBDL-2160p"
    assert event.paths == (new_file,)
    assert Key(KeyKind.PATH, FILE_S01E03) not in event.keys
    assert event.download_id == "ae61e5e624f1f78cca9833d2a0f55e17d8f4c9f9"


def test_anime_download_is_a_single_file_import() -> None:
    [event] = translate(load("download_anime.json"), CTX)

    assert isinstance(event, Imported)
    assert event.episodes == (Episode(2, 2),)
    assert event.complete is False
    assert event.paths[0].startswith("/anime/Hoshizora Courier/Season 02/")


@VARIANTS
def test_import_complete_is_one_imported_with_every_file(
    series_id: int, tvdb_id: int, tmdb_id: int, title: str, download_id: str
) -> None:
    body = vary(
        load("import_complete.json"),
        series_id=series_id, tvdb_id=tvdb_id, tmdb_id=tmdb_id, title=title, download_id=download_id,
    )  # fmt: skip

    [event] = translate(body, CTX)

    paths = tuple(file["path"] for file in body["episodeFiles"])
    assert isinstance(event, Imported)
    assert event.complete is True
    assert event.upgrade is False
    assert len(paths) == 6
    assert event.paths == paths
    assert event.episodes == tuple(Episode(2, number) for number in range(1, 7))
    assert event.keys == (
        *series_keys(series_id, tvdb_id, tmdb_id),
        Key(KeyKind.DOWNLOAD, download_id.lower()),
        *(Key(KeyKind.PATH, path) for path in paths),
    )
    assert event.quality == "WEBDL-1080p"
    assert event.occurred_at == datetime(2025, 1, 21, 7, 12, 23, 500364, tzinfo=UTC)


def test_per_file_download_of_the_same_pack_is_not_complete() -> None:
    pack = load("import_complete.json")
    body = load("download.json")
    body["downloadId"] = pack["downloadId"]
    body["episodeFile"] = pack["episodeFiles"][0]

    [event] = translate(body, CTX)

    assert isinstance(event, Imported)
    assert event.complete is False
    assert event.paths == (pack["episodeFiles"][0]["path"],)


def test_empty_import_complete_is_bad() -> None:
    body = load("import_complete.json")
    body["episodeFiles"] = []

    with pytest.raises(BadPayload):
        translate(body, CTX)


def test_manual_interaction_required_needs_attention() -> None:
    [event] = translate(load("manual_interaction_required.json"), CTX)

    assert event == NeedsAttention(
        source="sonarr",
        keys=(
            *series_keys(42, 412873, 203517),
            Key(KeyKind.DOWNLOAD, "d68a650e0e5ed2cf1dbb459df5ec5c6e58c7a33a"),
        ),
        media=media("The Glass Harbor", 412873, 203517),
        message=(
            "Needs attention: Found matching series via grab history, but release was matched"
            " to series by ID. Automatic import is not possible. See the FAQ for details."
        ),
        details=(
            ("download_id", "d68a650e0e5ed2cf1dbb459df5ec5c6e58c7a33a"),
            ("title", "The.Glass.Harbor.S01E04.1080p.WEB.H264-BRINE"),
            ("quality", "WEBDL-1080p"),
            ("status", "Warning"),
        ),
    )


def test_manual_interaction_joins_distinct_messages() -> None:
    body = load("manual_interaction_required.json")
    body["downloadStatusMessages"] = [
        {"title": "a.mkv", "messages": ["Not an upgrade", "Sample"]},
        {"title": "b.mkv", "messages": ["Not an upgrade"]},
    ]

    [event] = translate(body, CTX)

    assert isinstance(event, NeedsAttention)
    assert event.message == "Needs attention: Not an upgrade; Sample"


def test_manual_interaction_without_messages_still_says_what_to_do() -> None:
    body = load("manual_interaction_required.json")
    del body["downloadStatusMessages"]

    [event] = translate(body, CTX)

    assert isinstance(event, NeedsAttention)
    assert event.message == ("Needs attention: Sonarr could not import this download automatically")


def test_test_event_gives_nothing() -> None:
    assert translate(load("test.json"), CTX) == []
    assert translate({"eventType": "Test"}, CTX) == []


@pytest.mark.parametrize(
    "event_type",
    [
        "Rename",
        "SeriesAdd",
        "SeriesDelete",
        "EpisodeFileDelete",
        "Health",
        "HealthRestored",
        "ApplicationUpdate",
        "SomethingSonarrAddsLater",
    ],
)
def test_untracked_event_types_give_nothing(event_type: str) -> None:
    body = load("grab.json")
    body["eventType"] = event_type

    assert translate(body, CTX) == []


def test_event_type_case_does_not_matter() -> None:
    body = load("grab.json")
    body["eventType"] = "grab"

    [event] = translate(body, CTX)

    assert isinstance(event, Grabbed)


def test_unknown_keys_and_unreadable_decorations_are_ignored() -> None:
    plain = translate(load("grab.json"), CTX)
    body = load("grab.json")
    body["somethingNew"] = {"nested": [1, 2, 3]}
    body["series"]["images"] = "not a list"
    body["series"]["originalLanguage"] = 8
    body["release"]["languages"] = "English"
    body["customFormatInfo"] = []

    expected = replace(plain[0], media=replace(plain[0].media, poster_url=None))
    assert translate(body, CTX) == [expected]


def test_omitted_fields_mean_unknown() -> None:
    body = load("grab.json")
    for key in ("downloadId", "downloadClient", "downloadClientType", "release"):
        del body[key]
    del body["series"]["imdbId"]
    body["series"]["tmdbId"] = 0

    [event] = translate(body, CTX)

    assert isinstance(event, Grabbed)
    assert event.download_id is None
    assert event.quality is None
    assert event.protocol is None
    assert event.keys == (Key(KeyKind.SONARR_SERIES, "42"), Key(KeyKind.TVDB, "412873"))


def test_numbers_sent_as_strings_are_read() -> None:
    body = load("grab.json")
    body["series"]["id"] = "42"
    body["series"]["tvdbId"] = "412873"
    body["release"]["size"] = "2934521856"

    [event] = translate(body, CTX)

    assert isinstance(event, Grabbed)
    assert Key(KeyKind.SONARR_SERIES, "42") in event.keys
    assert event.size_bytes == 2934521856


def test_title_never_becomes_a_key() -> None:
    first = load("grab.json")
    second = copy.deepcopy(first)
    second["series"]["title"] = "Something Else Entirely"

    [one] = translate(first, CTX)
    [two] = translate(second, CTX)

    assert one.keys == two.keys
    assert all("Glass" not in key.value for key in one.keys)


def _without(name: str, key: str) -> dict[str, Any]:
    body: dict[str, Any] = load(name)
    del body[key]
    return body


def _with(name: str, path: tuple[str, ...], value: Any) -> dict[str, Any]:
    body: dict[str, Any] = load(name)
    target = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return body


@pytest.mark.parametrize(
    "body",
    [
        pytest.param([], id="not-an-object"),
        pytest.param({}, id="no-event-type"),
        pytest.param({"eventType": 3}, id="event-type-not-text"),
        pytest.param({"eventType": "  "}, id="event-type-blank"),
        pytest.param({"eventType": "Grab"}, id="grab-without-series"),
        pytest.param(_with("grab.json", ("series", "id"), "forty-two"), id="series-id-not-int"),
        pytest.param(_with("grab.json", ("episodes",), [{"title": "x"}]), id="episode-no-numbers"),
        pytest.param(_without("download.json", "episodeFile"), id="download-without-file"),
        pytest.param(
            _with("download.json", ("episodeFile",), {"id": 1, "quality": "HDTV-720p"}),
            id="download-file-without-path",
        ),
        pytest.param(_without("manual_interaction_required.json", "series"), id="mir-no-series"),
    ],
)
def test_malformed_bodies_are_bad_payloads(body: Any) -> None:
    with pytest.raises(BadPayload):
        translate(body, CTX)
