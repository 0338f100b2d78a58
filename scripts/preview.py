#!/usr/bin/env python3
"""Render the page templates with sample data (no server) and screenshot them.

    .venv/bin/python scripts/preview.py [--out build/preview] [--shots build/preview/shots]

For work on the templates: every state at once (progress, episodes, errors, posters)
without running anything. The static site lands in ``--out`` (open it through ``--serve``
to click around); PNGs at 375 px (phone) and 1280 px (desktop) wide land in ``--shots``.
The README's pictures come from the real app instead: ``scripts/screenshots``. Needs
``apt-get install chromium`` and the ``playwright`` Python package; no browser download.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import shutil
import sys
import threading
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import sample_site  # noqa: E402  (lives with the browser tests)
from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

logger = logging.getLogger("preview")

PAGES = {
    "dashboard": "/",
    "detail-downloading": "/requests/1",
    "detail-anime": "/requests/2",
    "detail-failed": "/requests/5",
    "history": "/history",
    "first-run": "/empty",
}
VIEWPORTS = {"phone": (375, 812), "desktop": (1280, 900)}
DARK = ("dashboard", "detail-anime")
IMAGES_SETTLED = """async () => {
  await Promise.all([...document.images].map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener("load", done, { once: true });
    img.addEventListener("error", done, { once: true });
  })));
  window.scrollTo(0, 0);
}"""
"""Resolves once every (lazy) poster has loaded or failed; the page is then scrolled back up."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "preview")
    parser.add_argument("--shots", type=Path, default=ROOT / "build" / "preview" / "shots")
    parser.add_argument("--serve", action="store_true", help="keep serving after the shots")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    if args.out.exists():
        shutil.rmtree(args.out)
    args.shots = args.shots.resolve()
    sample_site.render_site(args.out)
    args.shots.mkdir(parents=True, exist_ok=True)
    with sample_site.SiteServer(args.out) as server:
        logger.info("serving %s at %s", args.out, server.url)
        shoot(server.url, args.shots)
        if args.serve:
            logger.info("Ctrl-C to stop")
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()
    return 0


def shoot(base: str, shots: Path) -> None:
    """Take every page at every width (and a few in dark mode) into ``shots``."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for width_name, (width, height) in VIEWPORTS.items():
                for scheme in ("light", "dark"):
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        device_scale_factor=1,
                        color_scheme=scheme,
                        is_mobile=width_name == "phone",
                        has_touch=width_name == "phone",
                        locale="en-GB",
                        timezone_id="Europe/London",
                    )
                    page = context.new_page()
                    for name, path in PAGES.items():
                        if scheme == "dark" and name not in DARK:
                            continue
                        page.goto(base + path)
                        if page.locator("[sse-connect]").count():
                            page.locator('[data-live-status][data-state="open"]').wait_for()
                        settle_images(page)
                        suffix = "" if scheme == "light" else "-dark"
                        target = shots / f"{name}-{width_name}{suffix}.png"
                        page.screenshot(path=str(target), full_page=True)
                        logger.info("wrote %s", target.relative_to(ROOT))
                    context.close()
        finally:
            browser.close()


def settle_images(page: Page) -> None:
    """Scroll through the page so lazy posters load, then wait for all of them."""
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    for y in range(0, height, 400):
        page.evaluate("(y) => window.scrollTo(0, y)", y)
    page.evaluate(IMAGES_SETTLED)


if __name__ == "__main__":
    sys.exit(main())
