"""Jellyfin webhook plugin bodies → core events: every recorded body, then the edges."""

from __future__ import annotations

import html
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from status_tracker.core.events import MadeAvailable, Watched
from status_tracker.core.ids import parse_path_mappings
from status_tracker.core.model import Episode, Key, KeyKind, MediaInfo, MediaType
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.jellyfin.translate import translate

from ._samples import EPISODE_ID, MOVIE_ID, SERIES_ID, SERVER_ID, load

CTX = TranslateContext()
BASE = "https://jellyfin.example.lan"
TEMPLATE = Path(__file__).parents[3] / "docs" / "jellyfin-template.handlebars"

MOVIE = MadeAvailable(
    source="jellyfin",
    keys=(
        Key(KeyKind.JELLYFIN_ITEM, MOVIE_ID),
        Key(KeyKind.TMDB, "693134"),
        Key(KeyKind.IMDB, "tt15239678"),
    ),
    media=MediaInfo(MediaType.MOVIE, "Dune: Part Two", 2024, 693134, None, "tt15239678"),
    watch_url=f"{BASE}/web/#/details?id={MOVIE_ID}&serverId={SERVER_ID}",
)

EPISODE = MadeAvailable(
    source="jellyfin",
    keys=(Key(KeyKind.JELLYFIN_ITEM, EPISODE_ID),),
    media=MediaInfo(MediaType.TV, "Frieren: Beyond Journey's End", 2023),
    watch_url=f"{BASE}/web/#/details?id={EPISODE_ID}&serverId={SERVER_ID}",
    episodes=(Episode(1, 5),),
)


def test_movie() -> None:
    assert translate(load("item_added_movie"), CTX) == [MOVIE]


def test_episode_never_uses_the_episodes_own_provider_ids() -> None:
    body = load("item_added_episode")
    assert body["Provider_tvdb"] == "9953105"
    assert translate(body, CTX) == [EPISODE]


def test_send_all_properties_reads_like_the_template() -> None:
    assert translate(load("item_added_episode_send_all_properties"), CTX) == [EPISODE]


def test_public_url_wins_over_server_url() -> None:
    ctx = TranslateContext(jellyfin_public_url="https://watch.example.com/jf/")
    [event] = translate(load("item_added_movie"), ctx)
    assert isinstance(event, MadeAvailable)
    assert (
        event.watch_url
        == f"https://watch.example.com/jf/web/#/details?id={MOVIE_ID}&serverId={SERVER_ID}"
    )


@pytest.mark.parametrize(
    ("server_url", "expected"),
    [
        ("", None),
        (
            "localhost:8096",
            f"http://localhost:8096/web/#/details?id={MOVIE_ID}&serverId={SERVER_ID}",
        ),
        (
            "http://10.0.0.2:8096/",
            f"http://10.0.0.2:8096/web/#/details?id={MOVIE_ID}&serverId={SERVER_ID}",
        ),
    ],
)
def test_watch_url_base(server_url: str, expected: str | None) -> None:
    body = {**load("item_added_movie"), "ServerUrl": server_url}
    [event] = translate(body, CTX)
    assert isinstance(event, MadeAvailable)
    assert event.watch_url == expected


def spellings(value: uuid.UUID) -> list[str]:
    return [str(value), value.hex, str(value).upper(), "{" + str(value) + "}"]


@pytest.mark.parametrize("seed", range(4))
def test_item_and_server_ids_in_any_spelling(seed: int) -> None:
    item, server = (
        uuid.uuid5(uuid.NAMESPACE_URL, f"item-{seed}"),
        uuid.uuid5(uuid.NAMESPACE_URL, f"srv-{seed}"),
    )
    for item_text, server_text in zip(spellings(item), spellings(server), strict=True):
        body = {**load("item_added_movie"), "ItemId": item_text, "ServerId": server_text}
        [event] = translate(body, CTX)
        assert isinstance(event, MadeAvailable)
        assert event.keys[0] == Key(KeyKind.JELLYFIN_ITEM, item.hex)
        assert event.watch_url == f"{BASE}/web/#/details?id={item.hex}&serverId={server.hex}"


@pytest.mark.parametrize(
    ("tmdb", "imdb"), [("603", "tt0133093"), (" 27205 ", "TT1375666"), (155, "tt0468569")]
)
def test_movie_provider_ids_vary(tmdb: object, imdb: str) -> None:
    body = {**load("item_added_movie"), "Provider_tmdb": tmdb, "Provider_imdb": imdb}
    [event] = translate(body, CTX)
    number = str(tmdb).strip()
    assert event.keys[1:] == (Key(KeyKind.TMDB, number), Key(KeyKind.IMDB, imdb.lower()))
    assert event.media.tmdb_id == int(number)


def test_keys_are_read_case_insensitively() -> None:
    body = {key.lower(): value for key, value in load("item_added_movie").items()}
    assert translate(body, CTX) == [MOVIE]


def test_enriched_episode_carries_the_series_ids() -> None:
    body = {
        **load("item_added_episode"),
        "SeriesProvider_tvdb": "424536",
        "SeriesProvider_tmdb": "209867",
        "SeriesProvider_imdb": "tt22248376",
    }
    [event] = translate(body, CTX)
    assert event.keys == (
        Key(KeyKind.JELLYFIN_ITEM, EPISODE_ID),
        Key(KeyKind.TMDB, "209867"),
        Key(KeyKind.TVDB, "424536"),
        Key(KeyKind.IMDB, "tt22248376"),
    )
    assert event.media == MediaInfo(
        MediaType.TV, "Frieren: Beyond Journey's End", 2023, 209867, 424536, "tt22248376"
    )


