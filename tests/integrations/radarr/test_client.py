"""RadarrClient against a fake Radarr at the transport layer (and one refused port)."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from status_tracker.integrations.errors import AuthFailed, BadPayload, Unreachable
from status_tracker.integrations.radarr.client import RadarrClient

from ._samples import load

KEY = "fedcba9876543210fedcba9876543210"


class FakeRadarr:
    """Answers the ``/api/v3`` routes the client uses from recorded shapes."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []
        self.fail_with: list[httpx.Response] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.fail_with:
            return self.fail_with.pop(0)
        if request.headers.get("X-Api-Key") != KEY:
            return httpx.Response(401)
        query = request.url.params
        match request.method, request.url.path:
            case "GET", "/api/v3/queue":
                return httpx.Response(200, json=load(f"api/queue_page{query['page']}.json"))
            case "GET", "/api/v3/history/since" | "/api/v3/history/movie":
                return httpx.Response(200, json=load("api/history_since.json"))
            case "GET", "/api/v3/movie":
                found = load("api/movie_lookup.json") if query["tmdbId"] == "987654" else []
                return httpx.Response(200, json=found)
            case "POST", "/api/v3/command":
                body = json.loads(request.content)
                return httpx.Response(201, json={**load("api/command.json"), "body": body})
        return httpx.Response(404)


@pytest.fixture
def fake() -> FakeRadarr:
    return FakeRadarr()


@pytest.fixture
async def radarr(fake: FakeRadarr) -> AsyncIterator[RadarrClient]:
    transport = httpx.MockTransport(fake)
    async with RadarrClient("http://radarr.lan:7878", KEY, transport=transport, page_size=2) as c:
        yield c


async def test_queue_reads_every_page_with_the_movie(
    radarr: RadarrClient, fake: FakeRadarr
) -> None:
    rows = await radarr.queue()

    assert [row.movie_id for row in rows] == [17, 23, 31, 40]
    assert [request.url.params["page"] for request in fake.seen] == ["1", "2"]
    assert fake.seen[0].url.params["includeMovie"] == "true"
    assert fake.seen[0].headers["X-Api-Key"] == KEY
    assert rows[0].movie is not None
    assert rows[0].movie.tmdb_id == 987654
    assert rows[1].tracked_download_state == "importBlocked"


async def test_history_since_and_for_one_movie(radarr: RadarrClient, fake: FakeRadarr) -> None:
    since = await radarr.history_since(datetime(2025, 1, 18, 22, tzinfo=UTC))
    movie = await radarr.movie_history(17, event_type="downloadFailed")

    assert fake.seen[0].url.params["date"] == "2025-01-18T22:00:00Z"
    assert fake.seen[1].url.params["movieId"] == "17"
    assert fake.seen[1].url.params["eventType"] == "downloadFailed"
    assert [row.id for row in since] == [5001, 5002, 5003, 5004]
    assert [row.event_type for row in movie][:3] == [
        "grabbed",
        "downloadFolderImported",
        "downloadFailed",
    ]


async def test_movie_lookup_by_tmdb(radarr: RadarrClient) -> None:
    movie = await radarr.movie_by_tmdb(987654)

    assert movie is not None
    assert (movie.id, movie.title, movie.has_file) == (17, "Quiet Meridian", False)
    assert await radarr.movie_by_tmdb(603) is None


async def test_movies_search_command(radarr: RadarrClient, fake: FakeRadarr) -> None:
    command = await radarr.search_movies([17])

    [request] = fake.seen
    assert request.method == "POST"
    assert request.url.path == "/api/v3/command"
    assert json.loads(request.content) == {"name": "MoviesSearch", "movieIds": [17]}
    assert (command.id, command.name, command.status) == (388, "MoviesSearch", "started")


async def test_wrong_api_key_is_auth_failed_and_not_retried(fake: FakeRadarr) -> None:
    async with RadarrClient("http://r", "nope", transport=httpx.MockTransport(fake)) as client:
        with pytest.raises(AuthFailed):
            await client.movie_by_tmdb(987654)

    assert len(fake.seen) == 1


async def test_server_error_then_answer_is_retried(radarr: RadarrClient, fake: FakeRadarr) -> None:
    fake.fail_with = [httpx.Response(503)]

    assert (await radarr.search_movies([17])).id == 388
    assert len(fake.seen) == 2


async def test_refused_connection_is_unreachable() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    async with RadarrClient(f"http://127.0.0.1:{port}", KEY) as client:
        with pytest.raises(Unreachable):
            await client.search_movies([17])


async def test_unreadable_movie_list_is_a_bad_payload() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"id": 17}))

    async with RadarrClient("http://r", KEY, transport=transport) as client:
        with pytest.raises(BadPayload):
            await client.movie_by_tmdb(987654)
