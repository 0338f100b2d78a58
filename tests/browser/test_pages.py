"""The real app in a real browser: data from real webhooks, live swaps, filters, the detail
timeline, escaping, CSP, phone layout, reconnecting and catching up."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect

from status_tracker.config import Settings
from status_tracker.web.app import create_app
from tests.support import Running

from . import shots
from .upstream import (
    FakeRadarr,
    PosterServer,
    post,
    radarr_download,
    radarr_grab,
    seed,
    seerr,
    shoko_matched,
    sonarr_download_anime,
    sonarr_grab_anime,
)

Start = Callable[..., Running]

SSE_HOOKS = """document.addEventListener('htmx:sseOpen', (event) => {
  const root = document.documentElement;
  const count = (name) => { root.dataset[name] = String(Number(root.dataset[name] || 0) + 1); };
  count('sseOpens');
  const source = event.detail && event.detail.source;
  if (source && !source.testHooked) {
    source.testHooked = true;
    source.addEventListener('ready', () => count('sseReady'));
  }
});"""
"""Counts stream openings and 'ready' (caught up) on <html>; no eval, so CSP stays strict."""


@pytest.fixture
def app(start: Start) -> Running:
    """The real app on a loopback port (request it before ``page``: it stops after it)."""
    return start()


@pytest.fixture
def live(page: Page) -> Page:
    """``page`` with the SSE hooks installed."""
    page.add_init_script(SSE_HOOKS)
    return page


def open_live(page: Page, url: str, ready: int = 1) -> None:
    """Go to ``url`` and wait until its stream has caught up (events now arrive live)."""
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("data-sse-ready", str(ready))


def collect_problems(page: Page, base: str) -> list[str]:
    """Console errors and requests to any other origin, gathered while the test runs."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    def on_request(request: Request) -> None:
        if not request.url.startswith(base + "/"):
            problems.append(f"off-origin request: {request.url}")

    page.on("console", on_console)
    page.on("request", on_request)
    return problems


def anime_chain(request_id: int, title: str, tvdb_id: int) -> list[tuple[str, dict[str, object]]]:
    """Jellyseerr → Sonarr grab → Sonarr import → Shoko match: an anime being matched."""
    return [
        (
            "jellyseerr",
            seerr("MEDIA_AUTO_APPROVED", request_id, title, media_type="tv", tvdb_id=tvdb_id),
        ),
        ("sonarr", sonarr_grab_anime(request_id, title, tvdb_id=tvdb_id)),
        ("sonarr", sonarr_download_anime(request_id, title, tvdb_id=tvdb_id)),
        ("shoko", shoko_matched(title)),
    ]


def ids_by_title(running: Running) -> dict[str, int]:
    with running.client() as client:
        items = client.get("/api/requests", params={"scope": "all", "limit": 500}).json()["items"]
    return {item["title"]: item["id"] for item in items}


def test_dashboard_renders_what_the_webhooks_said(
    app: Running, posters: PosterServer, live: Page
) -> None:
    seed(
        app,
        ("jellyseerr", seerr("MEDIA_AUTO_APPROVED", 2, "Ronin", year=1998, user="carol")),
        ("radarr", radarr_grab(2, "Ronin", year=1998, quality="Bluray-1080p")),
        ("jellyseerr", seerr("MEDIA_FAILED", 3, "Arrival", year=2016)),
        *anime_chain(4, "Frieren", tvdb_id=44),
        (
            "jellyseerr",
            seerr("MEDIA_PENDING", 1, "Heat", user="bob", image=f"{posters.url}/p/1.png"),
        ),
    )
    ids = ids_by_title(app)
    problems = collect_problems(live, app.base_url)
    open_live(live, app.base_url + "/")
    cards = live.locator("#request-list > li[data-request-card]")
    expect(cards).to_have_count(4)
    heat = live.locator(f"#request-{ids['Heat']}")
    expect(heat).to_contain_text("Heat (2020)")
    expect(heat).to_contain_text("bob")
    expect(heat.locator("[data-badge]")).to_have_text("Requested")
    ronin = live.locator(f"#request-{ids['Ronin']}")
    expect(ronin.locator("[data-badge]")).to_have_text("Found")
    expect(ronin).to_contain_text("Bluray-1080p")
    arrival = live.locator(f"#request-{ids['Arrival']}")
    expect(arrival.locator("[data-badge]")).to_have_text("Failed")
    expect(arrival.locator("[data-error]")).to_contain_text("Could not be sent to Radarr")
    frieren = live.locator(f"#request-{ids['Frieren']}")
    expect(frieren.locator("[data-badge]")).to_have_text("Matching")
    expect(frieren).to_contain_text("Anime")
    expect(live.locator("[data-live-status]")).to_have_text("Live")
    poster = heat.locator("img[data-poster]")
    expect(poster).to_have_attribute("src", f"/posters/{ids['Heat']}")
    live.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 40", arg=poster.element_handle()
    )
    assert live.evaluate("document.documentElement.scrollWidth") <= 375
    assert problems == [], "\n".join(problems)
    assert posters.hits["/p/1.png"] == 1


