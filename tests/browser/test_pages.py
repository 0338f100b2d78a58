"""The pages in a real browser: rendering, CSP, phone layout, live SSE swaps, local times."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect

from .sample_site import (
    SiteServer,
    active_requests,
    make_request,
    render_card,
    render_detail,
    timeline_for,
    with_state,
)

SSE_OPEN = """document.addEventListener('htmx:sseOpen', () => {
  const root = document.documentElement;
  root.dataset.sseOpens = String(Number(root.dataset.sseOpens || 0) + 1);
});"""
"""Counts SSE (re)connections on <html data-sse-opens>; page JS stays CSP-clean (no eval)."""


def _collect_problems(page: Page, base: str) -> list[str]:
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # the sample's one deliberately missing poster may 404; anything else is a problem
        if message.type == "error" and "/posters/missing" not in message.location.get("url", ""):
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    def on_request(request: Request) -> None:
        if not request.url.startswith(base + "/"):
            problems.append(f"off-origin request: {request.url}")

    page.on("console", on_console)
    page.on("request", on_request)
    return problems


def _open_live(page: Page, url: str) -> None:
    page.add_init_script(SSE_OPEN)
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("data-sse-opens", "1")


def test_dashboard_renders_from_local_server_without_csp_errors(
    page: Page, site: SiteServer
) -> None:
    problems = _collect_problems(page, site.url)
    page.goto(site.url + "/")
    batman = page.locator("#request-1")
    expect(batman).to_contain_text("The Batman")
    expect(batman.locator("[data-progress-text]")).to_have_text("67 % · 2.3 MB/s · ETA 4 min")
    expect(page.locator("#request-8 [data-episodes]")).to_have_text("3 of 10 episodes downloaded")
    expect(page.locator("#request-4").get_by_role("link", name="Watch now")).to_be_visible()
    expect(page.locator("[data-live-status]")).to_have_text("Live")
    # the broken poster (/posters/missing-5) is hidden so its placeholder shows
    expect(page.locator("#request-5 img[data-poster]")).to_be_hidden()
    expect(page.locator("#request-1 img[data-poster]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert problems == [], "\n".join(problems)


def test_every_page_fits_a_phone_and_loads_only_our_origin(page: Page, site: SiteServer) -> None:
    problems = _collect_problems(page, site.url)
    for path in (
        "/",
        "/history",
        "/empty",
        "/requests/1",
        "/requests/2",
        "/requests/5",
        "/requests/14",
    ):
        page.goto(site.url + path)
        expect(page.locator("main h1")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways ({width}px)"
    assert problems == [], "\n".join(problems)


def test_sse_event_replaces_one_card_and_new_request_goes_on_top(
    page: Page, site: SiteServer, now: datetime
) -> None:
    _open_live(page, site.url + "/")
    untouched = page.locator("#request-8 [data-progress-text]").inner_text()

    done = make_request(
        1,
        now,
        title="The Batman",
        year=2022,
        state="available",
        watch_url="http://jellyfin.lan:8096/web/#/details?id=1",
        updated_at=now.isoformat(),
    )
    site.hub.publish("request-1", render_card(done))
    card = page.locator("#request-1")
    expect(card.locator("[data-badge]")).to_have_text("Ready to watch")
    expect(card.get_by_role("link", name="Watch now")).to_be_visible()
    expect(page.locator("#request-1")).to_have_count(1)
    expect(page.locator("#request-8 [data-progress-text]")).to_have_text(untouched)

    # the swapped card keeps listening: a second update to it lands too
    failed = with_state(done, "failed", watch_url=None, error="Gone")
    site.hub.publish("request-1", render_card(failed))
    expect(card.locator("[data-badge]")).to_have_text("Failed")

    fresh = make_request(
        99, now, title="Nosferatu", year=2024, state="requested", requested_by="bob"
    )
    site.hub.publish("new-request", render_card(fresh))
    expect(page.locator("#request-list > li").first).to_have_id("request-99")
    site.hub.publish("request-99", render_card(with_state(fresh, "approved")))
    expect(page.locator("#request-99 [data-badge]")).to_have_text("Approved")


def test_new_request_for_a_card_already_shown_replaces_it(
    page: Page, site: SiteServer, now: datetime
) -> None:
    _open_live(page, site.url + "/")
    moved = active_requests(now)[-1]  # the last card, Wicked
    site.hub.publish("new-request", render_card(with_state(moved, "approved")))
    expect(page.locator(f"#request-{moved['id']}")).to_have_count(1)
    expect(page.locator("#request-list > li").first).to_have_id(f"request-{moved['id']}")


def test_first_card_over_sse_hides_the_empty_state(
    page: Page, site: SiteServer, now: datetime
) -> None:
    _open_live(page, site.url + "/empty")
    guide = page.locator("[data-empty-install]")
    expect(guide).to_be_visible()
    expect(guide.locator("[data-qbittorrent-command]")).to_contain_text(
        '--data-urlencode "hash=%I"'
    )
    site.hub.publish("new-request", render_card(make_request(50, now, title="Alien: Romulus")))
    expect(page.locator("#request-50")).to_be_visible()
    expect(guide).to_be_hidden()


def test_detail_page_refetches_itself_on_its_sse_event(
    page: Page, site: SiteServer, now: datetime
) -> None:
    _open_live(page, site.url + "/requests/1")
    expect(page.locator('[data-step="downloading"]')).to_have_attribute("data-status", "current")

    r = with_state(active_requests(now)[0], "importing", progress=1.0)
    timeline = [*timeline_for(active_requests(now)[0], now)]
    timeline.append(
        {
            "state": "importing",
            "label": "Adding to library",
            "timestamp": now.isoformat(),
            "source": "radarr",
            "message": "Importing The Batman",
            "details": {},
        }
    )
    render_detail(site.root, r, timeline)
    site.hub.publish("request-1", render_card(r))

    expect(page.locator('[data-step="importing"]')).to_have_attribute("data-status", "current")
    expect(page.locator('[data-step="downloading"]')).to_have_attribute("data-status", "done")
    expect(page.locator("#request-detail [data-badge]")).to_have_text("Adding to library")
    expect(page.locator("#request-detail")).to_have_count(1)


def test_live_indicator_shows_reconnecting_then_live(page: Page, site: SiteServer) -> None:
    _open_live(page, site.url + "/")
    status = page.locator("[data-live-status]")
    expect(status).to_have_text("Live")
    site.hub.refuse.set()
    site.hub.close_all()
    expect(status).to_have_text("Reconnecting…")
    expect(status).to_have_attribute("data-state", "reconnecting")
    site.hub.refuse.clear()
    expect(status).to_have_text("Live", timeout=20_000)
    expect(page.locator("html")).to_have_attribute("data-sse-opens", re.compile(r"^[2-9]|\d\d"))


def test_times_show_in_the_readers_time_zone(page: Page, site: SiteServer) -> None:
    at = datetime(2026, 3, 14, 3, 30, tzinfo=UTC)
    r = make_request(
        77, at, title="Pi", state="requested", created_at=at.isoformat(), updated_at=at.isoformat()
    )
    render_detail(site.root, r, timeline_for(r, at))
    page.goto(site.url + "/requests/77")
    step_time = page.locator('[data-step="requested"] time')
    # 03:30 UTC is 12:30 in Tokyo (the context's time zone); the server wrote UTC
    expect(step_time).to_have_text("14 Mar, 12:30")
    expect(step_time).to_have_attribute("title", "14 Mar 2026, 12:30 GMT+9")
    expect(page.locator("dd time").first).to_have_attribute("title", "14 Mar 2026, 12:30 GMT+9")


def test_filters_are_a_plain_get_form_without_javascript(
    browser: Browser, site: SiteServer
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 812})
    try:
        page = context.new_page()
        page.goto(site.url + "/")
        page.get_by_label("Requested by", exact=True).select_option("bob")
        page.get_by_label("Status", exact=True).select_option("downloading")
        page.get_by_label("Title", exact=True).fill("bat man")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url(lambda url: "?" in url)
        query = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
        assert query == {
            "q": ["bat man"],
            "user": ["bob"],
            "state": ["downloading"],
            "media_type": [""],
        }
        assert urlsplit(page.url).path == "/"
    finally:
        context.close()


def test_updated_card_keeps_relative_times_fresh(
    page: Page, site: SiteServer, now: datetime
) -> None:
    _open_live(page, site.url + "/")
    r = {**active_requests(now)[0], "updated_at": (now - timedelta(minutes=10)).isoformat()}
    site.hub.publish("request-1", render_card(r))
    expect(page.locator("#request-1 time")).to_have_text("10 min ago")
