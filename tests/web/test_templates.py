"""Page templates and display helpers: wording, steps, links, escaping, CSP hygiene, assets."""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import pytest

from status_tracker.core.states import LABELS, PIPELINE, RequestState
from status_tracker.web import presenters as p

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
EVIL = '<script>alert(1)</script> "onerror=alert(2) x="'
CONTRACT_QBIT_LINE = (
    'curl -fsS -m 5 --data-urlencode "hash=%I" --data-urlencode "name=%N" --data-urlencode '
    '"path=%F" --data-urlencode "save_path=%D" --data-urlencode "category=%L" --data-urlencode '
    '"size=%Z" "http://HOST:8000/hooks/qbittorrent?token=SECRET"'
)


def req(request_id: int = 1, **fields: Any) -> dict[str, Any]:
    """A Request dict with every field of the JSON API."""
    state = RequestState(fields.get("state", "requested"))
    r: dict[str, Any] = {
        "id": request_id,
        "title": "Heat",
        "year": 1995,
        "media_type": "movie",
        "state": state.value,
        "state_label": LABELS[state],
        "progress": None,
        "download": None,
        "episodes": None,
        "quality": None,
        "requested_by": "erin",
        "is_anime": False,
        "tmdb_id": 949,
        "tvdb_id": None,
        "jellyseerr_request_id": 3,
        "download_ids": [],
        "watch_url": None,
        "poster_url": None,
        "error": None,
        "created_at": (NOW - timedelta(hours=2)).isoformat(),
        "updated_at": (NOW - timedelta(minutes=5)).isoformat(),
        "completed_at": None,
    }
    r.update(fields)
    r["state_label"] = LABELS[RequestState(r["state"])]
    return r


def ev(state: str, minutes: int, message: str = "", source: str = "sonarr") -> dict[str, Any]:
    """A TimelineEntry dict ``minutes`` after NOW."""
    return {
        "state": state,
        "label": LABELS[RequestState(state)],
        "timestamp": (NOW + timedelta(minutes=minutes)).isoformat(),
        "source": source,
        "message": message,
        "details": {},
    }


@pytest.fixture
def env() -> jinja2.Environment:
    return p.environment(undefined=jinja2.StrictUndefined)


def page(**extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "request": None,
        "filters": {"user": None, "state": None, "media_type": None, "q": None},
        "users": ["erin", "Bob"],
        "live": True,
        "now": NOW,
    }
    context.update(extra)
    return context


def render(env: jinja2.Environment, name: str, **extra: Any) -> str:
    return env.get_template(name).render(page(**extra))


def render_index(env: jinja2.Environment, requests: list[dict[str, Any]], **extra: Any) -> str:
    context: dict[str, Any] = {"requests": requests, "total": len(requests), "empty_install": False}
    context.update(extra)
    return render(env, "index.html", **context)


def render_detail(
    env: jinja2.Environment, r: dict[str, Any], timeline: list[dict[str, Any]], **extra: Any
) -> str:
    return render(
        env, "request.html", r=r, timeline=timeline, steps=p.build_steps(r, timeline), **extra
    )


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <script> elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.script_text: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


# --- presenters: wording -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1.0 kB"),
        (2_300_000, "2.3 MB"),
        (9_949_999, "9.9 MB"),
        (14_200_000_000, "14 GB"),
        (999_600_000, "1.0 GB"),
        (3_100_000_000_000, "3.1 TB"),
    ],
)
def test_format_bytes_uses_decimal_units(value: int | None, text: str) -> None:
    assert p.format_bytes(value) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, ""),
        (0, ""),
        (8_640_000, ""),
        (30, "< 1 min"),
        (240, "4 min"),
        (241, "5 min"),
        (3600, "1 h"),
        (7500, "2 h 5 min"),
        (86_400 * 3 + 3600 * 4, "3 d 4 h"),
    ],
)
def test_format_eta(seconds: int | None, text: str) -> None:
    assert p.format_eta(seconds) == text


def test_percent_rounds_down_and_clamps() -> None:
    assert [p.format_percent(x) for x in (None, 0, 0.67, 0.999, 1, 1.7, -1)] == [
        "",
        "0 %",
        "67 %",
        "99 %",
        "100 %",
        "100 %",
        "0 %",
    ]


