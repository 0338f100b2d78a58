"""The Jellyfin library poller against a fake Jellyfin at the transport, with a recording host."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from status_tracker.core.events import Event, MadeAvailable
from status_tracker.core.model import Episode, Key, KeyKind, MediaType, Request
from status_tracker.core.states import RequestState
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import AuthFailed
from status_tracker.integrations.jellyfin.client import JellyfinClient
from status_tracker.integrations.jellyfin.poller import JellyfinPoller, waiting

from ._samples import SERVER_ID

S = RequestState
NOW = datetime(2026, 8, 22, 21, 0, tzinfo=UTC)
KEY = "fedcba9876543210fedcba9876543210"
PUBLIC = "https://watch.example.org"

SERIES_ID = "b71c2a908e4f4d3aa1b2c3d4e5f60718"
ANIDB_SERIES_ID = "5e3d2c1b0a9f48e7b6c5d4e3f2a1b0c9"


def item(item_id: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"Id": item_id, "Type": kind, "DateCreated": "2026-08-22T21:30:00.1234567Z", **fields}


def episode(item_id: str, number: int, **fields: Any) -> dict[str, Any]:
    return item(
        item_id,
        "Episode",
        Name=f"Episode {number}",
        SeriesName="Frieren: Beyond Journey's End",
        SeriesId=SERIES_ID,
        ParentIndexNumber=1,
        IndexNumber=number,
        Path=f"/media/anime/Frieren/Season 01/Frieren - S01E{number:02d}.mkv",
        ProviderIds={"Tvdb": str(9953100 + number)},
        **fields,
    )


SERIES = {"Id": SERIES_ID, "Type": "Series", "ProviderIds": {"Tvdb": "424536", "Tmdb": "209867"}}
ANIDB_SERIES = {"Id": ANIDB_SERIES_ID, "Type": "Series", "ProviderIds": {"AniDB": "17617"}}
MOVIE = item(
    "6a1f0c2e3b4d4e5f8a9b0c1d2e3f4a5b",
    "Movie",
    Name="Dune: Part Two",
    ProductionYear=2024,
    Path="/media/movies/Dune Part Two (2024)/Dune Part Two.mkv",
    ProviderIds={"Tmdb": "693134", "Imdb": "tt15239678"},
)
E05 = episode("0c9e7d215f3a4b8c9d2e7a6b5c4d3e2f", 5)
E04 = episode("1d9e7d215f3a4b8c9d2e7a6b5c4d3e2f", 4)
ANIME = item(
    "2e9e7d215f3a4b8c9d2e7a6b5c4d3e2f",
    "Episode",
    SeriesId=ANIDB_SERIES_ID,
    SeriesName="Sousou no Frieren",
    ParentIndexNumber=1,
    IndexNumber=14,
    Path="/media/anime/Hoshizora Courier/Season 02/Hoshizora Courier - S02E02.mkv",
)
OLD = {**ANIME, "Id": "3f9e7d215f3a4b8c9d2e7a6b5c4d3e2f", "DateCreated": "2025-01-01T00:00:00Z"}
NO_PATH = {**ANIME, "Id": "4a9e7d215f3a4b8c9d2e7a6b5c4d3e2f", "Path": None}
DONE_SERIES_ID = "6f4e3d2c1b0a49f8a7b6c5d4e3f2a1b0"
DONE_SERIES = {"Id": DONE_SERIES_ID, "Type": "Series", "ProviderIds": {"Tvdb": "777001"}}
DONE_EPISODE = {**episode("5b9e7d215f3a4b8c9d2e7a6b5c4d3e2f", 9), "SeriesId": DONE_SERIES_ID}


class FakeJellyfin:
    """``/Items`` (recent or by ids) and ``/System/Info``; records what it was asked."""

    def __init__(self, recent: list[dict[str, Any]], library: list[dict[str, Any]]) -> None:
        self.recent = recent
        self.library = library
        self.status = 200
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.headers.get("Authorization") != f'MediaBrowser Token="{KEY}"':
            return httpx.Response(401)
        if self.status != 200:
            return httpx.Response(self.status)
        if request.url.path == "/System/Info":
            return httpx.Response(200, json={"Id": SERVER_ID, "Version": "10.11.11"})
        if request.url.path == "/Items" and "ids" in request.url.params:
            wanted = set(request.url.params["ids"].split(","))
            found = [i for i in self.library if i["Id"] in wanted]
            return httpx.Response(200, json={"Items": found, "TotalRecordCount": len(found)})
        if request.url.path == "/Items":
            return httpx.Response(200, json={"Items": self.recent, "TotalRecordCount": 9})
        return httpx.Response(404)

    def paths(self) -> list[str]:
        return [r.url.path + ("?ids" if "ids" in r.url.params else "") for r in self.requests]


class Host:
    """Active requests from the test; records every submitted batch."""

    def __init__(self, requests: Sequence[Request]) -> None:
        self.requests = list(requests)
        self.batches: list[Sequence[Event]] = []

    async def submit(self, events: Sequence[Event]) -> None:
        self.batches.append(events)

    async def deliver(self, source: str, body: Any) -> int:
        raise AssertionError("the poller submits events, it stores nothing")

    async def active_requests(self) -> list[Request]:
        return self.requests

    def health(self, name: str) -> Any:
        raise AssertionError("run_poller reports health, not the source")

    @contextlib.contextmanager
    def changes(self) -> Iterator[AsyncIterator[Request | None]]:
        raise AssertionError("run_poller watches changes, not the source")

    @property
    def submitted(self) -> list[MadeAvailable]:
        assert all(len(batch) == 1 for batch in self.batches)
        return [event for [event] in self.batches if isinstance(event, MadeAvailable)]


def request(media_type: MediaType, state: RequestState, **fields: Any) -> Request:
    values: dict[str, Any] = {"id": 1, **fields}
    return Request(
        media_type=media_type,
        state=state,
        created_at=NOW,
        updated_at=NOW,
        state_changed_at=NOW,
        **values,
    )


FRIEREN = request(
    MediaType.TV,
    S.IMPORTING,
    tvdb_id=424536,
    seasons=(1,),
    episodes={Episode(1, 4): S.AVAILABLE, Episode(1, 5): S.IMPORTING},
)
DUNE = request(MediaType.MOVIE, S.ANIME_INDEXING, id=2, tmdb_id=693134)
DONE = request(MediaType.TV, S.AVAILABLE, id=3, tvdb_id=777001)


def poller(fake: FakeJellyfin) -> tuple[JellyfinPoller, JellyfinClient]:
    client = JellyfinClient("http://jellyfin.lan:8096", KEY, transport=httpx.MockTransport(fake))
    context = TranslateContext(jellyfin_public_url=PUBLIC)
    return JellyfinPoller(client, context), client


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (request(MediaType.MOVIE, S.IMPORTING), True),
        (request(MediaType.MOVIE, S.ANIME_INDEXING), True),
        (request(MediaType.MOVIE, S.DOWNLOADING), False),
        (request(MediaType.MOVIE, S.AVAILABLE), False),
        (request(MediaType.TV, S.DOWNLOADING, episodes={Episode(1, 1): S.IMPORTING}), True),
        (request(MediaType.TV, S.DOWNLOADING, episodes={Episode(1, 1): S.AVAILABLE}), False),
    ],
)
async def test_it_polls_only_while_a_request_waits_for_jellyfin(
    stored: Request, expected: bool
) -> None:
    fake = FakeJellyfin([], [])
    source, client = poller(fake)
    async with client:
        assert waiting(stored) is expected
        assert source.wakes_on(stored) is expected
        assert await source.wanted(Host([stored])) is True  # Jellyfin was never asked yet
        await source.poll(Host([stored]))
        assert await source.wanted(Host([stored])) is expected
    assert fake.paths() == (["/System/Info", "/Items"] if expected else ["/System/Info"])


async def test_items_that_concern_waiting_requests_become_ready_to_watch() -> None:
    fake = FakeJellyfin(
        [E05, E04, MOVIE, DONE_EPISODE, ANIME, OLD, NO_PATH],
        [SERIES, ANIDB_SERIES, DONE_SERIES],
    )
    host = Host([FRIEREN, DUNE, DONE])
    source, client = poller(fake)
    async with client:
        await source.poll(host)

    episode_event, movie_event, anime_event = host.submitted
    assert episode_event.episodes == (Episode(1, 5),)
    assert Key(KeyKind.TVDB, "424536") in episode_event.keys
    assert Key(KeyKind.PATH, E05["Path"]) in episode_event.keys
    assert episode_event.watch_url == (
        f"{PUBLIC}/web/#/details?id={E05['Id']}&serverId={SERVER_ID}"
    )
    assert movie_event.media.tmdb_id == 693134
    assert movie_event.media.media_type is MediaType.MOVIE
    assert anime_event.keys == (
        Key(KeyKind.JELLYFIN_ITEM, ANIME["Id"]),
        Key(KeyKind.PATH, ANIME["Path"]),
    )
    assert fake.paths() == ["/System/Info", "/Items", "/Items?ids"]
    assert sorted(fake.requests[2].url.params["ids"].split(",")) == sorted(
        [SERIES_ID, ANIDB_SERIES_ID, DONE_SERIES_ID]
    )


async def test_series_and_server_are_asked_once() -> None:
    fake = FakeJellyfin([E05], [SERIES])
    host = Host([FRIEREN])
    source, client = poller(fake)
    async with client:
        await source.poll(host)
        await source.poll(host)
    assert fake.paths() == ["/System/Info", "/Items", "/Items?ids", "/Items"]
    assert len(host.submitted) == 2


async def test_a_series_without_provider_ids_yet_is_asked_again() -> None:
    fake = FakeJellyfin([E05], [{**SERIES, "ProviderIds": {}}])
    host = Host([replace(FRIEREN, created_at=NOW + timedelta(days=30))])
    source, client = poller(fake)
    async with client:
        await source.poll(host)
        assert host.submitted == []
        fake.library = [SERIES]
        await source.poll(host)
    assert fake.paths().count("/Items?ids") == 2
    assert [event.episodes for event in host.submitted] == [(Episode(1, 5),)]


async def test_a_refused_key_is_auth_failed() -> None:
    fake = FakeJellyfin([E05], [SERIES])
    client = JellyfinClient(
        "http://jellyfin.lan:8096", "wrong", transport=httpx.MockTransport(fake)
    )
    source = JellyfinPoller(client, TranslateContext())
    async with client:
        with pytest.raises(AuthFailed):
            await source.poll(Host([FRIEREN]))
