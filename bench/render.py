"""Page budget: server render time of ``/`` (500 active requests) and ``/history`` (10,000
finished ones), and the time from a webhook POST to the changed card in a real browser.

The database is seeded through the storage layer (the code the writer uses), then
``status-tracker serve`` runs on it. Render time is the page's own ``Server-Timing``
(database read + template render) and the time the client waited, over sequential
keep-alive requests on loopback. The browser part drives Debian's chromium with
Playwright on the 500-card dashboard: the page itself POSTs a Jellyseerr webhook with
``fetch`` and a MutationObserver notes when the card appears (new request) or its badge
changes (approved); both times are ``performance.now()`` in the page.

    .venv/bin/python -m bench.render [--requests 200] [--changes 30]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

from bench import _servers
from status_tracker.core.model import Download, MediaType, Request
from status_tracker.core.states import RequestState
from status_tracker.demo.payloads import jellyseerr
from status_tracker.storage import db, requests
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

S = RequestState
ACTIVE_STATES = (
    S.REQUESTED,
    S.APPROVED,
    S.SEARCHING,
    S.INDEXED,
    S.DOWNLOADING,
    S.DOWNLOADING,
    S.DOWNLOAD_DONE,
    S.IMPORTING,
    S.ANIME_INDEXING,
    S.AVAILABLE,
    S.FAILED,
)
USERS = ("alice", "bob", "carol", "dave", "erin", "frank", "grace")


def _request(n: int, state: RequestState, at: datetime) -> Request:
    tv = n % 3 == 0
    downloads = {}
    if state is S.DOWNLOADING:
        size = 4_000_000_000 + n * 1_000_000
        done = size * (n % 97) // 100
        download_id = f"{n:040x}"
        downloads[download_id] = Download(
            download_id, size, done, 3_500_000, 600 + n, done / size, "downloading"
        )
    return Request(
        id=None,
        media_type=MediaType.TV if tv else MediaType.MOVIE,
        state=state,
        created_at=at - timedelta(hours=2),
        updated_at=at,
        state_changed_at=at,
        title=f"{'Series' if tv else 'Film'} number {n}",
        year=1980 + n % 45,
        requested_by=USERS[n % len(USERS)],
        poster_url=None,
        tmdb_id=n,
        quality="Bluray-1080p" if state not in (S.REQUESTED, S.APPROVED, S.SEARCHING) else None,
        is_anime=state is S.ANIME_INDEXING,
        error="No release found on any indexer." if state is S.FAILED else None,
        downloads=downloads,
    )


def seed(folder: Path, active: int, finished: int) -> None:
    """``active`` requests on the dashboard and ``finished`` in the history."""
    database = db.connect(f"sqlite:///{folder}/bench.db")
    db.migrate(database)
    now = datetime.now(UTC)
    with database.writer.begin() as connection:
        for n in range(finished):
            state = S.COMPLETED if n % 4 else S.DECLINED
            requests.save(connection, _request(n, state, now - timedelta(days=30, minutes=n)))
        for n in range(finished, finished + active):
            state = ACTIVE_STATES[n % len(ACTIVE_STATES)]
            requests.save(connection, _request(n, state, now - timedelta(seconds=n - finished)))
    database.dispose()


def percentiles(values: list[float]) -> str:
    """``p50 … p99 … max …`` in milliseconds."""
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):6.1f} ms  p99 {p99:6.1f} ms  max {ordered[-1]:6.1f} ms"


def time_page(client: httpx.Client, path: str, count: int) -> tuple[list[float], list[float]]:
    """(server times from Server-Timing, times the client waited), in ms."""
    server: list[float] = []
    waited: list[float] = []
    client.get(path)  # warm the template cache
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path)
        waited.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        found = re.search(r"dur=([\d.]+)", response.headers["server-timing"])
        assert found, response.headers
        server.append(float(found.group(1)))
    return server, waited


CHANGE = """async ({body, title, done}) => {
  const list = document.querySelector('#request-list');
  const card = () => [...list.querySelectorAll(':scope > li[data-request-card]')]
    .find((li) => li.querySelector('h2').textContent.includes(title));
  const reached = () => {
    const found = card();
    if (!found) { return false; }
    return done === 'appears' || found.querySelector('[data-badge]').textContent !== done;
  };
  const started = performance.now();
  const seen = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (reached()) { observer.disconnect(); resolve(performance.now()); }
    });
    observer.observe(list, {childList: true, subtree: true, characterData: true});
  });
  await fetch('/hooks/jellyseerr', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                    body: JSON.stringify(body)});
  return (await seen) - started;
}"""
"""Resolves with ms from just before the POST until the card appeared or its badge changed."""


READY = """document.addEventListener('htmx:sseOpen', (event) => {
  const root = document.documentElement;
  event.detail.source.addEventListener('ready', () => { root.dataset.ready = 1; });
});"""


def browser_latency(base: str, count: int) -> tuple[list[float], list[float]]:
    """(new card on top, badge changed) latencies over ``count`` new requests."""
    created: list[float] = []
    changed: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(READY)
            page.goto(base + "/")
            page.wait_for_selector("html[data-ready]", state="attached")
            for n in range(count):
                created.append(_change(page, n, "MEDIA_PENDING", "appears"))
                changed.append(_change(page, n, "MEDIA_APPROVED", "Requested"))
        finally:
            browser.close()
    return created, changed


def _change(page: Page, n: int, kind: str, done: str) -> float:
    title = f"Latency probe {n}"
    body = jellyseerr(
        kind,
        title=title,
        year=2026,
        media_type="movie",
        tmdb_id=900_000 + n,
        request_id=900_000 + n,
        user="bench",
    )
    arg: dict[str, Any] = {"body": body, "title": title, "done": done}
    result: float = page.evaluate(CHANGE, arg)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--active", type=int, default=500)
    parser.add_argument("--finished", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="page loads per page")
    parser.add_argument("--changes", type=int, default=30, help="webhooks timed in the browser")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        started = time.perf_counter()
        seed(folder, args.active, args.finished)
        print(f"seeded {args.active} active + {args.finished} finished requests "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        with _servers.tracker(folder) as url, httpx.Client(base_url=url, timeout=30) as client:
            cards = client.get("/").text.count("data-request-card")
            print(f"dashboard shows {cards} cards")
            for label, path in (
                (f"GET /            ({args.active} active)", "/"),
                ("GET /history     (page 1)", "/history"),
                ("GET /history     (page 400)", "/history?page=400"),
                ("GET /?user=bob&q=number", "/?user=bob&q=number"),
            ):
                server, waited = time_page(client, path, args.requests)
                print(f"{label:36} server {percentiles(server)} | client {percentiles(waited)}")
            created, changed = browser_latency(url, args.changes)
            print(f"webhook POST → new card in the DOM   {percentiles(created)}")
            print(f"webhook POST → card badge changed    {percentiles(changed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