def test_every_page_fits_a_phone_and_loads_only_our_origin(app: Running, page: Page) -> None:
    seed(
        app,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "A film with a rather long title, " * 3)),
        ("jellyseerr", seerr("MEDIA_FAILED", 2, "Arrival")),
        ("jellyseerr", seerr("MEDIA_DECLINED", 3, "The Room", user="dave")),
        *anime_chain(4, "Frieren", tvdb_id=44),
    )
    problems = collect_problems(page, app.base_url)
    for path in ("/", "/history", "/requests/1", "/requests/2", "/requests/4", "/requests/9"):
        page.goto(app.base_url + path)
        expect(page.locator("main h1").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways ({width}px)"
    assert [p for p in problems if "404" not in p] == [], "\n".join(problems)


def test_a_webhook_changes_only_its_card_in_place_within_a_second(app: Running, live: Page) -> None:
    seed(
        app,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat")),
        ("jellyseerr", seerr("MEDIA_PENDING", 2, "Ronin")),
        ("jellyseerr", seerr("MEDIA_PENDING", 3, "Collateral")),
    )
    open_live(live, app.base_url + "/")
    live.evaluate(
        """() => {
          window.stillTheSamePage = true;
          document.querySelectorAll('#request-list > li').forEach((li) => { li.original = true; });
        }"""
    )
    with app.client() as client:
        post(client, "radarr", radarr_grab(2, "Ronin", quality="WEBDL-2160p"))
        ronin = live.locator("#request-2")
        expect(ronin.locator("[data-badge]")).to_have_text("Found", timeout=1000)
        expect(ronin).to_contain_text("WEBDL-2160p", timeout=1000)
        after = live.evaluate(
            """() => ({
              same: window.stillTheSamePage === true,
              cards: [...document.querySelectorAll('#request-list > li')]
                .map((li) => [li.id, li.original === true]),
            })"""
        )
        assert after == {
            "same": True,
            "cards": [["request-3", True], ["request-2", False], ["request-1", True]],
        }
        post(client, "jellyseerr", seerr("MEDIA_PENDING", 4, "Nosferatu", user="erin"))
        first = live.locator("#request-list > li").first
        expect(first).to_have_id("request-4", timeout=1000)
        expect(first).to_contain_text("Nosferatu")
    assert live.evaluate("window.stillTheSamePage") is True


def test_filters_are_plain_get_forms_that_work_without_javascript(
    app: Running, browser: Browser
) -> None:
    seed(
        app,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat", user="bob")),
        ("jellyseerr", seerr("MEDIA_PENDING", 2, "Heat Wave", user="carol")),
        ("jellyseerr", seerr("MEDIA_AUTO_APPROVED", 3, "Arcane", media_type="tv", tvdb_id=3)),
    )
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 812})
    try:
        page = context.new_page()
        page.goto(app.base_url + "/")
        page.get_by_label("Requested by", exact=True).select_option("bob")
        page.get_by_label("Type", exact=True).select_option("movie")
        page.get_by_label("Title", exact=True).fill("heat")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url(lambda url: "?" in url)
        assert urlsplit(page.url).path == "/"
        assert parse_qs(urlsplit(page.url).query, keep_blank_values=True) == {
            "q": ["heat"],
            "user": ["bob"],
            "state": [""],
            "media_type": ["movie"],
        }
        expect(page.locator("#request-list > li")).to_have_count(1)
        expect(page.locator("#request-1")).to_be_visible()
        page.goto(app.base_url + "/history")
        assert page.url.endswith("/history?user=bob")
        page.get_by_role("link", name="Clear filters").click()
        page.goto(app.base_url + "/")
        assert urlsplit(page.url).query == ""
        expect(page.locator("#request-list > li")).to_have_count(3)
    finally:
        context.close()


