"""Anime through the real server: Jellyseerr → Sonarr import → Shoko recognises the file.

Sonarr sees the library at ``/anime``; Shoko at ``/data/anime`` (its import
folder 1, as the SignalR double lists it), so files meet on their path tail
or through ``TRACKER_PATH_MAPPINGS``. Shoko events arrive either as
``POST /hooks/shoko`` or over a real SignalR connection to the test double.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from status_tracker.config import Settings
from status_tracker.demo import anime as demo
from status_tracker.demo.payloads import jellyseerr
from tests.integrations.shoko._samples import payload as shoko_payload
from tests.integrations.shoko._signalr_double import RS, SignalRDouble
from tests.integrations.sonarr._samples import load as sonarr_fixture
from tests.integrations.sonarr._samples import vary
from tests.support import Running, fixture

GUARD = 10.0
"""Upper bound on any wait: a broken flow fails the test instead of hanging it."""

SHOKO_FOLDER = "/data/anime/"


@dataclass(frozen=True)
class Show:
    """One requested anime series and the one episode file it gets."""

    title: str
    request_id: int
    tvdb: int
    imdb: str
    download: str
    file_id: int
    file_name: str = "Episode 01 [WEBDL-1080p].mkv"
    folder: str = "Season 01/"

    @property
    def relative(self) -> str:
        """The file below the library root (what Shoko reports)."""
        return f"{self.title}/{self.folder}{self.file_name}"

    @property
    def sonarr_path(self) -> str:
        return f"/anime/{self.relative}"


COURIER = Show("Hoshizora Courier", 31, 428391, "tt21456780", "96DD097BCC549812B7" + "0" * 22, 5101)
COURIER_II = Show(
    "Hoshizora Courier II", 32, 428392, "tt21456781", "A1B2C3D4E5F607" + "1" * 26, 5102
)
STRANGER = Show("Nobody Asked", 33, 428393, "tt21456782", "FEEDFACE" + "2" * 32, 5103)


def approved(show: Show) -> dict[str, Any]:
    body = copy.deepcopy(fixture("jellyseerr/media_approved_tv"))
    body["subject"] = f"{show.title} (2024)"
    body["media"].update(tmdbId=str(show.tvdb + 1000), tvdbId=str(show.tvdb))
    body["request"]["request_id"] = str(show.request_id)
    body["extra"] = [{"name": "Requested Seasons", "value": "1"}]
    return body


def sonarr(event: str, show: Show) -> dict[str, Any]:
    """Sonarr's Grab or Download (import) webhook for the show's first episode."""
    body = vary(
        sonarr_fixture(f"{event}_anime.json"),
        series_id=show.request_id,
        tvdb_id=show.tvdb,
        tmdb_id=show.tvdb + 1000,
        title=show.title,
        download_id=show.download,
    )
    body["series"].update(imdbId=show.imdb, path=f"/anime/{show.title}")
    body["episodes"][0].update(id=show.request_id * 100 + 1, seasonNumber=1, episodeNumber=1)
    if "episodeFile" in body:
        body["episodeFile"].update(
            id=show.request_id * 100 + 1,
            path=show.sonarr_path,
            relativePath=f"{show.folder}{show.file_name}",
        )
    return body


def shoko_event(name: str, show: Show, **fields: Any) -> dict[str, Any]:
    """A recorded Shoko v5 argument, about this show's file."""
    argument = shoko_payload(name)
    argument.update(FileID=show.file_id, ImportFolderID=1, RelativePath=show.relative, **fields)
    return argument


def shoko_hook(event: str, argument: dict[str, Any], path: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"event": event, "payload": argument}
    if path is not None:
        body["path"] = path
    return body


