"""Lag from qBittorrent's progress to the tracker's SSE event, with a real daemon.

Starts a seeder and a throttled leecher (qbittorrent-nox on loopback, default
1.5 s stats refresh) and, per poll interval (``--intervals 2,0.5``), a fresh
``status-tracker serve`` subprocess polling the leecher. A request is created
through the real hooks (Jellyseerr, then Radarr's Grab with the hash
upper-cased), one SSE stream is opened, and a real download runs.

An observer polls ``torrents/info`` every 50 ms and notes when each new
``completed`` byte count first shows in qBittorrent; the lag of that value is the
time until the first SSE event whose ``download.downloaded_bytes`` reaches it.
The observer itself can be up to 50 ms late, so lags are slightly understated.
Also printed: the wall time of the one ``sync/maindata`` call the poller makes per
tick (1 torrent, kept-alive session); see ``qbit_poll.py`` for 100 and 1000.

Run from the repo root: ``.venv/bin/python -m bench.qbit_lag`` (needs the Debian
package ``qbittorrent-nox``). Bounded: every wait has a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import _servers
from status_tracker.integrations.qbittorrent.client import QbittorrentClient
from tests.integrations.qbittorrent.lab import (
    PASSWORD,
    USERNAME,
    LabAdmin,
    QbtDaemon,
    connect_peers,
    load_fixture,
    make_payload,
    make_torrent,
)
from tests.support import fixture

log = logging.getLogger("bench.qbit_lag")

OBSERVE_S = 0.05
RUN_LIMIT_S = 120.0


@dataclass
class Run:
    """What one interval's download showed."""

    interval: float
    shown: dict[int, float] = field(default_factory=dict)
    """``completed`` bytes → when the observer first saw them in qBittorrent."""
    events: list[tuple[float, int]] = field(default_factory=list)
    """(arrival, downloaded_bytes) of each SSE event for the request."""
    poll_ms: list[float] = field(default_factory=list)

    def lags(self, size: int) -> list[float]:
        found = []
        for completed, seen_at in sorted(self.shown.items()):
            if not 0 < completed < size:
                continue
            arrived = next((t for t, done in self.events if done >= completed), None)
            if arrived is not None:
                found.append(max(0.0, arrived - seen_at))
        return found


async def observe(admin: LabAdmin, info_hash: str, run: Run, stop: asyncio.Event) -> None:
    while not stop.is_set():
        info = await admin.info(info_hash)
        if info is not None:
            run.shown.setdefault(int(info["completed"]), time.perf_counter())
        await asyncio.sleep(OBSERVE_S)


async def listen(base_url: str, request_id: list[int], run: Run, ready: asyncio.Event) -> None:
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=None) as client,
        client.stream("GET", "/api/sse") as stream,
    ):
        ready.set()
        async for line in stream.aiter_lines():
            if not line.startswith("data: {"):
                continue
            now = time.perf_counter()
            body = json.loads(line[6:])
            if request_id and body.get("id") == request_id[0] and body.get("download"):
                run.events.append((now, int(body["download"]["downloaded_bytes"] or 0)))


async def time_polls(url: str, run: Run, stop: asyncio.Event) -> None:
    async with QbittorrentClient(url, USERNAME, PASSWORD) as client:
        await client.maindata()
        while not stop.is_set():
            started = time.perf_counter()
            await client.maindata()
            run.poll_ms.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(run.interval)


def grab(info_hash: str, tmdb_id: int) -> dict[str, Any]:
    body: dict[str, Any] = load_fixture("radarr_grab.json")
    body["movie"]["tmdbId"] = body["remoteMovie"]["tmdbId"] = tmdb_id
    body["downloadId"] = info_hash.upper()
    return body


