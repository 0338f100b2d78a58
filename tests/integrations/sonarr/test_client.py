"""SonarrClient against a fake Sonarr at the transport layer (and one refused port)."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from status_tracker.integrations._arr_api import RetryPolicy
from status_tracker.integrations.errors import AuthFailed, BadPayload, Unreachable
from status_tracker.integrations.sonarr.client import EpisodeCount, SonarrClient

from ._samples import load

KEY = "0123456789abcdef0123456789abcdef"


class FakeSonarr:
    """Answers the ``/api/v3`` routes the client uses from recorded shapes."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []
        self.fail_with: list[httpx.Response] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.fail_with:
            return self.fail_with.pop(0)
        if request.headers.get("X-Api-Key") != KEY:
            return httpx.Response(401, json={"error": "Unauthorized"})
        path = request.url.path.removeprefix("/sonarr")
        query = request.url.params
        match request.method, path:
            case "GET", "/api/v3/queue":
                return httpx.Response(200, json=load(f"api/queue_page{query['page']}.json"))
            case "GET", "/api/v3/history/since" | "/api/v3/history/series":
                return httpx.Response(200, json=load("api/history_since.json"))
            case "GET", "/api/v3/series":
                found = load("api/series_lookup.json") if query["tvdbId"] == "412873" else []
                return httpx.Response(200, json=found)
            case "GET", "/api/v3/episode":
                return httpx.Response(200, json=load("api/episodes.json"))
            case "POST", "/api/v3/command":
                body = json.loads(request.content)
                command = {**load("api/command.json"), "name": body["name"], "body": body}
                return httpx.Response(201, json=command)
            case "GET", "/api/v3/command/1021":
                return httpx.Response(200, json={**load("api/command.json"), "status": "completed"})
            case "GET", "/api/v3/system/status":
                return httpx.Response(200, json=load("api/system_status.json"))
        return httpx.Response(404, json={"message": "NotFound"})

    def paths(self) -> list[str]:
        return [request.url.path for request in self.seen]


@pytest.fixture
def fake() -> FakeSonarr:
    return FakeSonarr()


@pytest.fixture
async def sonarr(fake: FakeSonarr) -> AsyncIterator[SonarrClient]:
    transport = httpx.MockTransport(fake)
    async with SonarrClient("http://sonarr.lan:8989/", KEY, transport=transport, page_size=3) as c:
        yield c


async def test_queue_reads_every_page_with_series_and_episode(
    sonarr: SonarrClient, fake: FakeSonarr
) -> None:
    rows = await sonarr.queue()

    assert len(rows) == 7
    assert [request.url.params["page"] for request in fake.seen] == ["1", "2", "3"]
    first = fake.seen[0]
    assert first.headers["X-Api-Key"] == KEY
    assert first.url.params["pageSize"] == "3"
    assert first.url.params["includeSeries"] == "true"
    assert first.url.params["includeEpisode"] == "true"
    assert rows[0].download_id == "46B71E143E7C3FF741B83FEBE6D92670469AD369"
    assert rows[0].series is not None
    assert rows[0].series.tvdb_id == 412873
    assert rows[0].episode is not None
    assert rows[0].episode.episode_number == 1
    assert rows[0].quality is not None
    assert rows[0].quality.name == "WEBDL-1080p"
    assert rows[4].download_id is None  # a delayed release


async def test_queue_stops_when_a_page_comes_back_empty(fake: FakeSonarr) -> None:
    def short(request: httpx.Request) -> httpx.Response:
        fake.seen.append(request)
        return httpx.Response(200, json={"page": 1, "totalRecords": 50, "records": []})

    async with SonarrClient("http://s", KEY, transport=httpx.MockTransport(short)) as client:
        assert await client.queue() == []
    assert len(fake.seen) == 1


async def test_history_since_sends_utc_date_and_returns_oldest_first(
    sonarr: SonarrClient, fake: FakeSonarr
) -> None:
    since = datetime(2025, 1, 21, 8, 0, tzinfo=timezone(timedelta(hours=2)))

    rows = await sonarr.history_since(since, event_type="grabbed")

    params = fake.seen[0].url.params
    assert fake.paths() == ["/api/v3/history/since"]
    assert params["date"] == "2025-01-21T06:00:00Z"
    assert params["eventType"] == "grabbed"
    assert params["includeSeries"] == "true"
    assert [row.id for row in rows] == [9900, 9901, 9902, 9903, 9904]
    assert rows[0].datum("torrentInfoHash") == "46b71e143e7c3ff741b83febe6d92670469ad369"
    assert rows[0].datum("INDEXER") == "HarborTracker (Prowlarr)"


async def test_history_since_needs_an_aware_time(sonarr: SonarrClient) -> None:
    with pytest.raises(ValueError, match="time zone"):
        await sonarr.history_since(datetime(2025, 1, 21))  # noqa: DTZ001


async def test_series_history_asks_for_one_season(sonarr: SonarrClient, fake: FakeSonarr) -> None:
    rows = await sonarr.series_history(42, season=2)

    params = fake.seen[0].url.params
    assert (params["seriesId"], params["seasonNumber"]) == ("42", "2")
    assert "eventType" not in params
    assert len(rows) == 5