def test_my_requests_is_remembered_and_a_filtered_dashboard_stays_live(
    app: Running, live: Page
) -> None:
    seed(
        app,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat", user="bob")),
        ("jellyseerr", seerr("MEDIA_PENDING", 2, "Ronin", user="carol")),
        ("jellyseerr", seerr("MEDIA_PENDING", 3, "Collateral", user="carol")),
    )
    open_live(live, app.base_url + "/")
    live.get_by_label("Requested by", exact=True).select_option("carol")
    live.wait_for_url(lambda url: "user=carol" in url)
    live.goto(app.base_url + "/history")
    assert live.url.endswith("/history?user=carol")
    live.goto(app.base_url + "/")
    assert live.url.endswith("/?user=carol")
    expect(live.locator("html")).to_have_attribute("data-sse-ready", "1")
    expect(live.locator("#request-list > li:not([hidden])")).to_have_count(2)
    with app.client() as client:
        post(client, "jellyseerr", seerr("MEDIA_PENDING", 4, "Thief", user="bob"))
        post(client, "jellyseerr", seerr("MEDIA_PENDING", 5, "Arrival", user="carol"))
        expect(live.locator("#request-list > li").first).to_have_id("request-5", timeout=1000)
    expect(live.locator("#request-4")).to_have_count(0)

    live.goto(app.base_url + "/?user=&state=requested")
    expect(live.locator("html")).to_have_attribute("data-sse-ready", "1")
    with app.client() as client:
        post(client, "jellyseerr", seerr("MEDIA_APPROVED", 1, "Heat", user="bob"))
        expect(live.locator("#request-1")).to_be_hidden(timeout=1000)
    expect(live.locator("#request-list > li:not([hidden])")).to_have_count(4)


def test_detail_timeline_for_an_anime_and_a_movie_that_moves_on(app: Running, live: Page) -> None:
    seed(
        app,
        *anime_chain(4, "Frieren", tvdb_id=44),
        ("jellyseerr", seerr("MEDIA_AUTO_APPROVED", 6, "Heat")),
        ("radarr", radarr_grab(6, "Heat", quality="Bluray-1080p")),
    )
    ids = ids_by_title(app)
    live.goto(f"{app.base_url}/requests/{ids['Frieren']}")
    step = lambda name: live.locator(f'[data-step="{name}"]')  # noqa: E731
    expect(step("requested")).to_have_attribute("data-status", "done")
    expect(step("indexed")).to_have_attribute("data-status", "done")
    expect(step("anime_indexing")).to_have_attribute("data-status", "current")
    expect(step("anime_indexing")).to_contain_text("Matching")
    expect(step("available")).to_have_attribute("data-status", "todo")
    expect(live.locator("[data-timeline-entry]").first).to_contain_text("Matching")

    open_live(live, f"{app.base_url}/requests/{ids['Heat']}")
    expect(step("anime_indexing")).to_have_count(0)
    expect(step("indexed")).to_have_attribute("data-status", "current")
    expect(step("indexed")).to_contain_text("Found (Bluray-1080p)")
    with app.client() as client:
        post(client, "radarr", radarr_download(6, "Heat"))
    expect(step("importing")).to_have_attribute("data-status", "current")
    expect(step("indexed")).to_have_attribute("data-status", "done")
    expect(live.locator("#request-detail [data-badge]")).to_have_text("Adding to library")
    expect(live.locator("#request-detail")).to_have_count(1)


def test_a_failure_shows_its_reason_and_why_retry_is_not_offered(app: Running, page: Page) -> None:
    seed(
        app,
        ("jellyseerr", seerr("MEDIA_AUTO_APPROVED", 7, "Arrival")),
        ("jellyseerr", seerr("MEDIA_FAILED", 7, "Arrival")),
    )
    page.goto(app.base_url + "/requests/1")
    problem = page.locator("[data-problem]")
    expect(problem).to_contain_text("This request failed")
    expect(problem).to_contain_text("Could not be sent to Radarr")
    expect(page.locator('[data-status="failed"]')).to_have_count(1)
    expect(page.locator("[data-retry-note]")).to_be_visible()
    expect(page.get_by_role("button", name="Search again")).to_have_count(0)


def test_retry_button_sends_a_new_search_and_says_so(
    start: Start, make_settings: Callable[..., Settings], page: Page
) -> None:
    with FakeRadarr() as radarr:
        app = start(make_settings(radarr_url=radarr.url, radarr_api_key="k3y"))
        seed(app, ("jellyseerr", seerr("MEDIA_FAILED", 7, "Arrival")))
        page.goto(app.base_url + "/requests/1")
        page.get_by_role("button", name="Search again").click()
        page.wait_for_url(lambda url: url.endswith("/requests/1?retry=sent"), timeout=5000)
        expect(page.locator("[data-notice]")).to_contain_text("A new search was sent.")
        expect(page.locator("#request-detail [data-badge]")).to_have_text("Searching")
        assert [body["name"] for _, body in radarr.commands] == ["MoviesSearch"]


