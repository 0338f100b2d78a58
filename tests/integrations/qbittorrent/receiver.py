"""A tiny HTTP/1.1 server on 127.0.0.1 standing in for ``/hooks/qbittorrent`` in daemon tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass(frozen=True)
class HookCall:
    """One HTTP request the hook receiver got."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class HookReceiver:
    """A tiny HTTP/1.1 server on 127.0.0.1 that records requests and answers 202."""

    def __init__(self) -> None:
        self.calls: asyncio.Queue[HookCall] = asyncio.Queue()
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> HookReceiver:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            request_line, *lines = head.decode("latin-1").split("\r\n")
            method, target, _ = request_line.split(" ", 2)
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines if line)
            }
            body = await asyncio.wait_for(
                reader.readexactly(int(headers.get("content-length", "0"))), 5
            )
            await self.calls.put(HookCall(method, target, headers, body))
            writer.write(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        finally:
            writer.close()
