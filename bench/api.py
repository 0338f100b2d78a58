"""Read-side budget: ``GET /api/requests`` latency with 10,000 requests stored,
RSS with 200 open SSE streams, and cold start to a healthy answer.

The database is seeded through the storage layer (the same code the writer
uses), then a fresh server is started on it; ``wrk`` measures the API.
Loopback only, bounded by ``--seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench import _servers
from status_tracker.core.model import Key, KeyKind, MediaType, Request
from status_tracker.core.states import PIPELINE, RequestState
from status_tracker.storage import db, requests


def seed(folder: Path, count: int) -> None:
    database = db.connect(f"sqlite:///{folder}/bench.db")
    db.migrate(database)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    states = [*PIPELINE, RequestState.FAILED, RequestState.DECLINED]
    with database.writer.begin() as connection:
        for n in range(count):
            at = start + timedelta(minutes=n)
            request = Request(
                id=None,
                media_type=MediaType.TV if n % 3 == 0 else MediaType.MOVIE,
                state=states[n % len(states)],
                created_at=at,
                updated_at=at,
                state_changed_at=at,
                title=f"Title {n}",
                year=1990 + n % 30,
                requested_by=f"user{n % 7}",
                tmdb_id=n,
            )
            saved = requests.save(connection, request)
            assert saved.id is not None
            requests.attach_keys(connection, saved.id, [Key(KeyKind.TMDB, f"movie:{n}")])
    database.dispose()


def wrk(url: str, seconds: int, connections: int = 10) -> str:
    result = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    )  # fmt: skip
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    p50 = re.search(r"50%\s+(\S+)", result.stdout)
    p99 = re.search(r"99%\s+(\S+)", result.stdout)
    if not (rate and p50 and p99):
        raise RuntimeError(result.stdout)
    return f"{float(rate.group(1)):7.0f} req/s  p50 {p50.group(1)}  p99 {p99.group(1)}"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def open_streams(url: str, count: int) -> list[asyncio.StreamWriter]:
    host, port = url.removeprefix("http://").split(":")
    writers = []
    for _ in range(count):
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(f"GET /api/sse HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")
        writers.append(writer)
    return writers


def server_pid(port: str) -> int:
    output = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True)
    match = re.search(r"pid=(\d+)", output.stdout)
    if not match:
        raise RuntimeError("server pid not found")
    return int(match.group(1))


def cold_start(folder: Path) -> float:
    port = _servers.free_port()
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{folder}/cold.db",
           "TRACKER_LOG_LEVEL": "WARNING"}  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "status_tracker", "serve", "--host", "127.0.0.1",
         "--port", str(port)], env=env,
    )  # fmt: skip
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                time.sleep(0.01)
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--streams", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        seed(folder, args.requests)
        print(f"cold start to healthy (empty database): {cold_start(folder):.2f} s")
        with _servers.tracker(folder) as url:
            for connections in (1, 4, 10):
                line = wrk(f"{url}/api/requests", args.seconds, connections)
                print(f"GET /api/requests, {connections:2d} conn {line}")
            search = f"{url}/api/requests?q=Title%209&scope=all"
            print(f"GET /api/requests?q=Title 9 {wrk(search, args.seconds)}")
            pid = server_pid(url.rsplit(":", 1)[1])

            async def hold() -> float:
                writers = await open_streams(url, args.streams)
                async with httpx.AsyncClient() as client:
                    await client.get(f"{url}/api/requests", params={"limit": 500})
                rss = rss_mb(pid)
                for writer in writers:
                    writer.close()
                return rss

            rss = asyncio.run(hold())
            print(f"RSS with {args.requests} requests and {args.streams} SSE streams: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
