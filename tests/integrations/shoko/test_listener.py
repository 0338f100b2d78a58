"""The Shoko listener against a real SignalR hub on 127.0.0.1, alone and under ``supervise``."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from status_tracker.core.events import Matched
from status_tracker.core.model import Key, KeyKind
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import AuthFailed, Unreachable
from status_tracker.integrations.shoko.listener import ShokoListener
from status_tracker.integrations.shoko.translate import translate
from status_tracker.runtime.supervise import supervise

from ._samples import load, payload
from ._signalr_double import RS, SignalRDouble

GUARD = 10.0
"""Upper bound on any wait, so a broken listener fails the test instead of hanging it."""

Received = asyncio.Queue[tuple[str, dict[str, Any]]]


class Health:
    """Records what a loop reports, in order."""

    def __init__(self) -> None:
        self.reports: list[tuple[str, str]] = []

    def ok(self) -> None:
        self.reports.append(("ok", ""))

    def failed(self, status: str, message: str) -> None:
        self.reports.append((status, message))


@pytest.fixture
async def hub() -> AsyncIterator[SignalRDouble]:
    double = SignalRDouble()
    await double.start()
    yield double
    await double.stop()


def collector() -> tuple[Received, Callable[[str, dict[str, Any]], Awaitable[None]]]:
    received: Received = asyncio.Queue()

    async def on_event(target: str, body: dict[str, Any]) -> None:
        await received.put((target, body))

    return received, on_event


async def next_event(received: Received) -> tuple[str, dict[str, Any]]:
    return await asyncio.wait_for(received.get(), GUARD)


async def finish(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_events_reach_on_event_with_absolute_paths(hub: SignalRDouble) -> None:
    received, on_event = collector()
    listener = ShokoListener(hub.url, hub.api_key, on_event)
    task = asyncio.create_task(listener.run_once())
    connection = await hub.next_connection()

    frame = load("v5_file_matched")
    await hub.invoke(connection, frame["target"], *frame["arguments"])
    moved = load("v5_file_moved")
    await hub.invoke(connection, moved["target"], *moved["arguments"])

    target, body = await next_event(received)
    assert target == "ShokoEvent:FileMatched"
    relative = payload("v5_file_matched")["RelativePath"]
    assert body == {
        "event": "FileMatched",
        "payload": payload("v5_file_matched"),
        "path": f"/data/anime/{relative}",
    }
    assert translate(body, TranslateContext()) == [
        Matched(
            source="shoko",
            keys=(Key(KeyKind.PATH, f"/data/anime/{relative}"), Key(KeyKind.SHOKO_FILE, "4821")),
            file_id="4821",
            path=f"/data/anime/{relative}",
        )
    ]
    target, body = await next_event(received)
    assert target == "ShokoEvent:FileMoved"
    assert body["previous_path"] == "/data/downloads/anime/Frieren S01E05 [1080p].mkv"

    assert hub.handshakes == [{"protocol": "json", "version": 1}]
    assert hub.negotiate_queries == ["feeds=shoko"]
    await finish(task)


async def test_several_messages_in_one_frame_pings_and_untracked_events(hub: SignalRDouble) -> None:
    received, on_event = collector()
    task = asyncio.create_task(ShokoListener(hub.url, hub.api_key, on_event).run_once())
    connection = await hub.next_connection()
    frames = [
        '{"type":6}',
        '{"type":1,"target":"ShokoEvent:OnConnected","arguments":[null]}',
        '{"type":1,"target":"ShokoEvent:FileHashed","arguments":[{"FileID":7}]}',
        '{"type":1,"target":"ShokoEvent:SeriesUpdated","arguments":[{"SeriesID":1}]}',
        '{"type":1,"target":"ShokoEvent:FileMatched","arguments":[{"FileID":7}]}',
        '{"type":6}',
        '{"type":1,"target":"ShokoEvent:FileDeleted","arguments":[{"FileID":8}]}',
    ]
    await hub.send_raw(connection, RS.join(frames) + RS)

    assert await next_event(received) == (
        "ShokoEvent:FileMatched",
        {"event": "FileMatched", "payload": {"FileID": 7}},
    )
    assert await next_event(received) == (
        "ShokoEvent:FileDeleted",
        {"event": "FileDeleted", "payload": {"FileID": 8}},
    )
    assert received.empty()
    await finish(task)


async def test_malformed_messages_are_logged_and_the_connection_goes_on(
    hub: SignalRDouble, caplog: pytest.LogCaptureFixture
) -> None:
    received, on_event = collector()
    calls = 0

    async def flaky(target: str, body: dict[str, Any]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ValueError("handler bug")
        await on_event(target, body)

    task = asyncio.create_task(ShokoListener(hub.url, hub.api_key, flaky).run_once())
    connection = await hub.next_connection()
    await hub.send_raw(connection, "this is not json" + RS)
    await hub.send_raw(connection, '{"type":1,"target":"ShokoEvent:FileMatched"}' + RS)
    await hub.send_raw(connection, '{"type":8,"sequenceId":1}' + RS)
    await hub.invoke(connection, "ShokoEvent:FileMatched", "not an object")
    await hub.invoke(connection, "ShokoEvent:FileMatched", payload("v5_file_matched"))  # raises
    await hub.invoke(connection, "ShokoEvent:FileDeleted", payload("v5_file_deleted"))

    target, body = await next_event(received)
    assert target == "ShokoEvent:FileDeleted"
    assert body["payload"] == payload("v5_file_deleted")
    assert not task.done()
    messages = [record.getMessage() for record in caplog.records]
    assert sum("unreadable SignalR message" in text for text in messages) == 3
    assert any("argument is not an object" in text for text in messages)
    assert any("handling ShokoEvent:FileMatched failed" in text for text in messages)
    await finish(task)


async def test_connection_closed_by_server_ends_run_once(hub: SignalRDouble) -> None:
    _, on_event = collector()
    opened: list[bool] = []

    async def on_open() -> None:
        opened.append(True)

    task = asyncio.create_task(
        ShokoListener(hub.url, hub.api_key, on_event, on_open=on_open).run_once()
    )
    connection = await hub.next_connection()
    await hub.send_raw(connection, '{"type":7}' + RS)
    await connection.close()
    with pytest.raises(Unreachable, match="closed"):
        await asyncio.wait_for(task, GUARD)
    assert opened == [True]
    assert hub.negotiations == 1  # no reconnection of its own


async def test_close_message_with_error_ends_run_once(hub: SignalRDouble) -> None:
    _, on_event = collector()
    task = asyncio.create_task(ShokoListener(hub.url, hub.api_key, on_event).run_once())
    connection = await hub.next_connection()
    await hub.send_raw(connection, '{"type":7,"error":"Server is shutting down"}' + RS)
    with pytest.raises(Unreachable, match="Server is shutting down"):
        await asyncio.wait_for(task, GUARD)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_refused_connection_is_unreachable() -> None:
    _, on_event = collector()
    listener = ShokoListener(f"http://127.0.0.1:{closed_port()}", "key", on_event)
    with pytest.raises(Unreachable):
        await asyncio.wait_for(listener.run_once(), GUARD)


async def test_no_connection_within_the_deadline_is_unreachable() -> None:
    double = SignalRDouble(redirect_to=f"ws://127.0.0.1:{closed_port()}/signalr/aggregate")
    await double.start()
    try:
        _, on_event = collector()
        listener = ShokoListener(double.url, double.api_key, on_event, connect_timeout=0.2)
        with pytest.raises(Unreachable, match=r"no connection within 0\.2 s"):
            await asyncio.wait_for(listener.run_once(), GUARD)
    finally:
        await double.stop()


async def test_the_deadline_does_not_cut_a_live_connection(hub: SignalRDouble) -> None:
    received, on_event = collector()
    listener = ShokoListener(hub.url, hub.api_key, on_event, connect_timeout=0.1)
    task = asyncio.create_task(listener.run_once())
    connection = await hub.next_connection()
    await asyncio.sleep(0.3)
    await hub.invoke(connection, "ShokoEvent:FileMatched", payload("v5_file_matched"))
    assert (await next_event(received))[0] == "ShokoEvent:FileMatched"
    assert not task.done()
    await finish(task)


@pytest.mark.parametrize("endpoint", ["rest", "negotiate", "ws"])
async def test_wrong_key_is_auth_failed(endpoint: str) -> None:
    double = SignalRDouble(requires_key=frozenset({endpoint}))
    await double.start()
    try:
        _, on_event = collector()
        listener = ShokoListener(double.url, "wrong-key", on_event)
        with pytest.raises(AuthFailed, match="401"):
            await asyncio.wait_for(listener.run_once(), GUARD)
    finally:
        await double.stop()


async def test_missing_folder_list_leaves_paths_relative(caplog: pytest.LogCaptureFixture) -> None:
    double = SignalRDouble(folders=[{"ID": 9, "Path": "/elsewhere/"}])
    await double.start()
    try:
        received, on_event = collector()
        task = asyncio.create_task(ShokoListener(double.url, double.api_key, on_event).run_once())
        connection = await double.next_connection()
        await double.invoke(connection, "ShokoEvent:FileMatched", payload("v5_file_matched"))
        _, body = await next_event(received)
        assert "path" not in body
        assert body["payload"] == payload("v5_file_matched")
        await finish(task)
    finally:
        await double.stop()


async def test_restart_mid_stream_under_supervise(hub: SignalRDouble) -> None:
    received, on_event = collector()
    health = Health()

    async def on_open() -> None:
        health.ok()

    server_back = asyncio.Event()
    delays: list[float] = []

    async def sleep(delay: float) -> None:
        delays.append(delay)
        await server_back.wait()

    listener = ShokoListener(hub.url, hub.api_key, on_event, on_open=on_open)
    task = asyncio.create_task(supervise("shoko", listener.run_once, health, sleep=sleep))

    first = await hub.next_connection()
    await hub.invoke(first, "ShokoEvent:FileMatched", payload("v5_file_matched"))
    assert (await next_event(received))[1]["payload"]["FileID"] == 4821

    await hub.stop()
    await hub.start()
    server_back.set()

    second = await hub.next_connection()
    await hub.invoke(second, "ShokoEvent:FileNotMatched", payload("v5_file_not_matched"))
    target, body = await next_event(received)
    assert target == "ShokoEvent:FileNotMatched"
    assert body["payload"]["FileID"] == 4822

    assert hub.negotiations == 2
    assert len(delays) == 1
    assert [status for status, _ in health.reports] == ["ok", "unreachable", "ok"]
    await finish(task)


async def test_wrong_key_stops_supervise(caplog: pytest.LogCaptureFixture) -> None:
    double = SignalRDouble(requires_key=frozenset({"negotiate"}))
    await double.start()
    try:
        _, on_event = collector()
        health = Health()
        sleeps: list[float] = []

        async def sleep(delay: float) -> None:
            sleeps.append(delay)

        listener = ShokoListener(double.url, "wrong-key", on_event)
        with caplog.at_level(logging.INFO):
            await asyncio.wait_for(
                supervise("shoko", listener.run_once, health, sleep=sleep), GUARD
            )
        assert health.reports == [("auth_failed", "Shoko hub: HTTP 401 (check the API key)")]
        assert sleeps == []
        assert double.negotiations == 1
    finally:
        await double.stop()
