"""Shoko's SignalR feed: one connection per ``run_once``, reconnection left to the supervisor.

``ShokoListener.run_once`` reads Shoko's import folders over REST (so events can
carry absolute paths), then opens one pysignalr connection to
``{url}/signalr/aggregate?feeds=shoko`` with the ``apikey`` header and hands
every ``ShokoEvent:*`` invocation that ``translate`` uses (``TRACKED_KINDS``:
matched, not matched, renamed, moved, deleted) to ``on_event(target, body)``,
where ``body`` is the ``/hooks/shoko`` body shape (``messages.hook_body``);
hashing, detection and metadata updates are dropped. ``on_event`` is awaited
before the next message is read, so it should only queue the event;
``on_open`` runs on every connect (report health, catch up through REST). It
returns only by raising: ``AuthFailed`` for a refused key, ``Unreachable`` when
the connection cannot be made or ends. Run it under ``runtime.supervise``.

pysignalr reconnects by itself, but badly for a long-lived service: its retry
budget (``retry_count``) is never reset, so it gives up for good after a few
outages over the process' life; a refused WebSocket upgrade is retried for ever
inside a patched ``websockets`` iterator; a handler exception or an unreadable
frame ends ``run()``. So each ``run_once`` uses a fresh client with a retry
budget of one, ends ``run()`` at the first disconnect (the close callback
raises), bounds the wait for the first connection with a deadline, decodes
frames leniently (an unreadable message is logged and skipped) and catches
handler exceptions. Note that importing pysignalr patches
``websockets.asyncio.client.connect.__aiter__`` for the whole process.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
from pysignalr.client import SignalRClient
from pysignalr.exceptions import AuthorizationError, NegotiationFailure
from pysignalr.exceptions import ConnectionError as HubStatusError
from pysignalr.messages import Message
from pysignalr.protocol.json import JSONProtocol
from websockets.exceptions import InvalidStatus

from status_tracker.integrations import _http
from status_tracker.integrations.base import Host
from status_tracker.integrations.errors import AuthFailed, BadPayload, IntegrationError, Unreachable
from status_tracker.integrations.shoko.messages import (
    SIGNALR_TARGETS,
    TRACKED_KINDS,
    ImportFolder,
    absolute_path,
    event_kind,
    hook_body,
    parse,
)

log = logging.getLogger(__name__)

EventHandler = Callable[[str, dict[str, Any]], Awaitable[None]]
OpenHandler = Callable[[], Awaitable[None]]

FOLDER_ENDPOINTS = ("/api/v3/ImportFolder", "/api/v3/ManagedFolder")
"""v5 calls them import folders, v6 managed folders (same fields)."""


class LenientJSONProtocol(JSONProtocol):
    """SignalR's JSON hub protocol, skipping (and logging) records it cannot read."""

    def decode(self, raw_message: str | bytes) -> list[Message]:
        """Every readable message of one frame; junk records are logged, not raised."""
        if isinstance(raw_message, bytes):
            raw_message = raw_message.decode("utf-8", errors="replace")
        messages: list[Message] = []
        for record in raw_message.split(self.record_separator):
            if not record.strip():
                continue
            try:
                data = json.loads(record)
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
                if data:
                    messages.append(self.parse_message(data))
            except Exception:
                log.warning("shoko: skipped an unreadable SignalR message: %.300s", record)
        return messages


