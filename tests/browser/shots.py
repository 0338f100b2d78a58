"""Screenshots of the real app playing the demo, for the README (``scripts/screenshots``).

    scripts/screenshots [--out docs/screenshots]

Starts ``status-tracker demo`` (the real server, its simulator posting the demo stories to
the real ``/hooks``, and the simulated qBittorrent the real poller follows) on a free
loopback port over a fresh database. Once a film is downloading and the anime is being
matched, it shoots the dashboard, the detail pages and the history at 375 px (phone) and
1280 px (desktop), light and dark, with Debian's chromium. The first-run page comes from
``status-tracker serve`` over an empty database. PNGs the run did not write are removed
from ``--out``, so the folder never keeps a stale picture. The demo's posters are TMDB
URLs; offline the cards show their placeholder.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

from .chromium import CHROMIUM, CHROMIUM_ARGS

logger = logging.getLogger("screenshots")

ROOT = Path(__file__).resolve().parent.parent.parent
VIEWPORTS = {"phone": (375, 812), "desktop": (1280, 900)}
DARK = frozenset({"dashboard"})
SETTLE = """async () => {
  await Promise.all([...document.images].map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener("load", done, { once: true });
    img.addEventListener("error", done, { once: true });
  })));
  window.scrollTo(0, 0);
}"""
"""Resolves once every (lazy) poster has loaded or failed; the page is then scrolled back up."""


def shoot(
    browser: Browser, base: str, out: Path, pages: Mapping[str, str], dark: frozenset[str] = DARK
) -> list[Path]:
    """Screenshot each ``name → path`` of ``base`` at both widths (and dark for ``dark``)."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for width_name, (width, height) in VIEWPORTS.items():
        for scheme in ("light", "dark"):
            names = [name for name in pages if scheme == "light" or name in dark]
            if not names:
                continue
            context = browser.new_context(
                viewport={"width": width, "height": height},
                device_scale_factor=1,
                color_scheme=scheme,
                is_mobile=width_name == "phone",
                has_touch=width_name == "phone",
                locale="en-GB",
                timezone_id="Europe/London",
            )
            try:
                page = context.new_page()
                for name in names:
                    page.goto(base + pages[name])
                    if page.locator("[sse-connect]").count():
                        page.locator('[data-live-status][data-state="open"]').wait_for()
                    _settle(page)
                    suffix = "" if scheme == "light" else "-dark"
                    target = out / f"{name}-{width_name}{suffix}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                    logger.info("wrote %s", target)
            finally:
                context.close()
    return written


def _settle(page: Page) -> None:
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    for y in range(0, height, 400):
        page.evaluate("(y) => window.scrollTo(0, y)", y)
    page.evaluate(SETTLE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def server(command: str, folder: Path) -> Iterator[str]:
    """``status-tracker <command>`` on a free loopback port over ``folder``; yields its URL."""
    port = _free_port()
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{folder}/tracker.db",
        "TRACKER_DATA_DIR": str(folder),
        "TRACKER_LOG_LEVEL": "WARNING",
    }
    args = [sys.executable, "-m", "status_tracker", command, "--host", "127.0.0.1"]
    process = subprocess.Popen([*args, "--port", str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"status-tracker {command} did not start")
            with contextlib.suppress(httpx.TransportError):
                httpx.get(base + "/api/health", timeout=1)
                break
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _items(base: str, scope: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{base}/api/requests", params={"scope": scope, "limit": 500}, timeout=5)
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def wait_for_the_good_moment(base: str, limit: float = 120.0) -> list[dict[str, Any]]:
    """Active requests once a download is under way and an anime is being matched."""
    deadline = time.monotonic() + limit
    while True:
        items = _items(base, "active")
        states = {item["state"] for item in items}
        downloading = any(
            item["state"] == "downloading" and (item["progress"] or 0) >= 0.2 for item in items
        )
        if downloading and "anime_indexing" in states:
            return items
        if time.monotonic() > deadline:
            logger.warning("the demo never reached the moment; shooting what there is")
            return items
        time.sleep(0.2)


def detail_pages(items: list[dict[str, Any]], history: list[dict[str, Any]]) -> dict[str, str]:
    """Detail pages worth showing: a download, an anime, a failure."""
    pages: dict[str, str] = {}
    for name, wanted in (
        ("detail", ("downloading", "download_done", "importing", "indexed")),
        ("detail-anime", ("anime_indexing", "available")),
        ("detail-failed", ("failed",)),
    ):
        for item in [*items, *history]:
            if item["state"] in wanted and (name != "detail-anime" or item["is_anime"]):
                pages[name] = f"/requests/{item['id']}"
                break
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    written: list[Path] = []
    with (
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory(prefix="screenshots-") as folder,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            empty, demo = Path(folder) / "empty", Path(folder) / "demo"
            empty.mkdir()
            demo.mkdir()
            with server("serve", empty) as base:
                written += shoot(browser, base, args.out, {"first-run": "/"})
            with server("demo", demo) as base:
                items = wait_for_the_good_moment(base)
                written += shoot(browser, base, args.out, {"dashboard": "/"})
                pages = detail_pages(items, _items(base, "history"))
                written += shoot(browser, base, args.out, {**pages, "history": "/history"})
        finally:
            browser.close()
    for stale in set(args.out.glob("*.png")) - set(written):
        stale.unlink()
        logger.info("removed %s", stale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
