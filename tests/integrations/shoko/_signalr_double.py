"""A real SignalR hub on 127.0.0.1 that behaves like Shoko Server's aggregate hub.

It speaks the transport and the JSON hub protocol for real: ``POST
/signalr/aggregate/negotiate`` answers a version-0 negotiation with a fresh
connection id; ``GET /signalr/aggregate?feeds=shoko&id=…`` upgrades to a
WebSocket only for a known, unused id, reads the client's handshake (JSON
terminated by 0x1E), answers ``{}`` and then pushes whatever the test asks for:
invocations, pings, close messages or raw frames. ``GET /api/v3/ImportFolder``
lists the import folders. With ``redirect_to`` the negotiation sends the client
to another URL instead (SignalR's redirect answer). ``stop`` closes every socket
and the listening port; ``start`` again listens on the same port (a restart).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

RS = "\x1e"

DEFAULT_FOLDERS: list[dict[str, Any]] = [
    {"ID": 1, "Name": "Anime", "Path": "/data/anime/", "WatchForNewFiles": True},
    {"ID": 2, "Name": "Downloads", "Path": "/data/downloads/anime/", "WatchForNewFiles": False},
]


class SignalRDouble:
    """A Shoko-like SignalR hub; ``requires_key`` names the endpoints that check ``apikey``."""

    def __init__(
        self,
        api_key: str = "shoko-key",
        requires_key: frozenset[str] = frozenset({"rest", "negotiate", "ws"}),
        folders: list[dict[str, Any]] | None = None,
        redirect_to: str | None = None,
    ) -> None:
        self.api_key = api_key
        self.redirect_to = redirect_to
        self.requires_key = requires_key
        self.folders = DEFAULT_FOLDERS if folders is None else folders
        self.port = 0
        self.negotiations = 0
        self.negotiate_queries: list[str] = []
        self.handshakes: list[dict[str, Any]] = []
        self.client_messages: list[dict[str, Any]] = []
        self.connections: asyncio.Queue[web.WebSocketResponse] = asyncio.Queue()
        self._pending: set[str] = set()
        self._sockets: set[web.WebSocketResponse] = set()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The server's base URL (what ``TRACKER_SHOKO_URL`` would be)."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Listen on 127.0.0.1 (the same port again after a ``stop``)."""
        app = web.Application()
        app.router.add_get("/api/v3/ImportFolder", self._folders)
        app.router.add_post("/signalr/aggregate/negotiate", self._negotiate)
        app.router.add_get("/signalr/aggregate", self._socket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close every socket (going away) and stop listening."""
        for socket in list(self._sockets):
            await socket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def next_connection(self) -> web.WebSocketResponse:
        """The next client that completed the handshake."""
        return await asyncio.wait_for(self.connections.get(), 10)

    async def invoke(self, socket: web.WebSocketResponse, target: str, *arguments: Any) -> None:
        """Push a non-blocking invocation, as Shoko pushes its events."""
        await self.send_raw(
            socket, json.dumps({"type": 1, "target": target, "arguments": list(arguments)}) + RS
        )

    async def send_raw(self, socket: web.WebSocketResponse, text: str) -> None:
        """Send one text frame exactly as given."""
        await socket.send_str(text)

    # --- endpoints ---------------------------------------------------------------------------

    def _authorised(self, request: web.Request, endpoint: str) -> bool:
        return endpoint not in self.requires_key or request.headers.get("apikey") == self.api_key

    async def _folders(self, request: web.Request) -> web.Response:
        if not self._authorised(request, "rest"):
            return web.json_response({"title": "Unauthorized"}, status=401)
        return web.json_response(self.folders)

    async def _negotiate(self, request: web.Request) -> web.Response:
        self.negotiations += 1
        self.negotiate_queries.append(request.query_string)
        if not self._authorised(request, "negotiate"):
            return web.Response(status=401)
        if self.redirect_to is not None:
            return web.json_response({"url": self.redirect_to, "accessToken": "token"})
        connection_id = str(uuid.uuid4())
        self._pending.add(connection_id)
        return web.json_response(
            {
                "connectionId": connection_id,
                "negotiateVersion": 0,
                "availableTransports": [
                    {"transport": "WebSockets", "transferFormats": ["Text", "Binary"]}
                ],
            }
        )

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        if not self._authorised(request, "ws"):
            return web.Response(status=401)
        connection_id = request.query.get("id", "")
        if connection_id not in self._pending:
            return web.Response(status=404, text="No Connection with that ID")
        if "shoko" not in request.query.get("feeds", "").lower().split(","):
            return web.Response(status=400, text="feeds must include shoko")
        self._pending.discard(connection_id)
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.add(socket)
        try:
            first = await socket.receive()
            if first.type is not WSMsgType.TEXT:
                return socket
            handshake = json.loads(first.data.split(RS)[0])
            self.handshakes.append(handshake)
            if handshake.get("protocol") != "json":
                await socket.send_str(json.dumps({"error": "unsupported protocol"}) + RS)
                await socket.close()
                return socket
            await socket.send_str("{}" + RS)
            await self.connections.put(socket)
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    for record in message.data.split(RS):
                        if record:
                            self.client_messages.append(json.loads(record))
        finally:
            self._sockets.discard(socket)
        return socket