def test_progress_line_reads_like_the_dashboard() -> None:
    r = req(
        state="downloading",
        progress=0.67,
        download={
            "speed_bps": 2_300_000,
            "eta_seconds": 240,
            "size_bytes": 14_200_000_000,
            "downloaded_bytes": 9_514_000_000,
        },
    )
    assert p.progress_line(r) == "67 % · 2.3 MB/s · ETA 4 min"
    assert p.size_line(r) == "9.5 GB of 14 GB"
    assert p.show_progress(r)
    stalled = req(
        state="downloading",
        progress=0.5,
        download={
            "speed_bps": 0,
            "eta_seconds": 8_640_000,
            "size_bytes": None,
            "downloaded_bytes": None,
        },
    )
    assert p.progress_line(stalled) == "50 % · 0 B/s"
    assert (
        p.progress_line(req(state="download_done", progress=1.0, download=r["download"])) == "100 %"
    )
    assert not p.show_progress(req(state="importing", progress=1.0))
    assert not p.show_progress(req(state="downloading", progress=None))


@pytest.mark.parametrize(
    ("episodes", "text"),
    [
        (None, ""),
        ({"total": 0, "downloaded": 0, "imported": 0, "available": 0}, ""),
        (
            {"total": 12, "downloaded": 4, "imported": 0, "available": 0},
            "4 of 12 episodes downloaded",
        ),
        (
            {"total": 12, "downloaded": 12, "imported": 5, "available": 0},
            "5 of 12 episodes added to the library",
        ),
        ({"total": 12, "downloaded": 12, "imported": 12, "available": 4}, "4 of 12 episodes ready"),
        (
            {"total": 1, "downloaded": None, "imported": None, "available": None},
            "0 of 1 episode downloaded",
        ),
    ],
)
def test_episodes_line(episodes: dict[str, int] | None, text: str) -> None:
    assert p.episodes_line(req(media_type="tv", episodes=episodes)) == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=10), "just now"),
        (timedelta(seconds=-30), "just now"),
        (timedelta(minutes=5), "5 min ago"),
        (timedelta(minutes=59), "59 min ago"),
        (timedelta(hours=3, minutes=59), "3 h ago"),
        (timedelta(hours=30), "yesterday"),
        (timedelta(days=4), "4 days ago"),
        (timedelta(days=10), "14 Nov"),
        (timedelta(days=400), "20 Oct 2025"),
        (timedelta(days=-3), "27 Nov"),
    ],
)
def test_relative_time(delta: timedelta, text: str) -> None:
    assert p.relative_time((NOW - delta).isoformat(), NOW) == text


def test_times_accept_offsets_naive_values_and_garbage() -> None:
    assert p.exact_time("2026-11-24T13:34:00+01:00") == "24 Nov 2026, 12:34 UTC"
    assert p.short_time("2026-11-24T12:34:00Z") == "24 Nov, 12:34 UTC"
    naive = datetime(2026, 1, 2, 3, 4, tzinfo=UTC).replace(tzinfo=None)
    assert p.iso_time(naive) == "2026-01-02T03:04:00+00:00"
    assert p.relative_time("yesterday-ish", NOW) == ""
    assert p.exact_time(None) == ""


def test_every_state_has_a_badge_and_failures_stand_out() -> None:
    for state in RequestState:
        assert "bg-" in p.badge_class(state.value)
        assert "dark:" in p.badge_class(state.value)
    assert "red" in p.badge_class("failed")
    assert "emerald" in p.badge_class("available")
    assert p.badge_class("no-such-state") == p.badge_class("requested")
    assert p.state_label("anime_indexing") == "Matching"


def test_badge_classes_are_in_the_built_css() -> None:
    css = (p.STATIC_DIR / "app.css").read_text(encoding="utf-8")
    for state in RequestState:
        for token in p.badge_class(state.value).split():
            selector = "." + token.replace(":", "\\:")
            assert selector in css, f"{token} (state {state}) missing: run scripts/build-css"


def test_detail_items_are_readable() -> None:
    items = p.detail_items(
        {
            "release_title": "Heat.1995.1080p",
            "size": 8_400_000_000,
            "indexer": "",
            "files": ["a.mkv"],
            "seeders": None,
        }
    )
    assert items == [
        ("Release title", "Heat.1995.1080p"),
        ("Size", "8.4 GB"),
        ("Files", '["a.mkv"]'),
    ]
    assert p.detail_items(None) == []


def test_source_and_title_fallbacks() -> None:
    assert p.source_label("qbittorrent") == "qBittorrent"
    assert p.source_label("reconcile") == "Status Tracker"
    assert p.title_of(req(7, title=None)) == "Request #7"