class ShokoListener:
    """Shoko Server's SignalR event feed (one connection per ``run_once``)."""

    def __init__(
        self,
        url: str,
        api_key: str,
        on_event: EventHandler,
        *,
        on_open: OpenHandler | None = None,
        connect_timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._url = url.rstrip("/")
        self._api_key = api_key
        self._on_event = on_event
        self._on_open = on_open
        self._connect_timeout = connect_timeout
        self._transport = transport
        self._folders: dict[int, str] = {}
        self._refreshed: set[int] = set()
        self._http: httpx.AsyncClient | None = None
        self._deadline: asyncio.Timeout | None = None
        self._connected = False

    @property
    def hub_url(self) -> str:
        """The aggregate hub, joined to the ``shoko`` feed."""
        return f"{self._url}/signalr/aggregate?feeds=shoko"

    async def run_once(self) -> None:
        """Connect once and deliver events until the connection ends; always raises."""
        headers = {"apikey": self._api_key}
        async with _http.make_client(self._url, headers, self._transport) as http:
            self._http = http
            self._refreshed = set()
            self._connected = False
            try:
                self._folders = await self._read_folders()
                await self._connect(self._client(headers))
            finally:
                self._http = None
                self._deadline = None
        raise Unreachable("Shoko hub: the connection ended")

    def _client(self, headers: dict[str, str]) -> SignalRClient:
        """A fresh client that gives up at the first failure (the supervisor retries)."""
        client = SignalRClient(
            self.hub_url, protocol=LenientJSONProtocol(), headers=dict(headers), retry_count=1
        )
        for target in SIGNALR_TARGETS:
            client.on(target, self._handler(target))
        client.on_open(self._opened)
        client.on_close(self._closed)
        return client

    async def _connect(self, client: SignalRClient) -> None:
        """Run the client until the connection ends, with errors mapped onto our tree."""
        try:
            async with asyncio.timeout(self._connect_timeout) as deadline:
                self._deadline = deadline
                await client.run()
        except IntegrationError:
            raise
        except TimeoutError as exc:
            if deadline.expired():
                message = f"Shoko hub: no connection within {self._connect_timeout:g} s"
                raise Unreachable(message) from exc
            raise classify(exc) from exc
        except Exception as exc:
            raise classify(exc) from exc

    # --- callbacks from pysignalr ------------------------------------------------------------

    async def _opened(self) -> None:
        self._connected = True
        if self._deadline is not None:
            self._deadline.reschedule(None)
        log.info("shoko: connected to %s", self.hub_url)
        if self._on_open is not None:
            try:
                await self._on_open()
            except Exception:
                log.exception("shoko: the on-open handler failed")

    async def _closed(self) -> None:
        if self._connected:
            self._connected = False
            raise Unreachable("Shoko hub: the connection was closed")

    def _handler(self, target: str) -> Callable[[Any], Awaitable[None]]:
        async def handle(arguments: Any) -> None:
            await self._deliver(target, arguments)

        return handle

    async def _deliver(self, target: str, arguments: Any) -> None:
        if event_kind(target) not in TRACKED_KINDS:
            log.debug("shoko: %s (not tracked)", target)
            return
        payload = arguments[0] if isinstance(arguments, list) and arguments else None
        if not isinstance(payload, dict):
            log.warning("shoko: skipped %s: its argument is not an object: %.300r", target, payload)
            return
        try:
            fields = {str(key).lower(): value for key, value in payload.items()}
            path = await self._absolute(
                fields.get("importfolderid", fields.get("managedfolderid")),
                fields.get("relativepath"),
            )
            previous_path = await self._absolute(
                fields.get("previousimportfolderid", fields.get("previousmanagedfolderid")),
                fields.get("previousrelativepath"),
            )
            body = hook_body(target, payload, path=path, previous_path=previous_path)
            await self._on_event(target, body)
        except Exception:
            log.exception("shoko: handling %s failed", target)

    # --- import folders ----------------------------------------------------------------------

    async def _absolute(self, folder_id: object, relative: object) -> str | None:
        """The absolute path of a file, when its import folder is known."""
        if not isinstance(relative, str) or not relative:
            return None
        if isinstance(folder_id, bool) or not isinstance(folder_id, int | str):
            return None
        if not str(folder_id).strip().isdigit():
            return None
        number = int(folder_id)
        if number not in self._folders and number not in self._refreshed:
            self._refreshed.add(number)
            try:
                self._folders = await self._read_folders()
            except IntegrationError as exc:
                log.warning("shoko: cannot refresh the import folders: %s", exc)
        folder = self._folders.get(number)
        return absolute_path(folder, relative) if folder else None

    async def _read_folders(self) -> dict[int, str]:
        """Import folder id → location; {} (logged) when Shoko does not list them."""
        if self._http is None:
            return {}
        problem: Exception | None = None
        for endpoint in FOLDER_ENDPOINTS:
            try:
                data = await _http.get_json(self._http, endpoint)
            except BadPayload as exc:
                problem = exc
                continue
            if not isinstance(data, list):
                problem = BadPayload(f"{endpoint}: expected a list")
                continue
            folders = [parse(ImportFolder, item) for item in data if isinstance(item, Mapping)]
            return {f.id: f.path for f in folders if f.id is not None and f.path}
        log.warning("shoko: cannot read the import folders (%s); paths stay relative", problem)
        return {}


def host_listener(url: str, api_key: str | None, host: Host) -> ShokoListener:
    """A listener that stores each event as ``POST /hooks/shoko`` would, and reports health.

    Every event body goes through ``host.deliver("shoko", body)``: on disk in the
    inbox before the next message is read, then translated by the writer exactly
    like a webhook. Each successful connection marks the integration healthy.
    """
    health = host.health("shoko")

    async def store(_target: str, body: dict[str, Any]) -> None:
        await host.deliver("shoko", body)

    async def connected() -> None:
        health.ok()

    return ShokoListener(url, api_key or "", store, on_open=connected)


def classify(exc: BaseException) -> IntegrationError:
    """Map what pysignalr, aiohttp or websockets raised onto the integration error tree."""
    if isinstance(exc, IntegrationError):
        return exc
    if isinstance(exc, AuthorizationError):
        return AuthFailed("Shoko hub: HTTP 401 (check the API key)")
    if isinstance(exc, HubStatusError):
        if exc.status in (401, 403):
            return AuthFailed(f"Shoko hub: HTTP {exc.status} (check the API key)")
        return Unreachable(f"Shoko hub: negotiation answered HTTP {exc.status}")
    if isinstance(exc, NegotiationFailure):
        cause = exc.__cause__
        if isinstance(cause, InvalidStatus) and cause.response.status_code in (401, 403):
            return AuthFailed(f"Shoko hub: HTTP {cause.response.status_code} (check the API key)")
        return Unreachable(f"Shoko hub: {_describe(cause) if cause else 'negotiation failed'}")
    return Unreachable(f"Shoko hub: {_describe(exc)}")


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