class Stack:
    """Posts webhooks to a running server and reads its requests back."""

    def __init__(self, running: Running) -> None:
        self.running = running
        self.client = running.client()
        self.sent = 0

    def post(self, source: str, body: dict[str, Any]) -> None:
        response = self.client.post(f"/hooks/{source}", json=body)
        assert response.status_code == 202, response.text
        self.sent += 1

    def settle(self) -> None:
        self.running.wait_processed(self.sent)

    def imported(self, show: Show) -> None:
        """The show is requested, approved, grabbed and its file imported by Sonarr."""
        self.post("jellyseerr", approved(show))
        self.post("sonarr", sonarr("grab", show))
        self.post("sonarr", sonarr("download", show))

    def request(self, show: Show) -> dict[str, Any]:
        self.settle()
        return find(self.client.get("/api/requests", params={"scope": "all"}).json(), show)

    def timeline(self, show: Show) -> list[dict[str, Any]]:
        request = self.request(show)
        entries: list[dict[str, Any]] = self.client.get(
            f"/api/requests/{request['id']}/timeline"
        ).json()["items"]
        return entries


def find(page: dict[str, Any], show: Show) -> dict[str, Any]:
    [request] = [r for r in page["items"] if r["jellyseerr_request_id"] == show.request_id]
    return request


@pytest.fixture
def stack(running: Running) -> Iterator[Stack]:
    feeder = Stack(running)
    yield feeder
    feeder.client.close()


def inbox(running: Running) -> list[tuple[str, str | None]]:
    path = running.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT source, error FROM inbox ORDER BY id").fetchall()
    return [(source, error) for source, error in rows]


# --- /hooks/shoko ------------------------------------------------------------------------------


def test_a_matched_file_moves_its_request_to_matching(stack: Stack) -> None:
    stack.imported(COURIER)
    before = stack.request(COURIER)
    assert (before["state"], before["is_anime"]) == ("importing", False)

    matched = shoko_event("v5_file_matched", COURIER)
    stack.post("shoko", shoko_hook("FileMatched", matched, SHOKO_FOLDER + COURIER.relative))

    after = stack.request(COURIER)
    assert (after["state"], after["state_label"], after["is_anime"]) == (
        "anime_indexing",
        "Matching",
        True,
    )
    entry = stack.timeline(COURIER)[-1]
    assert (entry["state"], entry["source"]) == ("anime_indexing", "shoko")

    stack.post("shoko", shoko_hook("FileDeleted", {"FileID": COURIER.file_id}))
    assert stack.timeline(COURIER)[-1]["message"] == "Shoko no longer sees the file"


def test_a_bridged_event_without_the_import_folder_matches_on_the_path_tail(stack: Stack) -> None:
    stack.imported(COURIER)
    stack.post("shoko", shoko_hook("FileMatched", shoko_event("v5_file_matched", COURIER)))
    assert stack.request(COURIER)["state"] == "anime_indexing"


def test_two_similar_anime_with_same_named_files_are_never_confused(stack: Stack) -> None:
    assert COURIER.file_name == COURIER_II.file_name
    stack.imported(COURIER)
    stack.imported(COURIER_II)

    second = shoko_event("v5_file_matched", COURIER_II)
    first = shoko_event("v5_file_not_matched", COURIER)
    stack.post("shoko", shoko_hook("FileMatched", second, SHOKO_FOLDER + COURIER_II.relative))
    stack.post("shoko", shoko_hook("FileNotMatched", first, SHOKO_FOLDER + COURIER.relative))

    one, two = stack.request(COURIER), stack.request(COURIER_II)
    assert (two["state"], two["is_anime"], two["error"]) == ("anime_indexing", True, None)
    assert (one["state"], one["is_anime"]) == ("importing", False)
    assert one["error"] == "Shoko could not identify the file (AniDB does not know it yet)"
    assert not [e for e in stack.timeline(COURIER_II) if e["message"] == one["error"]]

    retried = shoko_event("v5_file_matched", COURIER)
    stack.post("shoko", shoko_hook("FileMatched", retried, SHOKO_FOLDER + COURIER.relative))
    one, two = stack.request(COURIER), stack.request(COURIER_II)
    assert (one["state"], one["is_anime"], one["error"]) == ("anime_indexing", True, None)
    assert one["id"] != two["id"]

    stack.post("shoko", shoko_hook("FileDeleted", {"FileID": COURIER_II.file_id}))
    gone = "Shoko no longer sees the file"
    assert stack.timeline(COURIER_II)[-1]["message"] == gone
    assert gone not in [entry["message"] for entry in stack.timeline(COURIER)]