# --- presenters: URLs ------------------------------------------------------------------------


def test_links_keep_filters_and_drop_empty_ones() -> None:
    filters = {"user": "bob", "state": None, "media_type": "tv", "q": "a&b c"}
    assert p.page_url("/history", filters, 3) == "/history?user=bob&media_type=tv&q=a%26b+c&page=3"
    assert p.page_url("/history", filters, 1) == "/history?user=bob&media_type=tv&q=a%26b+c"
    assert p.page_url("/history", None, 1) == "/history"
    assert p.sse_url(filters) == "/ui/sse?user=bob&media_type=tv&q=a%26b+c"
    assert p.sse_url(None) == "/ui/sse"
    assert p.sse_url(filters, request_id=12) == "/ui/sse?id=12"


@pytest.mark.parametrize(
    ("url", "http", "local"),
    [
        ("/posters/12", None, "/posters/12"),
        ("https://jf.lan/web/#/details?id=1", "https://jf.lan/web/#/details?id=1", None),
        ("javascript:alert(1)", None, None),
        ("//evil.example/x.png", None, None),
        ("data:image/png;base64,AAAA", None, None),
        ("posters/1", None, None),
        (None, None, None),
        ("/\\evil.example", None, None),
    ],
)
def test_only_safe_urls_reach_an_href_or_src(
    url: str | None, http: str | None, local: str | None
) -> None:
    assert p.http_url(url) == http
    assert p.local_path(url) == local


def test_qbittorrent_line_is_the_contract_line() -> None:
    assert p.qbittorrent_command(None, secret_required=True) == CONTRACT_QBIT_LINE
    assert p.qbittorrent_command("http://tracker:8000/", secret_required=False).endswith(
        '"http://tracker:8000/hooks/qbittorrent"'
    )


def test_state_filter_choices() -> None:
    assert [v for v, _ in p.state_options("history")] == ["completed", "declined", "failed"]
    active = [v for v, _ in p.state_options("active")]
    assert active[0] == "requested"
    assert active[-1] == "failed"
    assert "completed" not in active
    assert "declined" not in active


# --- presenters: the step list -------------------------------------------------------------


def statuses(steps: list[p.Step]) -> dict[str, str]:
    return {s["state"]: s["status"] for s in steps}


def test_steps_for_a_movie_downloading() -> None:
    r = req(
        state="downloading",
        progress=0.4,
        download={
            "speed_bps": 1_000_000,
            "eta_seconds": 600,
            "size_bytes": None,
            "downloaded_bytes": None,
        },
    )
    timeline = [
        ev("requested", 0, "erin asked for it", "jellyseerr"),
        ev("approved", 1, "Approved", "jellyseerr"),
        ev("indexed", 5, "Found (Bluray-1080p)"),
        ev("downloading", 6, "Download started", "qbittorrent"),
    ]
    steps = p.build_steps(r, timeline)
    assert [s["state"] for s in steps] == [
        s.value for s in PIPELINE[:-1] if s is not RequestState.ANIME_INDEXING
    ]
    assert statuses(steps) == {
        "requested": "done",
        "approved": "done",
        "searching": "done",
        "indexed": "done",
        "downloading": "current",
        "download_done": "todo",
        "importing": "todo",
        "available": "todo",
    }
    by_state = {s["state"]: s for s in steps}
    assert by_state["indexed"]["message"] == "Found (Bluray-1080p)"
    assert by_state["approved"]["message"] is None  # same words as the label
    assert by_state["searching"]["timestamp"] is None  # implicit step, no event of its own
    assert by_state["downloading"]["message"] == "40 % · 1.0 MB/s · ETA 10 min"
    assert by_state["available"]["timestamp"] is None


def test_matching_shows_only_for_anime() -> None:
    plain = p.build_steps(req(state="importing"), [])
    assert "anime_indexing" not in statuses(plain)
    flagged = p.build_steps(req(state="anime_indexing", is_anime=True), [])
    assert statuses(flagged)["anime_indexing"] == "current"
    seen = p.build_steps(req(state="available"), [ev("anime_indexing", 9, "Matched", "shoko")])
    assert statuses(seen)["anime_indexing"] == "done"
    assert statuses(seen)["available"] == "done"