def test_path_is_a_key_after_mappings() -> None:
    ctx = TranslateContext(path_mappings=parse_path_mappings("/media=/data/media"))
    body = {
        **load("item_added_episode_send_all_properties"),
        "Path": "/media/anime/Frieren/Season 01/e05.mkv",
    }
    [event] = translate(body, ctx)
    assert Key(KeyKind.PATH, "/data/media/anime/Frieren/Season 01/e05.mkv") in event.keys


def test_multi_episode_file() -> None:
    body = {**load("item_added_episode"), "EpisodeNumber": "5", "EpisodeNumberEnd": "7"}
    [event] = translate(body, CTX)
    assert isinstance(event, MadeAvailable)
    assert event.episodes == (Episode(1, 5), Episode(1, 6), Episode(1, 7))
    [junk] = translate({**body, "EpisodeNumberEnd": "3"}, CTX)
    assert isinstance(junk, MadeAvailable)
    assert junk.episodes == (Episode(1, 5),)


def test_series_uses_its_own_provider_ids() -> None:
    body = {
        **load("item_added_movie"),
        "ItemType": "Series",
        "ItemId": SERIES_ID,
        "Name": "Frieren: Beyond Journey's End",
        "Year": "2023",
        "Provider_tmdb": "209867",
        "Provider_tvdb": "424536",
        "Provider_imdb": "",
    }
    [event] = translate(body, CTX)
    assert isinstance(event, MadeAvailable)
    assert event.keys == (
        Key(KeyKind.JELLYFIN_ITEM, SERIES_ID),
        Key(KeyKind.TMDB, "209867"),
        Key(KeyKind.TVDB, "424536"),
    )
    assert event.media == MediaInfo(
        MediaType.TV, "Frieren: Beyond Journey's End", 2023, 209867, 424536
    )
    assert event.episodes == ()


def test_season_uses_only_the_series_ids() -> None:
    body = {
        **load("item_added_episode"),
        "ItemType": "Season",
        "Provider_tvdb": "2085437",
        "EpisodeNumber": "",
        "SeriesProvider_tvdb": "424536",
    }
    [event] = translate(body, CTX)
    assert isinstance(event, MadeAvailable)
    assert event.keys == (Key(KeyKind.JELLYFIN_ITEM, EPISODE_ID), Key(KeyKind.TVDB, "424536"))
    assert event.episodes == ()


@pytest.mark.parametrize("user_key", ["NotificationUsername", "Username"])
def test_playback_start_is_watched(user_key: str) -> None:
    body = {**load("item_added_movie"), "NotificationType": "PlaybackStart", user_key: "alice"}
    assert translate(body, CTX) == [
        Watched(source="jellyfin", keys=MOVIE.keys, media=MOVIE.media, user="alice")
    ]


def test_playback_of_an_episode_keys_on_the_item() -> None:
    body = {
        **load("item_added_episode_send_all_properties"),
        "NotificationType": "PlaybackStart",
        "Username": "bob",
    }
    [event] = translate(body, CTX)
    assert isinstance(event, Watched)
    assert (event.keys, event.user) == ((Key(KeyKind.JELLYFIN_ITEM, EPISODE_ID),), "bob")


@pytest.mark.parametrize(
    "changes",
    [
        {"NotificationType": "PlaybackStop"},
        {"NotificationType": "ItemDeleted"},
        {"NotificationType": "Generic"},
        {"ItemType": "Audio"},
        {"ItemType": "MusicAlbum"},
        {"NotificationType": "PlaybackStart", "ItemType": "Series"},
    ],
)
def test_what_we_do_not_track(changes: dict[str, Any]) -> None:
    assert translate({**load("item_added_movie"), **changes}, CTX) == []


@pytest.mark.parametrize(
    "body",
    [
        {"ItemId": MOVIE_ID},
        {"NotificationType": "", "ItemId": MOVIE_ID},
        {"NotificationType": "ItemAdded", "ItemType": "Movie", "ItemId": "not-a-guid"},
    ],
)
def test_unusable_bodies(body: dict[str, Any]) -> None:
    with pytest.raises(BadPayload):
        translate(body, CTX)


def render(template: str, data: dict[str, str]) -> str:
    """Handlebars for this template: comments, ``{{{raw}}}``, ``{{encoded}}``, missing → ""."""
    text = re.sub(r"\{\{!--.*?--\}\}", "", template, flags=re.DOTALL)
    text = re.sub(r"\{\{\{(\w+)\}\}\}", lambda m: data.get(m[1], ""), text)
    return re.sub(r"\{\{(\w+)\}\}", lambda m: html.escape(data.get(m[1], "")), text).strip()


def test_the_documented_template_renders_to_bodies_translate_reads() -> None:
    template = TEMPLATE.read_text(encoding="utf-8")
    episode = {
        key: str(value) for key, value in load("item_added_episode_send_all_properties").items()
    }
    episode["ItemId"] = str(uuid.UUID(EPISODE_ID))
    body = json.loads(render(template, episode))
    assert translate(body, CTX) == [EPISODE]

    played = {**episode, "NotificationType": "PlaybackStart", "Username": "carol"}
    [event] = translate(json.loads(render(template, played)), CTX)
    assert isinstance(event, Watched)
    assert event.user == "carol"

    quoted = {**episode, "Name": 'The \\"Best\\" One', "SeriesName": "O'Brien"}
    assert translate(json.loads(render(template, quoted)), CTX)[0].media.title == "O'Brien"