@pytest.mark.parametrize(
    ("fixture_name", "fields", "state", "error"),
    [
        (
            "v5_file_not_matched",
            {},
            "importing",
            "Shoko could not identify the file (AniDB does not know it yet)",
        ),
        ("v5_file_not_matched_already_linked", {}, "anime_indexing", None),
        ("v5_file_not_matched", {"IsUDPBanned": True}, "importing", None),
    ],
    ids=["real-miss", "already-linked", "anidb-busy"],
)
def test_file_not_matched_is_a_problem_only_when_it_is_a_real_miss(
    stack: Stack, fixture_name: str, fields: dict[str, Any], state: str, error: str | None
) -> None:
    stack.imported(COURIER)
    argument = shoko_event(fixture_name, COURIER, **fields)
    stack.post("shoko", shoko_hook("FileNotMatched", argument, SHOKO_FOLDER + COURIER.relative))
    request = stack.request(COURIER)
    assert (request["state"], request["error"]) == (state, error)
    assert stack.timeline(COURIER)[-1]["source"] == "shoko"


@pytest.mark.parametrize("mapped", [True, False], ids=["mapped", "unmapped"])
def test_path_mappings_join_paths_that_share_no_tail(
    start: Callable[..., Running], make_settings: Callable[..., Settings], mapped: bool
) -> None:
    """Without a season folder the path tails keep the mount point; only a mapping helps."""
    running = start(make_settings(path_mappings="/mnt/pool/library=/anime" if mapped else None))
    show = Show("Koi to Yobu", 40, 510001, "tt5100001", "C0FFEE" * 6 + "C0FE", 5200, folder="")
    stack = Stack(running)
    stack.imported(show)
    argument = shoko_event("v5_file_matched", show)
    stack.post("shoko", shoko_hook("FileMatched", argument, f"/mnt/pool/library/{show.relative}"))
    request = stack.request(show)
    stack.client.close()
    assert (request["state"], request["is_anime"]) == (
        ("anime_indexing", True) if mapped else ("importing", False)
    )


# --- the SignalR listener ----------------------------------------------------------------------


@pytest.fixture
async def hub() -> AsyncIterator[SignalRDouble]:
    double = SignalRDouble()
    await double.start()
    yield double
    await double.stop()


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll ``check`` until it holds; fail after GUARD seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + GUARD
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.02)


class Api:
    """The running server, used asynchronously (the SignalR double shares this event loop)."""

    def __init__(self, running: Running) -> None:
        self.client = httpx.AsyncClient(base_url=running.base_url, timeout=GUARD)

    async def imported(self, show: Show) -> None:
        for source, body in (
            ("jellyseerr", approved(show)),
            ("sonarr", sonarr("grab", show)),
            ("sonarr", sonarr("download", show)),
        ):
            response = await self.client.post(f"/hooks/{source}", json=body)
            assert response.status_code == 202, response.text
        await until(lambda: self.in_state(show, "importing"), f"{show.title} is importing")

    async def in_state(self, show: Show, state: str) -> bool:
        page = (await self.client.get("/api/requests", params={"scope": "all"})).json()
        found = [r for r in page["items"] if r["jellyseerr_request_id"] == show.request_id]
        return bool(found) and found[0]["state"] == state

    async def shoko(self) -> dict[str, Any]:
        health: dict[str, Any] = (await self.client.get("/api/health")).json()
        return dict(health["integrations"]["shoko"])

    async def shoko_is(self, status: str) -> bool:
        return (await self.shoko())["status"] == status


@pytest.fixture
async def listening(
    start: Callable[..., Running], make_settings: Callable[..., Settings], hub: SignalRDouble
) -> AsyncIterator[tuple[Running, Api]]:
    """A server connected to the hub with the right key."""
    running = start(make_settings(shoko_url=hub.url, shoko_api_key=hub.api_key))
    api = Api(running)
    yield running, api
    await api.client.aclose()


async def test_listener_moves_a_request_to_matching(
    listening: tuple[Running, Api], hub: SignalRDouble
) -> None:
    running, api = listening
    connection = await hub.next_connection()
    await until(lambda: api.shoko_is("ok"), "Shoko is healthy")
    await api.imported(COURIER)

    await hub.invoke(connection, "ShokoEvent:FileMatched", shoko_event("v5_file_matched", COURIER))

    await until(lambda: api.in_state(COURIER, "anime_indexing"), "the file is matched")
    assert inbox(running)[-1] == ("shoko", None)