def test_failed_while_searching_names_the_reason() -> None:
    r = req(state="failed", error="No release matches the quality profile")
    timeline = [ev("requested", 0), ev("approved", 1), ev("failed", 90, "Search failed", "radarr")]
    steps = p.build_steps(r, timeline)
    assert statuses(steps) == {
        "requested": "done",
        "approved": "done",
        "searching": "failed",
        "indexed": "todo",
        "downloading": "todo",
        "download_done": "todo",
        "importing": "todo",
        "available": "todo",
    }
    failed = next(s for s in steps if s["status"] == "failed")
    assert failed["message"] == "No release matches the quality profile"
    assert failed["timestamp"] == (NOW + timedelta(minutes=90)).isoformat()


def test_failure_lands_on_the_step_that_was_under_way() -> None:
    during = p.build_steps(
        req(state="failed"),
        [ev("indexed", 1), ev("downloading", 2), ev("failed", 3, "Torrent has no seeders")],
    )
    assert statuses(during)["downloading"] == "failed"
    assert next(s for s in during if s["status"] == "failed")["message"] == "Torrent has no seeders"
    after_grab = p.build_steps(req(state="failed"), [ev("indexed", 1), ev("failed", 3)])
    assert statuses(after_grab)["downloading"] == "failed"
    assert statuses(after_grab)["indexed"] == "done"


def test_declined_ends_the_list() -> None:
    steps = p.build_steps(
        req(state="declined", error=None),
        [ev("requested", 0), ev("declined", 5, "Not for this library", "jellyseerr")],
    )
    assert [(s["state"], s["status"]) for s in steps] == [
        ("requested", "done"),
        ("declined", "failed"),
    ]
    assert steps[-1]["message"] == "Not for this library"


def test_completed_adds_the_final_step_and_lost_webhooks_still_count_as_done() -> None:
    steps = p.build_steps(req(state="completed"), [ev("requested", 0)])
    assert steps[-1]["state"] == "completed"
    assert set(statuses(steps).values()) == {"done"}
    assert steps[0]["timestamp"] == NOW.isoformat()
    assert steps[1]["timestamp"] is None


def test_a_retry_after_failure_shows_the_new_attempt() -> None:
    timeline = [
        ev("requested", 0),
        ev("approved", 1),
        ev("failed", 5),
        ev("searching", 9, "Searching again"),
    ]
    steps = p.build_steps(req(state="searching"), timeline)
    assert statuses(steps)["searching"] == "current"
    assert next(s for s in steps if s["state"] == "searching")["message"] == "Searching again"
    assert "failed" not in statuses(steps).values()


# --- templates -------------------------------------------------------------------------------


def test_dashboard_cards_carry_the_sse_wiring(env: jinja2.Environment) -> None:
    html = render_index(
        env,
        [req(3), req(4)],
        filters={"user": "erin", "state": None, "media_type": None, "q": None},
    )
    tags = Tags(html)
    section = tags.find("section", **{"hx-ext": "sse"})
    assert section
    assert section[0]["sse-connect"] == "/ui/sse?user=erin"
    lists = tags.find("ul", id="request-list")
    assert lists[0]["sse-swap"] == "new-request"
    assert lists[0]["hx-swap"] == "afterbegin settle:0ms"
    cards = tags.find("li", **{"data-request-card": ""})
    assert [(c["id"], c["sse-swap"], c["hx-swap"]) for c in cards] == [
        ("request-3", "request-3", "outerHTML settle:0ms"),
        ("request-4", "request-4", "outerHTML settle:0ms"),
    ]
    assert tags.find("p", **{"data-live-status": ""})


def test_pages_without_live_open_no_stream(env: jinja2.Environment) -> None:
    html = render_index(env, [req(3)], live=False)
    assert "sse-connect" not in html
    assert "data-live-status" not in html
    detail = render_detail(env, req(3), [], live=False)
    assert "sse-connect" not in detail
    assert "hx-get" not in detail


def test_card_renders_alone_for_the_sse_stream(env: jinja2.Environment) -> None:
    html = env.get_template("_request_card.html").render(r=req(5, state="available"))
    assert html.lstrip().startswith('<li id="request-5"')
    assert "Ready to watch" in html
    removed = env.get_template("_request_removed.html").render(r=req(5))
    assert removed.strip() == '<li id="request-5" hidden></li>'