async def test_series_lookup_by_tvdb(sonarr: SonarrClient, fake: FakeSonarr) -> None:
    series = await sonarr.series_by_tvdb(412873)

    assert series is not None
    assert (series.id, series.title, series.tmdb_id) == (42, "The Glass Harbor", 203517)
    assert series.seasons is not None
    assert [season.season_number for season in series.seasons] == [1, 2]
    assert await sonarr.series_by_tvdb(1) is None
    assert fake.seen[1].url.params["tvdbId"] == "1"


async def test_episode_counts_per_requested_season(sonarr: SonarrClient, fake: FakeSonarr) -> None:
    now = datetime(2025, 1, 21, tzinfo=UTC)

    counts = await sonarr.episode_counts(42, [1, 2, 5], now=now)

    assert fake.seen[0].url.params["seriesId"] == "42"
    assert counts == {
        1: EpisodeCount(total=8, aired=8, downloaded=3),
        2: EpisodeCount(total=8, aired=6, downloaded=1),
        5: EpisodeCount(),
    }
    everything = await sonarr.episode_counts(42, now=now)
    assert sorted(everything) == [0, 1, 2]


@pytest.mark.parametrize(
    ("call", "body"),
    [
        (lambda c: c.search_series(42), {"name": "SeriesSearch", "seriesId": 42}),
        (
            lambda c: c.search_season(42, 2),
            {"name": "SeasonSearch", "seriesId": 42, "seasonNumber": 2},
        ),
        (lambda c: c.search_episodes([3106]), {"name": "EpisodeSearch", "episodeIds": [3106]}),
    ],
)
async def test_search_commands(
    sonarr: SonarrClient, fake: FakeSonarr, call: Any, body: dict[str, Any]
) -> None:
    command = await call(sonarr)

    [request] = fake.seen
    assert request.method == "POST"
    assert json.loads(request.content) == body
    assert command.id == 1021
    assert command.name == body["name"]
    assert command.status == "queued"


async def test_command_status_and_system_status(sonarr: SonarrClient) -> None:
    assert (await sonarr.command(1021)).status == "completed"
    status = await sonarr.system_status()
    assert (status.app_name, status.version) == ("Sonarr", "4.0.18.2990")


async def test_url_base_is_kept(fake: FakeSonarr) -> None:
    transport = httpx.MockTransport(fake)
    async with SonarrClient("http://nas.lan/sonarr/", KEY, transport=transport) as client:
        await client.system_status()

    assert str(fake.seen[0].url) == "http://nas.lan/sonarr/api/v3/system/status"


async def test_wrong_api_key_is_auth_failed_and_not_retried(fake: FakeSonarr) -> None:
    transport = httpx.MockTransport(fake)
    async with SonarrClient("http://s", "wrong", transport=transport) as client:
        with pytest.raises(AuthFailed):
            await client.queue()

    assert len(fake.seen) == 1


async def test_server_errors_are_retried_until_it_answers(
    sonarr: SonarrClient, fake: FakeSonarr
) -> None:
    fake.fail_with = [httpx.Response(503), httpx.Response(502)]

    series = await sonarr.series_by_tvdb(412873)

    assert series is not None
    assert len(fake.seen) == 3


async def test_rate_limit_is_waited_out(sonarr: SonarrClient, fake: FakeSonarr) -> None:
    fake.fail_with = [httpx.Response(429, headers={"Retry-After": "2"})]

    assert (await sonarr.system_status()).app_name == "Sonarr"
    assert len(fake.seen) == 2


async def test_lasting_server_errors_become_unreachable(
    sonarr: SonarrClient, fake: FakeSonarr
) -> None:
    fake.fail_with = [httpx.Response(500) for _ in range(10)]

    with pytest.raises(Unreachable):
        await sonarr.search_series(42)

    assert len(fake.seen) == 3


async def test_retries_can_be_turned_off(fake: FakeSonarr) -> None:
    fake.fail_with = [httpx.Response(503), httpx.Response(503)]
    transport = httpx.MockTransport(fake)
    policy = RetryPolicy(attempts=1, request_timeout=2.0)

    async with SonarrClient("http://s", KEY, transport=transport, retry=policy) as client:
        with pytest.raises(Unreachable):
            await client.system_status()

    assert len(fake.seen) == 1


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_refused_connection_is_unreachable() -> None:
    async with SonarrClient(f"http://127.0.0.1:{closed_port()}", KEY) as client:
        with pytest.raises(Unreachable):
            await client.queue()


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(httpx.Response(200, json={"records": "nope"}), id="records-not-a-list"),
        pytest.param(httpx.Response(200, content=b"<html>login</html>"), id="not-json"),
        pytest.param(httpx.Response(404, json={"message": "NotFound"}), id="404"),
    ],
)
async def test_unreadable_answers_are_bad_payloads(answer: httpx.Response) -> None:
    transport = httpx.MockTransport(lambda request: answer)

    async with SonarrClient("http://s", KEY, transport=transport) as client:
        with pytest.raises(BadPayload):
            await client.queue()


async def test_command_rejected_by_sonarr_is_a_bad_payload() -> None:
    answer = httpx.Response(400, json=[{"propertyName": "SeriesId", "errorMessage": "bad"}])
    transport = httpx.MockTransport(lambda request: answer)

    async with SonarrClient("http://s", KEY, transport=transport) as client:
        with pytest.raises(BadPayload):
            await client.search_series(0)
