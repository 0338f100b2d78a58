"""JellyseerrClient against a fake Jellyseerr at the transport layer (and one refused port)."""

from __future__ import annotations

import copy
import socket
from typing import Any

import httpx
import pytest

from status_tracker.integrations.errors import AuthFailed, BadPayload, Unreachable
from status_tracker.integrations.jellyseerr.client import JellyseerrClient

from ._samples import load

KEY = "c2VjcmV0LWtleQ=="


def record(request_id: int) -> dict[str, Any]:
    """The recorded request shape with its own id and tmdb id."""
    item: dict[str, Any] = copy.deepcopy(load("api_request_list_example.json")["results"][0])
    item["id"] = request_id
    item["media"]["tmdbId"] = 1000 + request_id
    return item


class FakeJellyseerr:
    """Serves ``/api/v1/request`` from a list, honouring take/skip like Jellyseerr does."""

    def __init__(self, items: list[dict[str, Any]], *, page_info: bool = True) -> None:
        self.items = items
        self.page_info = page_info
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if request.headers.get("X-Api-Key") != KEY:
            return httpx.Response(403, json={"message": "You do not have permission"})
        if request.url.path == "/api/v1/status":
            return httpx.Response(200, json={"version": "2.7.3", "commitTag": "v2.7.3"})
        if request.url.path.startswith("/api/v1/request/"):
            wanted = int(request.url.path.rsplit("/", 1)[1])
            for item in self.items:
                if item["id"] == wanted:
                    return httpx.Response(200, json=item)
            return httpx.Response(404, json={"message": "Request not found."})
        assert request.url.path == "/api/v1/request"
        take = int(request.url.params["take"])
        skip = int(request.url.params["skip"])
        body: dict[str, Any] = {"results": self.items[skip : skip + take], "serviceErrors": {}}
        if self.page_info:
            body["pageInfo"] = {
                "pages": -(-len(self.items) // take),
                "pageSize": take,
                "results": len(self.items),
                "page": -(-skip // take) + 1,
            }
        return httpx.Response(200, json=body)


def client_for(handler: Any, url: str = "http://jellyseerr:5055") -> JellyseerrClient:
    return JellyseerrClient(url, KEY, transport=httpx.MockTransport(handler))


async def test_requests_reads_the_recorded_page_with_the_api_key() -> None:
    served = load("api_request_list_example.json")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=served)

    async with client_for(handler) as client:
        [item] = await client.requests(take=10)
    assert item.id == 14
    assert item.status == 2
    assert item.type == "tv"
    assert item.media is not None
    assert (item.media.tmdb_id, item.media.tvdb_id, item.media.status) == (209867, 424536, 3)
    assert item.media.external_service_id == 112
    assert item.requested_by is not None
    assert item.requested_by.display_name == "alice"
    assert [s.season_number for s in item.seasons] == [1]
    [request] = seen
    assert request.headers["X-Api-Key"] == KEY
    assert request.url.path == "/api/v1/request"
    assert dict(request.url.params) == {"take": "10", "skip": "0", "filter": "all", "sort": "added"}


async def test_requests_pages_until_the_last_page() -> None:
    fake = FakeJellyseerr([record(i) for i in range(1, 6)])
    async with client_for(fake) as client:
        items = await client.requests(take=2, filter="processing")
    assert [item.id for item in items] == [1, 2, 3, 4, 5]
    assert [r.url.params["skip"] for r in fake.seen] == ["0", "2", "4"]
    assert {r.url.params["filter"] for r in fake.seen} == {"processing"}


async def test_requests_without_page_info_stop_on_a_short_page() -> None:
    fake = FakeJellyseerr([record(i) for i in range(1, 5)], page_info=False)
    async with client_for(fake) as client:
        items = await client.requests(take=2)
    assert [item.id for item in items] == [1, 2, 3, 4]
    assert [r.url.params["skip"] for r in fake.seen] == ["0", "2", "4"]


async def test_requests_of_an_empty_list() -> None:
    fake = FakeJellyseerr([])
    async with client_for(fake) as client:
        assert await client.requests() == []
    assert len(fake.seen) == 1


async def test_a_request_seen_twice_while_paging_is_returned_once() -> None:
    fake = FakeJellyseerr([record(1), record(2), record(2), record(3)])
    async with client_for(fake) as client:
        items = await client.requests(take=2)
    assert [item.id for item in items] == [1, 2, 3]


async def test_requests_stops_after_max_pages(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeJellyseerr([record(i) for i in range(1, 11)])
    async with client_for(fake) as client:
        items = await client.requests(take=2, max_pages=3)
    assert [item.id for item in items] == [1, 2, 3, 4, 5, 6]
    assert len(fake.seen) == 3
    assert "longer than 3 pages" in caplog.text


async def test_requests_rejects_bad_arguments() -> None:
    fake = FakeJellyseerr([])
    async with client_for(fake) as client:
        with pytest.raises(ValueError, match="take"):
            await client.requests(take=0)
        with pytest.raises(ValueError, match="filter"):
            await client.requests(filter="everything")
    assert fake.seen == []


async def test_base_url_with_a_path_prefix() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"version": "2.7.3"})

    async with client_for(handler, "https://example.test/jellyseerr/") as client:
        status = await client.status()
    assert status.version == "2.7.3"
    assert seen == ["/jellyseerr/api/v1/status"]


