"""Webhook ingest rate: the tracker vs a bare FastAPI app, with ``wrk``, in one run.

Each wrk request is a distinct Jellyseerr delivery. After the tracker's run we
wait for its writer to process everything, then check that every answered
request is in the inbox (nothing lost). Loopback only; bounded by ``--seconds``.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench import _servers

LUA = Path(__file__).with_name("ingest.lua")


def run_wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    """One wrk run; returns requests/s and the counters from ingest.lua."""
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(LUA), f"{url}/hooks/x"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    result = dict(re.findall(r"(\w+)=(\d+)", output.split("WRK_RESULT", 1)[1]))
    return {"rate": rate, **{k: float(v) for k, v in result.items()}}


def inbox_count(folder: Path) -> tuple[int, int]:
    with sqlite3.connect(folder / "bench.db") as db:
        total, done = db.execute("SELECT count(*), count(processed_at) FROM inbox").fetchone()
    return int(total), int(done)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    with _servers.bare() as url:
        run_wrk(url, 2, args.connections)
        bare = run_wrk(url, args.seconds, args.connections)
    with tempfile.TemporaryDirectory() as folder, _servers.tracker(Path(folder)) as url:
        ours = run_wrk(url, args.seconds, args.connections)
        answered = ours["requests"] - ours["errors_status"] - ours["errors_other"]
        start = time.monotonic()
        while inbox_count(Path(folder))[1] < inbox_count(Path(folder))[0]:
            time.sleep(0.2)
        drain = time.monotonic() - start
        stored, processed = inbox_count(Path(folder))
        total = httpx.get(f"{url}/api/requests", params={"scope": "all", "limit": 1}).json()
    ratio = ours["rate"] / bare["rate"]
    print(
        f"bare FastAPI : {bare['rate']:8.0f} req/s  p50 {bare['p50_us'] / 1000:.1f} ms"
        f"  p99 {bare['p99_us'] / 1000:.1f} ms"
    )
    print(
        f"status-tracker: {ours['rate']:8.0f} req/s  p50 {ours['p50_us'] / 1000:.1f} ms"
        f"  p99 {ours['p99_us'] / 1000:.1f} ms  ({ratio:.0%} of bare)"
    )
    print(
        f"answered 2xx  : {answered:.0f}; in the inbox: {stored}; processed: {processed}"
        f" (writer caught up {drain:.1f} s after the load); requests: {total['total']}"
    )
    lost = answered - stored
    print("nothing lost" if lost <= 0 else f"LOST {lost:.0f} deliveries")
    return 0 if lost <= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
