"""QbittorrentClient against a scripted WebUI (httpx.MockTransport): merging, sessions, errors.

The real daemon is exercised in ``test_daemon.py``; this file covers what a 4.5
daemon cannot show: 5.2's login 401 and ``QBT_SID_<port>`` cookie, server errors,
timeouts, and a replay of a recorded session's answers.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from status_tracker.integrations.errors import AuthFailed, BadPayload, Unreachable
from status_tracker.integrations.qbittorrent.client import QbittorrentClient

from .lab import load_fixture

URL = "http://qbt.lan:8080"
A = "aa" * 20
B = "bb" * 20


class FakeWebUI:
    """Just enough of the WebUI API: login, logout and a scripted sync/maindata."""

    def __init__(
        self, answers: list[dict[str, Any]], *, version: str = "4.5", cookie: str = "SID"
    ) -> None:
        self.answers = list(answers)
        self.version = version
        self.cookie = cookie
        self.sessions: set[str] = set()
        self.rids: list[int] = []
        self.calls: list[str] = []

    def expire_sessions(self) -> None:
        self.sessions.clear()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.calls.append(path)
        if path.endswith("/auth/login"):
            form = parse_qs(request.content.decode())
            if form != {"username": ["admin"], "password": ["secret"]}:
                if self.version == "5.2":
                    return httpx.Response(401, text="Unauthorized")
                return httpx.Response(200, text="Fails.")
            session = f"s{len(self.sessions) + len(self.calls)}"
            self.sessions.add(session)
            return httpx.Response(
                200,
                text="Ok.",
                headers={"set-cookie": f"{self.cookie}={session}; HttpOnly; path=/"},
            )
        if request.headers.get("cookie", "").partition("=")[2] not in self.sessions:
            return httpx.Response(403, text="Forbidden")
        if path.endswith("/auth/logout"):
            return httpx.Response(200)
        if path.endswith("/sync/maindata"):
            self.rids.append(int(request.url.params["rid"]))
            return httpx.Response(200, json=self.answers.pop(0))
        return httpx.Response(404, text="Not Found")


def client_for(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any
) -> QbittorrentClient:
    options: dict[str, Any] = {"username": "admin", "password": "secret"} | kwargs
    return QbittorrentClient(URL, transport=httpx.MockTransport(handler), **options)


async def test_replayed_session_merges_partial_deltas_with_incremental_rid() -> None:
    answers = load_fixture("maindata_4.5.2_download.json")
    fake = FakeWebUI(copy.deepcopy(answers))
    async with client_for(fake) as client:
        results = [await client.maindata() for _ in answers]

    assert fake.rids == [0] + [answer["rid"] for answer in answers[:-1]]
    assert fake.calls.count("/api/v2/sync/maindata") == len(answers)
    movie_id = next(h for h, t in answers[0]["torrents"].items() if t["name"].startswith("Some"))
    progress = [r.torrents[movie_id].progress for r in results]
    assert progress == sorted(progress)
    assert progress[0] == 0
    assert progress[-1] == 1
    movie = results[-1].torrents[movie_id]
    assert movie.name == "Some.Movie.2021.1080p.mkv"  # only in the first, full answer
    assert movie.state == "stalledUP"
    assert movie.completed == movie.size > 0
    last_speed = next(
        a["torrents"][movie_id]["dlspeed"]
        for a in reversed(answers)
        if "dlspeed" in a.get("torrents", {}).get(movie_id, {})
    )
    assert movie.dlspeed == last_speed


async def test_torrents_removed_leave_the_map() -> None:
    answers = load_fixture("maindata_4.5.2_download.json")
    [gone] = answers[-1]["torrents_removed"]
    async with client_for(FakeWebUI(copy.deepcopy(answers))) as client:
        results = [await client.maindata() for _ in answers]

    assert gone in results[0].torrents
    assert gone not in results[-1].torrents
    assert results[-1].removed == {gone}
    assert len(results[-1].torrents) == len(results[0].torrents) - 1


async def test_full_update_starts_over() -> None:
    answers = [
        {
            "rid": 1,
            "full_update": True,
            "torrents": {
                A: {"name": "a", "state": "downloading"},
                B: {"name": "b", "state": "pausedDL"},
            },
        },
        {"rid": 2, "torrents": {A: {"progress": 0.5}}},
        {"rid": 3, "full_update": True, "torrents": {B: {"name": "b", "state": "stoppedDL"}}},
    ]
    async with client_for(FakeWebUI(answers)) as client:
        first = await client.maindata()
        second = await client.maindata()
        third = await client.maindata()

    assert (first.full_update, first.changed, first.removed) == (True, {A, B}, set())
    assert (second.full_update, second.changed) == (False, {A})
    assert second.torrents[A].progress == 0.5
    assert second.torrents[A].name == "a"
    assert second.torrents[B] == first.torrents[B]
    assert set(third.torrents) == {B}
    assert third.removed == {A}
    assert third.torrents[B].state == "stoppedDL"


async def test_upper_case_ids_are_lower_cased() -> None:
    answers = [{"rid": 1, "full_update": True, "torrents": {A.upper(): {"state": "metaDL"}}}]
    async with client_for(FakeWebUI(answers)) as client:
        result = await client.maindata()

    assert list(result.torrents) == [A]
    assert result.torrents[A].hash == A


async def test_nothing_changed_answer_keeps_the_map() -> None:
    answers = [
        {"rid": 1, "full_update": True, "torrents": {A: {"state": "downloading"}}},
        {"rid": 2},
    ]
    async with client_for(FakeWebUI(answers)) as client:
        await client.maindata()
        result = await client.maindata()

    assert set(result.torrents) == {A}
    assert (result.changed, result.removed) == (frozenset(), frozenset())


async def test_qbittorrent_52_session_cookie_name_is_carried() -> None:
    fake = FakeWebUI([{"rid": 1, "full_update": True}], version="5.2", cookie="QBT_SID_8080")
    async with client_for(fake) as client:
        result = await client.maindata()

    assert result.rid == 1


@pytest.mark.parametrize("version", ["4.5", "5.2"])
async def test_wrong_password_is_auth_failed(version: str) -> None:
    fake = FakeWebUI([], version=version)
    async with client_for(fake, password="wrong") as client:
        with pytest.raises(AuthFailed, match="refused the login"):
            await client.maindata()

    assert "/api/v2/sync/maindata" not in fake.calls


async def test_expired_session_logs_in_again_and_restarts_from_rid_0() -> None:
    answers = [
        {"rid": 1, "full_update": True, "torrents": {A: {"state": "downloading"}}},
        {"rid": 1, "full_update": True, "torrents": {A: {"state": "stalledDL"}}},
    ]
    fake = FakeWebUI(answers)
    async with client_for(fake) as client:
        await client.maindata()
        fake.expire_sessions()
        result = await client.maindata()

    assert fake.calls.count("/api/v2/auth/login") == 2
    assert fake.rids == [0, 0]
    assert result.torrents[A].state == "stalledDL"


async def test_still_forbidden_after_a_new_login_is_auth_failed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/login"):
            return httpx.Response(200, text="Ok.", headers={"set-cookie": "SID=x; path=/"})
        return httpx.Response(403, text="Forbidden")

    async with client_for(handler) as client:
        with pytest.raises(AuthFailed, match="still forbidden"):
            await client.maindata()


async def test_without_username_no_login_is_attempted() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(200, json={"rid": 7, "full_update": True, "torrents": {}})

    async with client_for(handler, username=None, password=None) as client:
        result = await client.maindata()

    assert result.rid == 7
    assert calls == ["/api/v2/sync/maindata"]


async def test_without_username_a_403_asks_for_credentials() -> None:
    async with client_for(lambda _: httpx.Response(403), username=None) as client:
        with pytest.raises(AuthFailed, match="set the username and password"):
            await client.maindata()


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectTimeout("timed out"),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("refused"),
    ],
)
async def test_network_failures_are_unreachable(failure: httpx.TransportError) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise failure

    async with client_for(handler) as client:
        with pytest.raises(Unreachable):
            await client.maindata()


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_unreachable(status: int) -> None:
    async with client_for(lambda _: httpx.Response(status), username=None) as client:
        with pytest.raises(Unreachable):
            await client.maindata()


async def test_wrong_url_is_unreachable() -> None:
    async with client_for(lambda _: httpx.Response(404, text="Not Found")) as client:
        with pytest.raises(Unreachable, match="WebUI URL"):
            await client.maindata()


@pytest.mark.parametrize("body", [b"<html>", b"[1, 2]", b'{"torrents": {}}'])
async def test_unreadable_answer_is_bad_payload(body: bytes) -> None:
    async with client_for(lambda _: httpx.Response(200, content=body), username=None) as client:
        with pytest.raises(BadPayload):
            await client.maindata()


async def test_url_with_a_base_path_is_kept() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"rid": 1})

    transport = httpx.MockTransport(handler)
    async with QbittorrentClient("http://nas.lan/qbittorrent/", transport=transport) as client:
        await client.maindata()

    assert seen == ["/qbittorrent/api/v2/sync/maindata"]


@pytest.mark.parametrize("body", [{"hash": A}, "Ok."])
async def test_torrents_answer_not_a_list_is_bad_payload(body: object) -> None:
    async with client_for(lambda _: httpx.Response(200, json=body), username=None) as client:
        with pytest.raises(BadPayload):
            await client.torrents([A])


async def test_torrents_for_no_ids_makes_no_call() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json=[])

    async with client_for(handler, username=None) as client:
        assert await client.torrents([]) == {}

    assert calls == []


async def test_close_logs_out() -> None:
    fake = FakeWebUI([{"rid": 1, "full_update": True}])
    client = client_for(fake)
    await client.maindata()
    await client.close()

    assert fake.calls[-1] == "/api/v2/auth/logout"
