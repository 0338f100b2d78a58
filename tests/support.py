"""Test support: recorded payloads and a real server on a loopback port."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from status_tracker.config import Settings
from status_tracker.runtime.lifespan import Tracker
from status_tracker.web.app import create_app

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict[str, Any]:
    """A recorded payload from ``tests/fixtures`` (e.g. ``jellyseerr/media_pending_movie``)."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Running:
    """A server started by a test."""

    base_url: str
    settings: Settings
    tracker: Tracker
    server: uvicorn.Server
    thread: threading.Thread

    def client(self, **kwargs: Any) -> httpx.Client:
        """A client for this server."""
        return httpx.Client(base_url=self.base_url, timeout=10, **kwargs)

    def wait_processed(self, count: int, timeout: float = 10.0) -> None:
        """Block until the writer has processed ``count`` deliveries in total."""
        deadline = time.monotonic() + timeout
        while self.tracker.pipeline.processed < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"writer processed {self.tracker.pipeline.processed} of {count} deliveries"
                )
            time.sleep(0.01)

    def stop(self) -> None:
        """Shut the server down and wait for it."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(settings: Settings, **app_kwargs: Any) -> Running:
    """Start uvicorn in a thread and wait until it answers."""
    app = create_app(settings, **app_kwargs)
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        lifespan="on",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.01)
    return Running(f"http://127.0.0.1:{port}", settings, app.state.tracker, server, thread)