def test_card_shows_progress_episodes_errors_and_watch_link(env: jinja2.Environment) -> None:
    r = req(
        8,
        media_type="tv",
        state="downloading",
        progress=0.25,
        download={
            "speed_bps": 5_800_000,
            "eta_seconds": 4330,
            "size_bytes": None,
            "downloaded_bytes": None,
        },
        episodes={"total": 12, "downloaded": 4, "imported": 0, "available": 0},
    )
    html = render_index(env, [r])
    assert '<progress class="bar" value="0.25" max="1"' in html
    assert "25 % · 5.8 MB/s · ETA 1 h 12 min" in html
    assert "4 of 12 episodes downloaded" in html
    assert "Watch now" not in html
    ready = render_index(
        env, [req(9, state="available", watch_url="http://jf.lan/web/#/details?id=9")]
    )
    assert Tags(ready).find("a", href="http://jf.lan/web/#/details?id=9")
    failed = render_index(env, [req(10, state="failed", error="No seeders")])
    assert "No seeders" in failed
    assert "bg-red-50" in failed


def test_hostile_values_are_escaped_everywhere(env: jinja2.Environment) -> None:
    r = req(
        66,
        title=EVIL,
        quality=EVIL,
        requested_by=EVIL,
        error=EVIL,
        state="failed",
        watch_url="javascript:alert(3)",
        poster_url="javascript:alert(4)",
    )
    timeline = [{**ev("failed", 1, EVIL), "details": {EVIL: EVIL}}]
    pages = [
        render_index(
            env,
            [r],
            users=[EVIL],
            filters={"user": EVIL, "state": EVIL, "media_type": None, "q": EVIL},
        ),
        render_detail(env, r, timeline, can_retry=False, retry_unavailable_reason=EVIL),
        render(env, "history.html", requests=[r], total=1, page=1, pages=1),
    ]
    for html in pages:
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&#34;onerror=alert(2) x=&#34;" in html
        assert "javascript:" not in html
        tags = Tags(html)
        for _, attrs in tags.tags:
            assert not any(name.startswith("on") for name in attrs), attrs
        assert tags.script_text == []


def test_pages_are_csp_clean_and_local_only(env: jinja2.Environment) -> None:
    r = req(2, state="downloading", progress=0.5, poster_url="/posters/2", watch_url=None)
    pages = {
        "index": render_index(env, [r]),
        "empty": render_index(env, [], empty_install=True, base_url="http://t:8000"),
        "detail": render_detail(
            env, r, [ev("requested", 0)], can_retry=False, retry_unavailable_reason=None
        ),
        "history": render(env, "history.html", requests=[r], total=30, page=2, pages=3),
    }
    for name, html in pages.items():
        tags = Tags(html)
        assert tags.script_text == [], name
        for tag, attrs in tags.tags:
            assert "style" not in attrs, (name, tag)
            assert not any(a.startswith("on") for a in attrs), (name, tag, attrs)
            if tag in ("script", "img", "link"):
                url = attrs.get("src") or attrs.get("href") or ""
                assert url.startswith("/"), (name, tag, url)
                assert not url.startswith("//"), (name, tag, url)
        assert [a["src"] for a in tags.find("script")] == [
            "/static/vendor/htmx.min.js",
            "/static/vendor/sse.js",
            "/static/app.js",
        ]
        assert "<style" not in html, name


def test_posters_are_ours_or_a_placeholder(env: jinja2.Environment) -> None:
    ours = Tags(render_index(env, [req(1, poster_url="/posters/1")]))
    assert [a["src"] for a in ours.find("img")] == ["/posters/1"]
    for url in (None, "https://image.tmdb.org/t/p/w600/x.jpg"):
        tags = Tags(render_index(env, [req(1, poster_url=url)]))
        assert tags.find("img") == []
        assert tags.find("svg", **{"aria-hidden": "true"})


def test_filters_form_reflects_the_current_choice(env: jinja2.Environment) -> None:
    html = render_index(
        env,
        [req(1)],
        filters={"user": "bob", "state": "downloading", "media_type": "tv", "q": "dune"},
    )
    tags = Tags(html)
    form = tags.find("form", method="get")[0]
    assert form["action"] == "/"
    assert tags.find("input", name="q")[0]["value"] == "dune"
    assert tags.find("option", value="Bob")[0].get("selected") == ""  # case-insensitive
    assert tags.find("option", value="downloading")[0].get("selected") == ""
    assert tags.find("option", value="tv")[0].get("selected") == ""
    assert tags.find("a", href="/?user=")  # clear filters, and forget the remembered user
    other = Tags(
        render_index(env, [], filters={"user": "zoe", "state": None, "media_type": None, "q": None})
    )
    assert other.find("option", value="zoe")[0].get("selected") == ""
    assert "Nothing matches these filters." in render_index(
        env, [], filters={"user": "zoe", "state": None, "media_type": None, "q": None}
    )