def test_hostile_titles_are_shown_as_text_and_never_run(app: Running, live: Page) -> None:
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> "onerror=x'
    seed(app, ("jellyseerr", seerr("MEDIA_PENDING", 1, hostile, user="<b>eve</b>")))
    dialogs: list[str] = []
    live.on("dialog", lambda dialog: dialogs.append(dialog.message))
    open_live(live, app.base_url + "/")
    title = live.locator("#request-1 h2 a")
    expect(title).to_have_text(hostile)
    expect(live.locator("#request-1")).to_contain_text("<b>eve</b>")
    with app.client() as client:
        post(client, "jellyseerr", seerr("MEDIA_APPROVED", 1, hostile, user="<b>eve</b>"))
    expect(live.locator("#request-1 [data-badge]")).not_to_have_text("Requested")
    live.goto(app.base_url + "/requests/1")
    expect(live.locator("main h1")).to_contain_text(hostile)
    assert live.evaluate("window.pwned") is None
    assert dialogs == []


def test_times_are_shown_in_the_readers_time_zone(start: Start, page: Page) -> None:
    moment = datetime(2026, 3, 14, 3, 30, tzinfo=UTC)
    app = start(clock=lambda: moment)
    seed(app, ("jellyseerr", seerr("MEDIA_PENDING", 1, "Pi")))
    page.goto(app.base_url + "/requests/1")
    step_time = page.locator('[data-step="requested"] time')
    # 03:30 UTC is 12:30 in Tokyo (the context's time zone); the server wrote UTC
    expect(step_time).to_have_text("14 Mar, 12:30")
    expect(step_time).to_have_attribute("title", "14 Mar 2026, 12:30 GMT+9")


def test_first_run_guide_gives_way_to_the_first_request(app: Running, live: Page) -> None:
    open_live(live, app.base_url + "/")
    guide = live.locator("[data-empty-install]")
    expect(guide).to_be_visible()
    expect(guide).to_contain_text(f"{app.base_url}/hooks/sonarr")
    with app.client() as client:
        post(client, "jellyseerr", seerr("MEDIA_PENDING", 1, "Alien: Romulus"))
    expect(live.locator("#request-1")).to_be_visible()
    expect(guide).to_be_hidden()


# --- reconnecting --------------------------------------------------------------------------


def serve_on(settings: Settings, port: int) -> Running:
    """The app again on ``port`` (a restart), over the same database."""
    app = create_app(settings)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive(), "server stopped"
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.01)
    return Running(f"http://127.0.0.1:{port}", settings, app.state.tracker, server, thread)


@pytest.fixture
def restarted() -> Iterator[list[Running]]:
    """Servers a test starts by hand; stopped at the end."""
    servers: list[Running] = []
    yield servers
    for server in servers:
        server.stop()


def test_after_a_restart_the_page_shows_reconnecting_then_catches_up(
    app: Running, restarted: list[Running], live: Page
) -> None:
    seed(app, ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat")))
    open_live(live, app.base_url + "/")
    status = live.locator("[data-live-status]")
    expect(status).to_have_text("Live")
    live.route("**/ui/sse*", lambda route: route.abort())  # hold the browser off for a moment
    app.stop()
    expect(status).to_have_attribute("data-state", "reconnecting")
    expect(status).to_have_text("Reconnecting…")

    port = int(app.base_url.rsplit(":", 1)[1])
    again = serve_on(app.settings, port)
    restarted.append(again)
    seed(again, ("radarr", radarr_grab(1, "Heat", quality="Remux-2160p")))
    live.unroute("**/ui/sse*")
    card = live.locator("#request-1")
    expect(card.locator("[data-badge]")).to_have_text("Found", timeout=15_000)
    expect(card).to_contain_text("Remux-2160p")
    expect(status).to_have_text("Live")


def test_the_screenshot_script_writes_phone_and_desktop_pictures(
    app: Running, browser: Browser, tmp_path: Path
) -> None:
    seed(
        app,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat")),
        ("jellyseerr", seerr("MEDIA_FAILED", 2, "Arrival")),
    )
    pages = shots.detail_pages(ids_and_states(app), [])
    assert pages == {"detail-failed": "/requests/2"}
    written = shots.shoot(browser, app.base_url, tmp_path, {"dashboard": "/", **pages})
    widths = {path.name: png_width(path) for path in written}
    assert widths == {
        "dashboard-phone.png": 375,
        "dashboard-phone-dark.png": 375,
        "detail-failed-phone.png": 375,
        "dashboard-desktop.png": 1280,
        "dashboard-desktop-dark.png": 1280,
        "detail-failed-desktop.png": 1280,
    }


def ids_and_states(running: Running) -> list[dict[str, Any]]:
    with running.client() as client:
        items: list[dict[str, Any]] = client.get("/api/requests").json()["items"]
    return items


def png_width(path: Path) -> int:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(header[16:20], "big")
