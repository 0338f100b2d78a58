"""Start and stop the servers the benchmarks measure (subprocesses on loopback)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def tracker(folder: Path, **env: str) -> Iterator[str]:
    """``status-tracker serve`` over a fresh SQLite file; yields its base URL."""
    port = free_port()
    environment = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{folder}/bench.db",
        "TRACKER_LOG_LEVEL": "WARNING",
        **env,
    }
    command = [sys.executable, "-m", "status_tracker", "serve", "--host", "127.0.0.1"]
    process = subprocess.Popen([*command, "--port", str(port)], env=environment)
    try:
        _wait(f"http://127.0.0.1:{port}/api/health", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def bare() -> Iterator[str]:
    """The bare FastAPI app under uvicorn with the same settings; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--no-access-log"]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=Path(__file__).parent.parent,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/docs", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