async def one_run(
    seed: LabAdmin,
    leech: LabAdmin,
    folder: Path,
    interval: float,
    index: int,
    size: int,
    limit_bps: int,
) -> Run:
    payload = make_payload(seed.daemon.save_path / f"Lag.Film.{index}.mkv", size)
    torrent, info_hash = make_torrent(payload)
    await seed.add_torrent(torrent, seed.daemon.save_path, skip_checking=True)
    run = Run(interval)
    env = {
        "TRACKER_QBITTORRENT_URL": leech.daemon.url,
        "TRACKER_QBITTORRENT_USERNAME": USERNAME,
        "TRACKER_QBITTORRENT_PASSWORD": PASSWORD,
        "TRACKER_QBITTORRENT_POLL_SECONDS": str(interval),
    }
    (folder / f"run{index}").mkdir()
    with _servers.tracker(folder / f"run{index}", **env) as base_url:
        request_id: list[int] = []
        ready, stop = asyncio.Event(), asyncio.Event()
        listener = asyncio.create_task(listen(base_url, request_id, run, ready))
        await asyncio.wait_for(ready.wait(), 10)
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as api:
            request = fixture("jellyseerr/media_auto_approved_movie")
            request["media"]["tmdbId"] = str(9000 + index)
            request["request"]["request_id"] = str(9000 + index)
            await api.post("/hooks/jellyseerr", json=request)
            await leech.set_download_limit(limit_bps)
            await leech.add_torrent(torrent, leech.daemon.save_path)
            await api.post("/hooks/radarr", json=grab(info_hash, 9000 + index))
            deadline = time.monotonic() + 10
            while not request_id and time.monotonic() < deadline:
                items = (await api.get("/api/requests")).json()["items"]
                request_id.extend(item["id"] for item in items[:1])
                await asyncio.sleep(0.05)
            tasks = [
                asyncio.create_task(observe(leech, info_hash, run, stop)),
                asyncio.create_task(time_polls(leech.daemon.url, run, stop)),
            ]
            await connect_peers(leech, seed, info_hash)
            deadline = time.monotonic() + RUN_LIMIT_S
            while time.monotonic() < deadline:
                info = await leech.info(info_hash)
                if info and info["progress"] >= 1:
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(interval + 0.5)
            stop.set()
            await asyncio.gather(*tasks)
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener
    return run


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(runs: list[Run], size: int) -> str:
    lines = [
        "qBittorrent progress → SSE event (s), and one sync/maindata tick (ms, 1 torrent)",
        f"{'interval':>8} | {'values':>6} | {'p50':>5} | {'p90':>5} | {'max':>5} | "
        f"{'mean':>5} | {'tick p50':>8} | {'tick p90':>8}",
    ]
    for run in runs:
        lags = run.lags(size)
        if not lags:
            lines.append(f"{run.interval:>8} | no progress values matched")
            continue
        lines.append(
            f"{run.interval:>8} | {len(lags):>6} | {statistics.median(lags):5.2f} | "
            f"{percentile(lags, 0.9):5.2f} | {max(lags):5.2f} | {statistics.mean(lags):5.2f} | "
            f"{statistics.median(run.poll_ms):8.2f} | {percentile(run.poll_ms, 0.9):8.2f}"
        )
    return "\n".join(lines) + "\n"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", default="2,0.5")
    parser.add_argument("--size-mib", type=int, default=48)
    parser.add_argument("--limit-kib", type=int, default=2048)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    size = args.size_mib << 20
    runs = []
    with tempfile.TemporaryDirectory(prefix="qbit_lag.") as tmp:
        folder = Path(tmp)
        seeder = QbtDaemon.start(folder / "seed", local_auth=False, refresh_ms=1500)
        leecher = QbtDaemon.start(folder / "leech", refresh_ms=1500)
        try:
            async with LabAdmin(seeder) as seed, LabAdmin(leecher) as leech:
                for index, interval in enumerate(float(i) for i in args.intervals.split(",")):
                    run = await one_run(
                        seed, leech, folder, interval, index, size, args.limit_kib << 10
                    )
                    runs.append(run)
                    log.info("interval %s s: %d SSE events", interval, len(run.events))
        finally:
            leecher.stop()
            seeder.stop()
    sys.stdout.write(report(runs, size))


if __name__ == "__main__":
    asyncio.run(main())
