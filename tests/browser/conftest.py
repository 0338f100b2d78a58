"""Browser fixtures: Playwright drives Debian's /usr/bin/chromium (never a downloaded build).

``browser_type_launch_args`` overrides pytest-playwright's own fixture, so its ``context``
and ``page`` fixtures (and ``--headed``) use the system chromium with the flags this closed
network needs. ``playwright`` … ``browser`` are re-declared with package scope: sync
Playwright keeps an asyncio loop marked as running while it is alive, so a session-wide
instance would break every async test that runs after this package.
The pages under test are the real app (``start`` from tests/conftest.py: uvicorn on a
loopback port over a fresh SQLite file) fed through its real ``/hooks``; ``posters`` is a
local image server standing in for TMDB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserType, Playwright, sync_playwright

from .chromium import CHROMIUM, CHROMIUM_ARGS
from .upstream import PosterServer


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch the system chromium; fail loudly (not skip) when it is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """One Playwright for this package only, stopped before any other package's tests."""
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    """Chromium (pytest-playwright's ``--browser`` option still picks the name)."""
    browser_type: BrowserType = getattr(playwright, browser_name)
    return browser_type


@pytest.fixture(scope="package")
def launch_browser(
    browser_type_launch_args: dict[str, Any], browser_type: BrowserType
) -> Callable[..., Browser]:
    """Launch another browser with the same options (and per-call overrides)."""

    def launch(**kwargs: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    """The system chromium, shared by this package's tests."""
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """No default base URL (replaces pytest-playwright's fallback, which pytest 9 warns on)."""
    return None


@pytest.fixture
def browser_context_args() -> dict[str, Any]:
    """A phone-sized page with a fixed locale and time zone, so local times are predictable.

    Replaces pytest-playwright's session-scoped version, which needs a session-wide Playwright.
    """
    return {
        "viewport": {"width": 375, "height": 812},
        "locale": "en-GB",
        "timezone_id": "Asia/Tokyo",
    }


@pytest.fixture
def posters() -> Iterator[PosterServer]:
    """Poster images on 127.0.0.1, standing in for TMDB."""
    with PosterServer() as server:
        yield server
