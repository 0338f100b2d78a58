"""Webhook → SSE latency with many open streams (loopback, bounded).

Opens ``--clients`` raw SSE connections to a fresh tracker, then POSTs
``--events`` Jellyseerr webhooks one at a time, each with a unique title. Every
client notes when the change carrying that title arrives; latency is measured
from just before the POST to arrival, so it includes ingest, the writer, the
bus and the stream. Reports p50/p99/max over all (client, event) pairs, and
the tracker's RSS at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench import _servers


async def client(
    host: str,
    port: int,
    seen: dict[str, list[float]],
    ready: asyncio.Event,
    counter: list[int],
    total: int,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET /api/sse HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    counter[0] += 1
    if counter[0] == total:
        ready.set()
    buffer = b""
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                return
            now = time.perf_counter()
            buffer += chunk
            while b"Bench-" in buffer:
                start = buffer.index(b"Bench-") + 6
                end = buffer.index(b'"', start) if b'"' in buffer[start : start + 12] else None
                if end is None:
                    break
                seen.setdefault(buffer[start:end].decode(), []).append(now)
                buffer = buffer[end:]
            buffer = buffer[-64:]
    finally:
        writer.close()


def body(n: int) -> dict[str, object]:
    return {
        "notification_type": "MEDIA_PENDING",
        "subject": f"Bench-{n} (2001)",
        "media": {"media_type": "movie", "tmdbId": str(100000 + n), "tvdbId": ""},
        "request": {"request_id": str(100000 + n), "requestedBy_username": "bench"},
        "extra": [],
    }


async def measure(url: str, clients: int, events: int) -> list[float]:
    host, port = url.removeprefix("http://").split(":")
    seen: dict[str, list[float]] = {}
    ready = asyncio.Event()
    counter = [0]
    tasks = [
        asyncio.create_task(client(host, int(port), seen, ready, counter, clients))
        for _ in range(clients)
    ]
    await asyncio.wait_for(ready.wait(), 30)
    sent: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=url) as http:
        for n in range(events):
            sent[str(n)] = time.perf_counter()
            response = await http.post("/hooks/jellyseerr", json=body(n))
            assert response.status_code == 202
            await asyncio.sleep(0.02)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and sum(map(len, seen.values())) < clients * events:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    missing = clients * events - sum(map(len, seen.values()))
    if missing:
        print(f"{missing} (client, event) pairs never arrived")
    return [(arrival - sent[key]) * 1000 for key, arrivals in seen.items() for arrival in arrivals]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, _servers.tracker(Path(folder)) as url:
        latencies = sorted(asyncio.run(measure(url, args.clients, args.events)))
        health = httpx.get(f"{url}/api/health").json()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"{args.clients} streams, {args.events} webhooks: webhook → SSE p50 {p50:.1f} ms,"
        f" p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms ({len(latencies)} deliveries)"
    )
    print(json.dumps({"health": health["status"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
