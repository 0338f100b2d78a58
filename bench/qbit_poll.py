"""Cost of one ``QbittorrentClient.maindata()`` tick with 1, 100 and 1000 torrents.

Starts one real qbittorrent-nox (loopback, temp profile, login required, default
1.5 s stats refresh), adds trackerless torrents stopped from generated .torrent
files (no data on disk), and measures per torrent count:

- ``full``: the first call of a fresh session (rid 0: every torrent in full);
- ``idle``: a delta while every torrent is stopped (nothing changes);
- ``start``: the first delta after starting every torrent (all of them change);
- ``active``: a later delta while every torrent is active (stalled, no peers);
- ``info10``: for comparison, ``torrents/info?hashes=`` for 10 of them (raw HTTP).

Time is wall time of the call (HTTP + JSON + merge), bytes are on the wire and
after decoding. Run from the repo root: ``.venv/bin/python bench/qbit_poll.py``
(``--counts 1,100,1000``). Needs the ``qbittorrent-nox`` Debian package.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from status_tracker.integrations.qbittorrent.client import QbittorrentClient
from tests.integrations.qbittorrent.lab import (
    PASSWORD,
    USERNAME,
    LabAdmin,
    QbtDaemon,
    bencode,
)

log = logging.getLogger("bench.qbit_poll")

ADD_BATCH = 100
SETTLE_S = 2.0
"""Longer than qBittorrent's default 1.5 s stats refresh."""
WAIT_LIMIT_S = 120.0


class CountingTransport(httpx.AsyncHTTPTransport):
    """Records wire and decoded body sizes of every response."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[tuple[int, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        wire = b"".join([chunk async for chunk in response.aiter_raw()])
        await response.aclose()
        response = httpx.Response(
            response.status_code,
            headers=response.headers,
            content=wire,
            extensions=response.extensions,
        )
        self.sizes.append((len(wire), len(response.content)))
        return response


@dataclass
class Sample:
    ms: float
    wire: int
    json: int
    changed: int


async def one_call(client: QbittorrentClient, transport: CountingTransport) -> Sample:
    started = time.perf_counter()
    data = await client.maindata()
    elapsed = (time.perf_counter() - started) * 1000
    wire, decoded = transport.sizes[-1]
    return Sample(elapsed, wire, decoded, len(data.changed))


async def info_call(admin: LabAdmin, hashes: str) -> Sample:
    started = time.perf_counter()
    response = await admin.http.get("/api/v2/torrents/info", params={"hashes": hashes})
    elapsed = (time.perf_counter() - started) * 1000
    wire = int(response.headers.get("content-length", len(response.content)))
    return Sample(elapsed, wire, len(response.content), len(response.json()))


def fake_torrent(index: int) -> bytes:
    """A 1 GiB single-file torrent whose data does not exist (never checked, never started)."""
    info = {
        "name": f"Bench.Title.{index:05d}.2160p.mkv",
        "length": 1 << 30,
        "piece length": 1 << 22,
        "pieces": os.urandom(20 * 256),
    }
    return bencode({"info": info, "creation date": 0})


async def add_torrents(admin: LabAdmin, start: int, stop: int) -> None:
    for first in range(start, stop, ADD_BATCH):
        files = [
            ("torrents", (f"{i}.torrent", fake_torrent(i), "application/x-bittorrent"))
            for i in range(first, min(first + ADD_BATCH, stop))
        ]
        form = {"savepath": str(admin.daemon.save_path), "paused": "true", "stopped": "true"}
        response = await admin.http.post("/api/v2/torrents/add", data=form, files=files)
        assert response.text == "Ok.", response.text


async def wait_for(admin: LabAdmin, count: int, state_prefix: str) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_S
    while time.monotonic() < deadline:
        torrents = (await admin.http.get("/api/v2/torrents/info")).json()
        if len(torrents) == count and all(t["state"].startswith(state_prefix) for t in torrents):
            return
        await asyncio.sleep(0.25)
    raise TimeoutError(f"{count} torrents never all reached {state_prefix}*")


async def measure(daemon: QbtDaemon, counts: list[int]) -> list[tuple[int, dict[str, Sample]]]:
    rows = []
    async with LabAdmin(daemon) as admin:
        webapi = (await admin.http.get("/api/v2/app/webapiVersion")).text
        new_verbs = tuple(int(x) for x in webapi.split(".")) >= (2, 11)
        start_verb, stop_verb = ("start", "stop") if new_verbs else ("resume", "pause")
        have = 0
        for count in counts:
            await add_torrents(admin, have, count)
            have = count
            await wait_for(admin, count, ("paused", "stopped"))
            await asyncio.sleep(SETTLE_S)
            fulls = []
            for _ in range(3):
                transport = CountingTransport()
                async with QbittorrentClient(
                    daemon.url, USERNAME, PASSWORD, transport=transport
                ) as client:
                    await client.login()
                    fulls.append(await one_call(client, transport))
            transport = CountingTransport()
            async with QbittorrentClient(
                daemon.url, USERNAME, PASSWORD, transport=transport
            ) as client:
                some = "|".join(list((await client.maindata()).torrents)[:10])
                infos = []
                for _ in range(10):
                    await asyncio.sleep(0.2)
                    infos.append(await info_call(admin, some))
                idles = []
                for _ in range(10):
                    await asyncio.sleep(0.2)
                    idles.append(await one_call(client, transport))
                await admin.post(f"torrents/{start_verb}", {"hashes": "all"})
                await asyncio.sleep(SETTLE_S)
                started = await one_call(client, transport)
                await asyncio.sleep(SETTLE_S)
                active = await one_call(client, transport)
                await admin.post(f"torrents/{stop_verb}", {"hashes": "all"})
            rows.append(
                (
                    count,
                    {
                        "full": median(fulls),
                        "idle": median(idles),
                        "start": started,
                        "active": active,
                        "info10": median(infos),
                    },
                )
            )
            log.info("measured %s torrents", count)
    return rows


def median(samples: list[Sample]) -> Sample:
    return Sample(
        statistics.median(s.ms for s in samples),
        int(statistics.median(s.wire for s in samples)),
        int(statistics.median(s.json for s in samples)),
        int(statistics.median(s.changed for s in samples)),
    )


def table(version: str, rows: list[tuple[int, dict[str, Sample]]]) -> str:
    head = (
        f"qBittorrent {version}: one call: ms, wire KiB / JSON KiB, torrents changed "
        "(info10: torrents returned)"
    )
    names = ("full", "idle", "start", "active", "info10")
    lines = [head, f"{'torrents':>8} | " + " | ".join(f"{name:^32}" for name in names)]
    for count, cells in rows:
        parts = [
            f"{c.ms:7.2f} ms {c.wire / 1024:7.1f}/{c.json / 1024:7.1f} {c.changed:>5}"
            for c in (cells[name] for name in names)
        ]
        lines.append(f"{count:>8} | " + " | ".join(parts))
    return "\n".join(lines) + "\n"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1,100,1000")
    args = parser.parse_args()
    counts = sorted(int(c) for c in args.counts.split(","))
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="qbit_bench.") as tmp:
        daemon = QbtDaemon.start(Path(tmp), refresh_ms=1500)
        try:
            async with LabAdmin(daemon) as admin:
                version = (await admin.http.get("/api/v2/app/version")).text
            rows = await asyncio.wait_for(measure(daemon, counts), WAIT_LIMIT_S * 3)
        finally:
            daemon.stop()
    sys.stdout.write(table(version, rows))


if __name__ == "__main__":
    asyncio.run(main())