def test_empty_install_walks_through_every_service(env: jinja2.Environment) -> None:
    html = render_index(env, [], empty_install=True, base_url="http://tracker.lan:8000/")
    for source in ("jellyseerr", "sonarr", "radarr", "jellyfin"):
        assert f"http://tracker.lan:8000/hooks/{source}</code>" in html
    assert p.qbittorrent_command("http://tracker.lan:8000", False).replace('"', "&#34;") in html
    assert "SECRET" not in html
    secret = render_index(
        env, [], empty_install=True, base_url="http://t:8000", secret_required=True
    )
    assert "hooks/qbittorrent?token=SECRET" in secret
    assert "Bearer SECRET" in secret
    assert "Nothing in progress" not in html
    assert "Nothing in progress right now." in render_index(env, [])


def test_history_paging_keeps_filters(env: jinja2.Environment) -> None:
    filters = {"user": "bob", "state": "completed", "media_type": None, "q": None}
    html = render(
        env,
        "history.html",
        requests=[req(1, state="completed")],
        total=80,
        page=2,
        pages=4,
        filters=filters,
        live=False,
    )
    tags = Tags(html)
    assert tags.find("a", rel="prev")[0]["href"] == "/history?user=bob&state=completed"
    assert tags.find("a", rel="next")[0]["href"] == "/history?user=bob&state=completed&page=3"
    assert "Page 2 of 4" in html
    assert tags.find("form", method="get")[0]["action"] == "/history"
    single = render(env, "history.html", requests=[], total=0, page=1, pages=1)
    assert 'rel="next"' not in single
    assert "Nothing here yet." in single


def test_detail_page_steps_retry_and_live_refresh(env: jinja2.Environment) -> None:
    r = req(12, state="failed", error="No release found")
    timeline = [ev("requested", 0), ev("approved", 1), ev("failed", 30, "Search failed", "radarr")]
    html = render_detail(env, r, timeline, can_retry=True, retry_unavailable_reason=None)
    tags = Tags(html)
    assert tags.find("form", method="post", action="/requests/12/retry")
    assert [(a["data-step"], a["data-status"]) for a in tags.find("li") if "data-step" in a][
        :3
    ] == [("requested", "done"), ("approved", "done"), ("searching", "failed")]
    article = tags.find("article", id="request-detail")[0]
    assert article["hx-trigger"] == "sse:request-12"
    assert article["hx-get"] == "/requests/12"
    assert article["hx-select"] == "#request-detail"
    assert tags.find("div", **{"sse-connect": "/ui/sse?id=12"})
    assert "No release found" in html
    assert "Search failed" in html

    blocked = render_detail(
        env, r, timeline, can_retry=False, retry_unavailable_reason="Radarr is not configured."
    )
    assert "/retry" not in blocked
    assert "Radarr is not configured." in blocked
    quiet = render_detail(env, req(12, state="downloading"), [])
    assert "/retry" not in quiet
    assert "data-problem" not in quiet


# --- assets ----------------------------------------------------------------------------------


def test_vendored_files_are_the_pinned_upstream_files() -> None:
    table = (p.STATIC_DIR / "vendor" / "VENDORED.md").read_text(encoding="utf-8")
    for name in ("htmx.min.js", "sse.js"):
        data = (p.STATIC_DIR / "vendor" / name).read_bytes()
        upstream = data.split(b"\n", 1)[1]
        digest = hashlib.sha256(upstream).hexdigest()
        assert re.search(rf"`{re.escape(name)}`.*`{digest}`", table), name
    assert b'version:"2.0.11"' in (p.STATIC_DIR / "vendor" / "htmx.min.js").read_bytes()


def test_static_assets_reference_no_other_origin() -> None:
    css = (p.STATIC_DIR / "app.css").read_text(encoding="utf-8")
    assert "url(" not in css
    assert "@import" not in css
    assert "http" not in (p.STATIC_DIR / "app.js").read_text(encoding="utf-8")
    for template in p.TEMPLATES_DIR.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "http://" not in text, template.name
        assert "https://" not in text, template.name


def test_committed_css_is_fresh() -> None:
    result = subprocess.run(
        [str(ROOT / "scripts" / "build-css"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
