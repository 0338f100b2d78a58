"""The Jellyfin API client against a fake server at the transport (httpx.MockTransport)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import AuthFailed, BadPayload, Unreachable
from status_tracker.integrations.jellyfin.client import JellyfinClient
from status_tracker.integrations.jellyfin.translate import translate

from ._samples import EPISODE_ID, SERIES_ID, SERVER_ID, load

KEY = "0123456789abcdef0123456789abcdef"

SERIES = {
    "Name": "Frieren: Beyond Journey's End",
    "Id": SERIES_ID,
    "Type": "Series",
    "Path": "/media/anime/Frieren - Beyond Journey's End",
    "ProviderIds": {"Tvdb": "424536", "Tmdb": "209867", "Imdb": "tt22248376"},
}
EPISODE = {
    "Name": "Phantoms of the Dead",
    "Id": EPISODE_ID,
    "Type": "Episode",
    "SeriesId": SERIES_ID,
    "ParentIndexNumber": 1,
    "IndexNumber": 5,
    "Path": "/media/anime/Frieren - Beyond Journey's End/Season 01/S01E05.mkv",
    "ProviderIds": {"Tvdb": "9953105", "Imdb": "tt28021245"},
}


class FakeJellyfin:
    """Answers ``/Items`` from a table and ``/System/Info``; records every request."""

    def __init__(self, items: list[dict[str, Any]], status: int = 200) -> None:
        self.items = items
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.status != 200:
            return httpx.Response(self.status, json={"error": "nope"})
        if request.url.path == "/jf/Items":
            wanted = {
                value.replace("-", "").lower() for value in request.url.params["ids"].split(",")
            }
            found = [item for item in self.items if item["Id"] in wanted]
            return httpx.Response(
                200, json={"Items": found, "TotalRecordCount": len(found), "StartIndex": 0}
            )
        if request.url.path == "/jf/System/Info":
            return httpx.Response(
                200, json={"Id": SERVER_ID, "ServerName": "media-box", "Version": "10.11.11"}
            )
        return httpx.Response(404)


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> JellyfinClient:
    return JellyfinClient(
        "http://jellyfin.lan:8096/jf/", KEY, transport=httpx.MockTransport(handler)
    )


async def test_get_item_by_dashed_or_undashed_id() -> None:
    fake = FakeJellyfin([SERIES, EPISODE])
    async with client_for(fake) as client:
        dashed = "b71c2a90-8e4f-4d3a-a1b2-c3d4e5f60718"
        series = await client.get_item(dashed)
        episode = await client.get_item(EPISODE_ID)
    assert series is not None
    assert series.provider_ids == {"tvdb": "424536", "tmdb": "209867", "imdb": "tt22248376"}
    assert episode is not None
    assert (episode.series_id, episode.parent_index_number, episode.index_number) == (
        SERIES_ID,
        1,
        5,
    )
    request = fake.requests[0]
    assert request.headers["Authorization"] == f'MediaBrowser Token="{KEY}"'
    assert "X-Emby-Token" not in request.headers
    assert request.url.params["ids"] == dashed
    assert request.url.params["fields"] == "ProviderIds,Path"


async def test_unknown_item_is_none() -> None:
    async with client_for(FakeJellyfin([SERIES])) as client:
        assert await client.get_item("ffffffffffffffffffffffffffffffff") is None


async def test_system_info_gives_the_server_id() -> None:
    fake = FakeJellyfin([])
    async with client_for(fake) as client:
        info = await client.system_info()
    assert (info.id, info.server_name, info.version) == (SERVER_ID, "media-box", "10.11.11")
    assert fake.requests[0].url.path == "/jf/System/Info"


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, AuthFailed), (403, AuthFailed), (503, Unreachable), (404, BadPayload)],
)
async def test_errors_map_onto_the_error_tree(status: int, error: type[Exception]) -> None:
    async with client_for(FakeJellyfin([], status=status)) as client:
        with pytest.raises(error):
            await client.system_info()
        with pytest.raises(error):
            await client.get_item(SERIES_ID)


async def test_refused_connection_is_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with client_for(refuse) as client:
        with pytest.raises(Unreachable, match="refused"):
            await client.system_info()


def answering(body: object) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps(body).encode())

    return answer


@pytest.mark.parametrize("body", [[], {"Items": "nope"}, {"TotalRecordCount": 0}])
async def test_unexpected_items_bodies_are_bad_payloads(body: object) -> None:
    async with client_for(answering(body)) as client:
        with pytest.raises(BadPayload):
            await client.get_item(SERIES_ID)


@pytest.mark.parametrize("body", [[], {"ServerName": "no id"}])
async def test_unexpected_system_info_is_a_bad_payload(body: object) -> None:
    async with client_for(answering(body)) as client:
        with pytest.raises(BadPayload):
            await client.system_info()


async def test_enrich_an_episode_with_series_ids_and_path_in_one_call() -> None:
    fake = FakeJellyfin([SERIES, EPISODE])
    body = load("item_added_episode")
    async with client_for(fake) as client:
        enriched = await client.enrich(body)
    assert len(fake.requests) == 1
    assert enriched == {
        **body,
        "SeriesProvider_tvdb": "424536",
        "SeriesProvider_tmdb": "209867",
        "SeriesProvider_imdb": "tt22248376",
        "Path": EPISODE["Path"],
    }
    [event] = translate(enriched, TranslateContext(path_mappings=(("/media", "/data/media"),)))
    assert [key.kind.value for key in event.keys] == [
        "jellyfin_item",
        "path",
        "tmdb",
        "tvdb",
        "imdb",
    ]
    assert event.keys[3].value == "424536"


async def test_enrich_leaves_known_values_and_asks_nothing_when_nothing_is_missing() -> None:
    fake = FakeJellyfin([SERIES, EPISODE])
    body = {**load("item_added_movie"), "Path": "/media/movies/Dune Part Two (2024)/dune.mkv"}
    async with client_for(fake) as client:
        assert await client.enrich(body) == body
    assert fake.requests == []


async def test_enrich_when_jellyfin_no_longer_knows_the_item() -> None:
    body = load("item_added_episode")
    async with client_for(FakeJellyfin([])) as client:
        assert await client.enrich(body) == body