async def test_listener_carries_on_after_a_shoko_restart(
    listening: tuple[Running, Api], hub: SignalRDouble
) -> None:
    _, api = listening
    first = await hub.next_connection()
    await api.imported(COURIER)
    await api.imported(COURIER_II)
    await hub.invoke(first, "ShokoEvent:FileMatched", shoko_event("v5_file_matched", COURIER))
    await until(lambda: api.in_state(COURIER, "anime_indexing"), "the first file is matched")

    await hub.stop()
    await hub.start()
    second = await hub.next_connection()
    await hub.invoke(second, "ShokoEvent:FileMatched", shoko_event("v5_file_matched", COURIER_II))

    await until(lambda: api.in_state(COURIER_II, "anime_indexing"), "the second file is matched")
    await until(lambda: api.shoko_is("ok"), "Shoko is healthy again")
    assert hub.negotiations == 2


async def test_a_refused_key_shows_auth_failed_and_stops(
    start: Callable[..., Running], make_settings: Callable[..., Settings]
) -> None:
    double = SignalRDouble(requires_key=frozenset({"negotiate"}))
    await double.start()
    running = start(make_settings(shoko_url=double.url, shoko_api_key="wrong-key"))
    api = Api(running)
    try:
        await until(lambda: api.shoko_is("auth_failed"), "Shoko shows auth_failed")
        assert "401" in (await api.shoko())["last_error"]
        assert double.negotiations == 1
    finally:
        await api.client.aclose()
        await double.stop()


async def test_malformed_messages_are_recorded_and_the_listener_goes_on(
    listening: tuple[Running, Api], hub: SignalRDouble, caplog: pytest.LogCaptureFixture
) -> None:
    running, api = listening
    connection = await hub.next_connection()
    await api.imported(COURIER)

    await hub.send_raw(connection, "this is not json" + RS)
    await hub.invoke(connection, "ShokoEvent:FileMatched", "not an object")
    await hub.invoke(connection, "ShokoEvent:FileMatched", shoko_event("v5_file_matched", STRANGER))
    await hub.invoke(connection, "ShokoEvent:FileMatched", shoko_event("v5_file_matched", COURIER))

    await until(lambda: api.in_state(COURIER, "anime_indexing"), "the good event is applied")
    assert hub.negotiations == 1
    shoko_rows = [row for row in inbox(running) if row[0] == "shoko"]
    assert shoko_rows == [
        ("shoko", "ignored: 1 event(s) match no tracked request"),
        ("shoko", None),
    ]
    messages = [
        record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING
    ]
    assert any("unreadable SignalR message" in text for text in messages)
    assert any("argument is not an object" in text for text in messages)


# --- the demo's anime story --------------------------------------------------------------------


@pytest.mark.parametrize("round_no", [0, 3])
def test_the_demo_anime_story_goes_through_matching_to_watch_now(
    stack: Stack, round_no: int
) -> None:
    approved_body = jellyseerr(
        "MEDIA_AUTO_APPROVED",
        title=demo.TITLE,
        year=demo.YEAR,
        media_type="tv",
        tmdb_id=219864 + round_no * 1000,
        tvdb_id=428391 + round_no * 1000,
        request_id=700 + round_no,
        user="dave",
        seasons="1",
    )
    show = Show(demo.TITLE, 700 + round_no, 0, "", "", 0)
    steps = [
        ("jellyseerr", approved_body, "searching"),
        ("sonarr", demo.sonarr_grab(round_no), "indexed"),
        ("sonarr", demo.sonarr_download(round_no), "importing"),
        ("shoko", demo.shoko_file_matched(round_no), "anime_indexing"),
        ("jellyfin", demo.jellyfin_series_added(round_no), "available"),
    ]
    for source, body, state in steps:
        stack.post(source, body)
        assert stack.request(show)["state"] == state, source
    request = stack.request(show)
    assert request["is_anime"] is True
    assert request["watch_url"] == (
        f"{demo.JELLYFIN}/web/#/details?id=7c2d9e8f1a0b4c3d8e7f6a5b{round_no:08x}"
        f"&serverId={demo.SERVER_ID}"
    )