async def test_status() -> None:
    async with client_for(FakeJellyseerr([])) as client:
        status = await client.status()
    assert (status.version, status.commit_tag, status.update_available) == (
        "2.7.3",
        "v2.7.3",
        False,
    )


async def test_single_request_and_a_missing_one() -> None:
    async with client_for(FakeJellyseerr([record(8)])) as client:
        found = await client.request(8)
        missing = await client.request(9)
    assert found is not None
    assert found.id == 8
    assert missing is None


@pytest.mark.parametrize("code", [401, 403])
async def test_refused_key_is_auth_failed(code: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(code, json={"message": "Unauthorized"})

    async with client_for(handler) as client:
        with pytest.raises(AuthFailed):
            await client.requests()
        with pytest.raises(AuthFailed):
            await client.request(1)


async def test_wrong_key_against_the_fake_is_auth_failed() -> None:
    fake = FakeJellyseerr([record(1)])
    transport = httpx.MockTransport(fake)
    async with JellyseerrClient("http://jellyseerr:5055", "wrong", transport=transport) as client:
        with pytest.raises(AuthFailed):
            await client.requests()


async def test_server_error_is_unreachable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="Bad Gateway")

    async with client_for(handler) as client:
        with pytest.raises(Unreachable):
            await client.requests()


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>login</html>"),
        httpx.Response(200, json=["not", "a", "page"]),
        httpx.Response(200, json={"pageInfo": {}, "results": "none"}),
        httpx.Response(404, json={"message": "Not found"}),
    ],
    ids=["html", "list", "results-not-list", "404"],
)
async def test_unreadable_list_is_bad_payload(response: httpx.Response) -> None:
    async with client_for(lambda request: response) as client:
        with pytest.raises(BadPayload):
            await client.requests()


async def test_unreadable_single_request_is_bad_payload() -> None:
    async with client_for(lambda request: httpx.Response(200, text="nope")) as client:
        with pytest.raises(BadPayload, match="not JSON"):
            await client.request(3)
    async with client_for(lambda request: httpx.Response(400, json={})) as client:
        with pytest.raises(BadPayload, match="HTTP 400"):
            await client.request(3)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_refused_port_is_unreachable() -> None:
    async with JellyseerrClient(f"http://127.0.0.1:{free_port()}", KEY) as client:
        with pytest.raises(Unreachable):
            await client.requests()
        with pytest.raises(Unreachable):
            await client.status()
