"""The pages over real HTTP: dashboard, history, detail, filters, the remembered user,
the retry form, escaping, security headers and posters fetched once from a local server."""

from __future__ import annotations

import http.client
import json
import queue
import re
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from status_tracker.config import Settings
from status_tracker.core.model import MediaType
from status_tracker.core.model import Request as TrackedRequest
from status_tracker.core.states import RequestState
from status_tracker.runtime.bus import Change
from status_tracker.schema import request_json
from status_tracker.storage import queries
from status_tracker.web.routes.posters import PosterCache, sniff
from status_tracker.web.routes.ui_stream import DashboardView, Fragments
from status_tracker.web.security import CSP
from tests.browser.upstream import (
    POSTER,
    FakeRadarr,
    PosterServer,
    radarr_grab,
    seed,
    seerr,
    shoko_matched,
    sonarr_download_anime,
    sonarr_grab_anime,
)
from tests.support import Running

Start = Callable[..., Running]
CARD = re.compile(r'<li id="request-(\d+)"[^>]*data-request-card')


def card_ids(html: str) -> list[int]:
    """The request ids of the cards on a page, top to bottom."""
    return [int(m) for m in CARD.findall(html)]


def sse_after(html: str) -> str:
    found = re.search(r'sse-connect="([^"]+)"', html)
    assert found, "page opens no stream"
    return found.group(1).replace("&amp;", "&")


# --- dashboard -------------------------------------------------------------------------------


def test_fresh_install_walks_through_every_webhook_url(running: Running) -> None:
    with running.client() as client:
        html = client.get("/").text
    assert "data-empty-install" in html
    for source in ("jellyseerr", "sonarr", "radarr", "jellyfin"):
        assert f"{running.base_url}/hooks/{source}" in html
    assert f"{running.base_url}/hooks/qbittorrent" in html
    assert card_ids(html) == []


def test_fresh_install_uses_the_public_url_and_explains_the_secret(
    start: Start, make_settings: Callable[..., Settings]
) -> None:
    running = start(make_settings(public_url="http://tracker.lan:8000", webhook_secret="s3cret"))
    with running.client() as client:
        html = client.get("/").text
    assert "http://tracker.lan:8000/hooks/sonarr" in html
    assert "http://tracker.lan:8000/hooks/qbittorrent?token=SECRET" in html
    assert "s3cret" not in html


def test_dashboard_shows_what_the_webhooks_said_newest_first(running: Running) -> None:
    seed(
        running,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat", year=1995, user="bob")),
        ("jellyseerr", seerr("MEDIA_AUTO_APPROVED", 2, "Ronin", year=1998, user="carol")),
        ("radarr", radarr_grab(2, "Ronin", year=1998, quality="Bluray-2160p")),
    )
    with running.client() as client:
        response = client.get("/")
    html = response.text
    assert response.headers["content-type"].startswith("text/html")
    assert re.fullmatch(
        r'page;dur=\d+\.\d\d;desc="read and render"', response.headers["server-timing"]
    )
    assert card_ids(html) == [2, 1]
    assert "data-empty-install" not in html
    ronin = html[html.index('id="request-2"') : html.index('id="request-1"')]
    assert "Ronin" in ronin
    assert "(1998)" in ronin
    assert "Found" in ronin
    assert "Bluray-2160p" in ronin
    assert "carol" in ronin


def test_filters_use_the_api_parameter_names(running: Running) -> None:
    seed(
        running,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat", user="bob")),
        ("jellyseerr", seerr("MEDIA_PENDING", 2, "Ronin", user="carol")),
        ("jellyseerr", seerr("MEDIA_AUTO_APPROVED", 3, "Arcane", media_type="tv", tvdb_id=31)),
        ("jellyseerr", seerr("MEDIA_PENDING", 4, "Heat Wave", user="Bob")),
    )
    with running.client() as client:

        def shown(**params: str) -> list[int]:
            response = client.get("/", params=params)
            assert response.status_code == 200
            return card_ids(response.text)

        assert shown(user="bob") == [4, 1]
        assert shown(user="", media_type="tv") == [3]
        assert shown(user="", q="heat") == [4, 1]
        assert shown(user="", state="requested", q="wave") == [4]
        assert shown(user="", state="approved,searching") == [3]
        assert shown(user="", state="nonsense", media_type="film") == [4, 3, 2, 1]
        page = client.get("/", params={"user": "bob", "q": "heat"}).text
    assert re.fullmatch(r"/ui/sse\?user=bob&q=heat&after=[0-9a-f]{8}-4", sse_after(page))
    assert 'value="heat"' in page


def test_my_requests_is_remembered_in_a_cookie_and_shown_in_the_url(running: Running) -> None:
    seed(
        running,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat", user="bob")),
        ("jellyseerr", seerr("MEDIA_PENDING", 2, "Ronin", user="carol")),
    )
    with running.client() as client:
        first = client.get("/", params={"user": "carol", "media_type": "movie"})
        assert card_ids(first.text) == [2]
        assert "user" in first.cookies
        back = client.get("/history", follow_redirects=False)
        assert back.status_code == 303
        assert back.headers["location"] == "/history?user=carol"
        again = client.get("/", params={"q": "ron"}, follow_redirects=True)
        assert str(again.url).endswith("/?user=carol&q=ron")
        assert card_ids(again.text) == [2]
        cleared = client.get("/", params={"user": ""})
        assert card_ids(cleared.text) == [2, 1]
        assert "user" not in client.cookies
        assert client.get("/", follow_redirects=False).status_code == 200


# --- history ---------------------------------------------------------------------------------


def test_history_is_paged_newest_first_and_keeps_filters(running: Running) -> None:
    seed(
        running,
        *(("jellyseerr", seerr("MEDIA_DECLINED", n, f"Film {n}", user="dave")) for n in range(23)),
        ("jellyseerr", seerr("MEDIA_PENDING", 99, "Still active", user="dave")),
    )
    with running.client() as client:
        first = client.get("/history", params={"user": "dave"}).text
        second = client.get("/history", params={"user": "dave", "page": 2}).text
        beyond = client.get("/history", params={"user": "dave", "page": 9}).text
    ids = card_ids(first)
    assert len(ids) == 20
    assert ids == sorted(ids, reverse=True)
    later = card_ids(second)
    assert len(later) == 3
    assert max(later) < min(ids)
    assert card_ids(beyond) == later
    assert "23 finished requests" in first
    assert 'href="/history?user=dave&amp;page=2"' in first
    assert "Still active" not in first + second
    assert "sse-connect" not in first


# --- detail ----------------------------------------------------------------------------------


def test_detail_shows_done_current_and_todo_steps_with_matching_for_anime(
    running: Running,
) -> None:
    seed(
        running,
        ("jellyseerr", seerr("MEDIA_AUTO_APPROVED", 5, "Frieren", media_type="tv", tvdb_id=55)),
        ("sonarr", sonarr_grab_anime(5, "Frieren", tvdb_id=55)),
        ("sonarr", sonarr_download_anime(5, "Frieren", tvdb_id=55)),
        ("shoko", shoko_matched("Frieren")),
        ("jellyseerr", seerr("MEDIA_AUTO_APPROVED", 6, "Heat")),
        ("radarr", radarr_grab(6, "Heat", quality="Bluray-1080p")),
    )
    with running.client() as client:
        items = client.get("/api/requests").json()["items"]
        ids = {i["title"]: i["id"] for i in items}
        anime = client.get(f"/requests/{ids['Frieren']}").text
        movie = client.get(f"/requests/{ids['Heat']}").text
    steps = dict(re.findall(r'data-step="(\w+)" data-status="(\w+)"', anime))
    assert steps["requested"] == "done"
    assert steps["indexed"] == "done"
    assert steps["anime_indexing"] == "current"
    assert steps["available"] == "todo"
    assert "Matching with the anime library" in anime
    movie_steps = dict(re.findall(r'data-step="(\w+)" data-status="(\w+)"', movie))
    assert "anime_indexing" not in movie_steps
    assert movie_steps["indexed"] == "current"
    assert "Found (Bluray-1080p)" in movie
    assert f'sse-connect="/ui/sse?id={ids["Heat"]}&amp;after=' in movie


def test_detail_refresh_is_the_fragment_alone(running: Running) -> None:
    seed(running, ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat")))
    with running.client() as client:
        fragment = client.get("/requests/1", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<article id="request-detail"')
    assert "<html" not in fragment.text
    assert fragment.headers["vary"] == "HX-Request"


def test_unknown_request_is_a_404_page(running: Running) -> None:
    with running.client() as client:
        response = client.get("/requests/404")
    assert response.status_code == 404
    assert "There is no request #404." in response.text


def test_failure_shows_its_reason_and_why_retry_is_not_offered(running: Running) -> None:
    seed(
        running,
        ("jellyseerr", seerr("MEDIA_AUTO_APPROVED", 7, "Arrival")),
        ("jellyseerr", seerr("MEDIA_FAILED", 7, "Arrival")),
    )
    with running.client() as client:
        html = client.get("/requests/1").text
    assert "data-problem" in html
    assert "Could not be sent to Radarr" in html
    assert 'data-status="failed"' in html
    assert "data-retry-note" in html
    assert 'action="/requests/1/retry"' not in html


def test_retry_form_refuses_cross_site_posts(running: Running) -> None:
    seed(running, ("jellyseerr", seerr("MEDIA_FAILED", 7, "Arrival")))
    with running.client() as client:
        foreign = client.post(
            "/requests/1/retry", headers={"Origin": "http://evil.example"}, follow_redirects=False
        )
        sneaky = client.post(
            "/requests/1/retry", headers={"Sec-Fetch-Site": "cross-site"}, follow_redirects=False
        )
        own = client.post(
            "/requests/1/retry", headers={"Origin": running.base_url}, follow_redirects=False
        )
    assert foreign.status_code == 403
    assert sneaky.status_code == 403
    assert own.status_code == 303


def test_retry_form_accepts_its_own_pages_behind_a_proxy(
    start: Start, make_settings: Callable[..., Settings]
) -> None:
    running = start(make_settings(public_url="https://tracker.example.org"))
    seed(running, ("jellyseerr", seerr("MEDIA_FAILED", 7, "Arrival")))
    with running.client() as client:
        public = client.post(
            "/requests/1/retry",
            headers={"Origin": "https://tracker.example.org"},
            follow_redirects=False,
        )
        forwarded = client.post(
            "/requests/1/retry",
            headers={"Origin": "https://media.lan", "X-Forwarded-Host": "media.lan"},
            follow_redirects=False,
        )
    assert public.status_code == 303
    assert forwarded.status_code == 303


# --- safety ----------------------------------------------------------------------------------

HOSTILE = '<script>alert(1)</script> "onerror=alert(2) x'


def test_hostile_titles_and_names_are_escaped_everywhere(running: Running) -> None:
    seed(running, ("jellyseerr", seerr("MEDIA_PENDING", 1, HOSTILE, user='<b>"eve"</b>')))
    with running.client() as client:
        pages = [client.get(path).text for path in ("/", "/requests/1", "/?user=%3Cb%3E")]
    for html in pages:
        assert "<script>alert" not in html
        assert '"onerror=' not in html
        assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;onerror=alert(2) x" in pages[0]
    assert "&lt;b&gt;&#34;eve&#34;&lt;/b&gt;" in pages[0]


def test_every_response_carries_the_security_headers(running: Running) -> None:
    seed(running, ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat")))
    with running.client() as client:
        responses = [
            client.get(path)
            for path in ("/", "/history", "/requests/1", "/static/app.js", "/api/health")
        ]
        with client.stream("GET", "/ui/sse") as stream:
            responses.append(stream)
        viewers = [client.get(path).status_code for path in ("/docs", "/redoc")]
        schema = client.get("/openapi.json")
    for response in [*responses, schema]:
        assert response.headers["content-security-policy"] == CSP, response.url
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in CSP
    assert CSP.startswith("default-src 'self';")
    assert "unsafe" not in CSP
    assert viewers == [404, 404]  # they would load their viewer from a CDN


# --- posters ---------------------------------------------------------------------------------


@pytest.fixture
def posters() -> Iterator[PosterServer]:
    with PosterServer() as server:
        yield server


def test_a_poster_is_fetched_once_and_served_from_our_origin(
    start: Start, make_settings: Callable[..., Settings], posters: PosterServer, tmp_path: Path
) -> None:
    settings = make_settings()
    running = start(settings)
    seed(running, ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat", image=f"{posters.url}/p/1.png")))
    posters.release.clear()
    with ThreadPoolExecutor(6) as pool, running.client() as client:
        pending = [pool.submit(client.get, "/posters/1") for _ in range(6)]
        while posters.hits["/p/1.png"] == 0:
            threading.Event().wait(0.01)
        posters.release.set()
        answers = [f.result() for f in pending] + [client.get("/posters/1")]
    assert {a.status_code for a in answers} == {200}
    assert all(a.content == POSTER for a in answers)
    assert all(a.headers["content-type"] == "image/png" for a in answers)
    assert posters.hits["/p/1.png"] == 1
    stored = list((tmp_path / "posters").iterdir())
    assert [p.read_bytes() for p in stored] == [POSTER]

    running.stop()
    again = start(settings)
    with again.client() as client:
        assert client.get("/posters/1").content == POSTER
    assert posters.hits["/p/1.png"] == 1


def test_a_poster_that_cannot_be_fetched_is_a_placeholder_asked_for_once(
    running: Running, posters: PosterServer
) -> None:
    seed(
        running,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "A", image=f"{posters.url}/missing.jpg")),
        ("jellyseerr", seerr("MEDIA_PENDING", 2, "B", image=f"{posters.url}/page.html")),
        ("jellyseerr", seerr("MEDIA_PENDING", 3, "C")),
    )
    with running.client() as client:
        for _ in range(3):
            for request_id in (1, 2):
                placeholder = client.get(f"/posters/{request_id}")
                assert placeholder.status_code == 200
                assert placeholder.headers["content-type"] == "image/svg+xml"
                assert b"<script" not in placeholder.content
        assert client.get("/posters/3").status_code == 404
        assert client.get("/posters/999").status_code == 404
    assert posters.hits["/missing.jpg"] == 1
    assert posters.hits["/page.html"] == 1


def test_only_raster_images_are_kept() -> None:
    assert sniff(POSTER[:32]) == ("image/png", ".png")
    assert sniff(b"\xff\xd8\xff\xe0" + bytes(28)) == ("image/jpeg", ".jpg")
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == ("image/webp", ".webp")
    assert sniff(b"<svg xmlns='http://www.w3.org/2000/svg'>") is None
    assert sniff(b"<html><body>") is None
    assert PosterCache.key("http://a/1.png") != PosterCache.key("http://a/2.png")


# --- /ui/sse -----------------------------------------------------------------------------------

Frame = dict[str, str]


class UiStream:
    """``/ui/sse`` read in a thread; frames before ``ready`` are the catch-up."""

    def __init__(self, running: Running, **kwargs: Any) -> None:
        self.frames: queue.Queue[Frame] = queue.Queue()
        address = httpx.URL(running.base_url)
        self._connection = http.client.HTTPConnection(address.host, address.port, timeout=30)
        query = httpx.QueryParams(kwargs.get("params", {}))
        self._path = f"/ui/sse?{query}" if query else "/ui/sse"
        self._headers: dict[str, str] = kwargs.get("headers", {})
        self._thread: threading.Thread | None = None
        self.caught_up: list[Frame] = []

    def __enter__(self) -> UiStream:
        self._connection.request("GET", self._path, headers=self._headers)
        response = self._connection.getresponse()
        assert response.getheader("content-type", "").startswith("text/event-stream")
        self._thread = threading.Thread(target=self._read, args=(response,), daemon=True)
        self._thread.start()
        while (frame := self.next()).get("event") != "ready":
            self.caught_up.append(frame)
        return self

    def __exit__(self, *exc: object) -> None:
        sock = self._connection.sock
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._connection.close()

    def next(self) -> Frame:
        """The next frame (waits up to 10 s)."""
        return self.frames.get(timeout=10)

    def _read(self, response: http.client.HTTPResponse) -> None:
        frame: Frame = {}
        try:
            while raw := response.readline():
                line = raw.decode().rstrip("\r\n")
                if not line:
                    if frame:
                        self.frames.put(frame)
                    frame = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(":")
                    value = value.removeprefix(" ")
                    frame[name] = f"{frame[name]}\n{value}" if name in frame else value
        except (OSError, ValueError, http.client.HTTPException):
            return


def test_a_change_swaps_its_card_and_a_new_request_goes_on_top(running: Running) -> None:
    seed(running, ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat")))
    with UiStream(running) as stream:
        seed(running, ("jellyseerr", seerr("MEDIA_APPROVED", 1, "Heat")))
        changed = stream.next()
        seed(running, ("jellyseerr", seerr("MEDIA_PENDING", 2, "Ronin")))
        created = stream.next()
    assert changed["event"] == "request-1"
    assert changed["data"].startswith('<li id="request-1" sse-swap="request-1"')
    assert "Approved" in changed["data"] or "Searching" in changed["data"]
    assert "\n" in changed["data"]
    assert created["event"] == "new-request"
    assert created["data"].startswith('<li id="request-2"')
    assert "Ronin" in created["data"]
    run, _, number = changed["id"].rpartition("-")
    assert created["id"] == f"{run}-{int(number) + 1}"


def test_cards_leave_and_enter_a_filtered_dashboard(running: Running) -> None:
    seed(
        running,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat", user="bob")),
        ("jellyseerr", seerr("MEDIA_PENDING", 2, "Ronin", user="bob")),
    )
    with (
        UiStream(running, params={"state": "requested"}) as waiting,
        UiStream(running, params={"state": "approved,searching"}) as going,
        UiStream(running, params={"user": "carol"}) as carols,
    ):
        seed(running, ("jellyseerr", seerr("MEDIA_APPROVED", 1, "Heat", user="bob")))
        left, entered = waiting.next(), going.next()
        seed(running, ("jellyseerr", seerr("MEDIA_PENDING", 3, "Arrival", user="carol")))
        carol = carols.next()
        arrived = waiting.next()
    assert (left["event"], left["data"]) == ("request-1", '<li id="request-1" hidden></li>')
    assert entered["event"] == "new-request"
    assert entered["data"].startswith('<li id="request-1"')
    assert carol["event"] == "new-request"
    assert 'id="request-3"' in carol["data"]
    assert arrived["event"] == "new-request"


def test_each_change_is_rendered_once_for_every_open_page(running: Running) -> None:
    seed(running, ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat")))
    streams = [UiStream(running) for _ in range(4)]
    for stream in streams:
        stream.__enter__()
    try:
        fragments = running.server.config.app.state.ui_fragments
        before = fragments.renders
        seed(running, ("jellyseerr", seerr("MEDIA_APPROVED", 1, "Heat")))
        frames = [stream.next() for stream in streams]
    finally:
        for stream in streams:
            stream.__exit__()
    assert fragments.renders == before + 1
    assert all(frame == frames[0] for frame in frames)


def test_a_reconnect_replays_what_was_missed(running: Running) -> None:
    seed(
        running,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat")),
        ("jellyseerr", seerr("MEDIA_PENDING", 2, "Ronin")),
    )
    with UiStream(running, params={"state": "requested"}) as stream:
        seed(running, ("jellyseerr", seerr("MEDIA_PENDING", 3, "Arrival")))
        seen = stream.next()
    seed(
        running,
        ("jellyseerr", seerr("MEDIA_APPROVED", 1, "Heat")),
        ("jellyseerr", seerr("MEDIA_PENDING", 4, "Collateral")),
    )
    headers = {"Last-Event-ID": seen["id"]}
    with UiStream(running, params={"state": "requested"}, headers=headers) as again:
        missed = again.caught_up
    assert [(f["event"], f["data"][:22]) for f in missed] == [
        ("request-1", '<li id="request-1" hid'),
        ("new-request", '<li id="request-4" sse'),
    ]


def test_the_page_position_covers_changes_before_the_stream_opened(running: Running) -> None:
    seed(running, ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat")))
    with running.client() as client:
        url = sse_after(client.get("/").text)
    seed(running, ("jellyseerr", seerr("MEDIA_APPROVED", 1, "Heat")))
    after = url.rsplit("after=", 1)[1]
    with UiStream(running, params={"after": after}) as stream:
        missed = stream.caught_up
    assert [f["event"] for f in missed] == ["new-request"]
    assert 'id="request-1"' in missed[0]["data"]


def test_a_position_the_server_forgot_or_never_knew_reloads_the_page(running: Running) -> None:
    seed(running, ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat")))
    with running.client() as client:
        run = sse_after(client.get("/").text).rsplit("after=", 1)[1].rsplit("-", 1)[0]
    for headers, params in (
        ({"Last-Event-ID": f"{run}-5000"}, {}),
        ({"Last-Event-ID": "0123abcd-1"}, {}),
        ({}, {"after": "5000"}),
        ({}, {"id": 1, "after": "0123abcd-0"}),
    ):
        with UiStream(running, headers=headers, params=params) as stream:
            assert [f["event"] for f in stream.caught_up] == ["reload"], (headers, params)
    with UiStream(running, params={"after": f"{run}-1"}) as stream:
        assert stream.caught_up == []


def test_the_detail_stream_sends_only_its_request(running: Running) -> None:
    seed(
        running,
        ("jellyseerr", seerr("MEDIA_PENDING", 1, "Heat")),
        ("jellyseerr", seerr("MEDIA_PENDING", 2, "Ronin")),
    )
    with UiStream(running, params={"id": 2}) as stream:
        seed(
            running,
            ("jellyseerr", seerr("MEDIA_APPROVED", 1, "Heat")),
            ("jellyseerr", seerr("MEDIA_APPROVED", 2, "Ronin")),
        )
        frame = stream.next()
    assert frame["event"] == "request-2"
    assert "Ronin" in frame["data"]


def test_retry_button_sends_a_new_search_through_radarr(
    start: Start, make_settings: Callable[..., Settings]
) -> None:
    with FakeRadarr() as radarr:
        running = start(make_settings(radarr_url=radarr.url, radarr_api_key="k3y"))
        seed(running, ("jellyseerr", seerr("MEDIA_FAILED", 7, "Arrival")))
        with running.client() as client:
            before = client.get("/requests/1").text
            sent = client.post("/requests/1/retry", follow_redirects=False)
            after = client.get(sent.headers["location"]).text
            state = client.get("/api/requests/1").json()["state"]
    assert 'action="/requests/1/retry"' in before
    assert "data-retry-note" not in before
    assert sent.status_code == 303
    assert sent.headers["location"] == "/requests/1?retry=sent"
    assert radarr.commands == [("k3y", {"name": "MoviesSearch", "movieIds": [FakeRadarr.MOVIE_ID]})]
    assert state == "searching"
    assert "A new search was sent." in after


def test_retry_without_radarr_says_what_to_configure(running: Running) -> None:
    seed(running, ("jellyseerr", seerr("MEDIA_FAILED", 7, "Arrival")))
    with running.client() as client:
        page = client.get("/requests/1").text
        sent = client.post("/requests/1/retry", follow_redirects=False)
        missing = client.post("/requests/99/retry", follow_redirects=False)
    assert "Radarr is not configured. Set TRACKER_RADARR_URL and TRACKER_RADARR_API_KEY" in page
    assert 'action="/requests/1/retry"' not in page
    assert sent.headers["location"] == "/requests/1?retry=unconfigured"
    assert missing.status_code == 404


def _change(event_id: int, request_id: int, state: str, **extra: Any) -> Change:
    at = datetime.now(UTC)
    request = TrackedRequest(
        id=request_id,
        media_type=MediaType.MOVIE,
        state=RequestState(state),
        created_at=at,
        updated_at=at,
        state_changed_at=at,
        title=f"Film {request_id}",
        requested_by="bob",
    )
    return Change(event_id, request, json.dumps(request_json(request)), False, extra)


def test_dashboard_view_swaps_adds_and_drops_cards(running: Running) -> None:
    frames = Fragments(running.tracker, "run")
    view = DashboardView(queries.Filters(states=(RequestState.REQUESTED,)), {1, 2}, frames)
    long_ago = datetime.now(UTC) - timedelta(days=1)

    def events(change: Change, unsure: bool = False) -> list[str]:
        return [
            frame.split(b"\n", 1)[0].decode() for frame in view.frames_for(change, long_ago, unsure)
        ]

    assert events(_change(1, 1, "requested")) == ["event: request-1"]
    assert events(_change(2, 1, "approved")) == ["event: request-1"]  # the removed marker
    assert view.shown == {2}
    assert events(_change(3, 1, "approved")) == []
    assert events(_change(4, 3, "requested")) == ["event: new-request"]
    assert events(_change(5, 2, "requested"), unsure=True) == ["event: new-request"]
    assert events(_change(6, 4, "approved"), unsure=True) == ["event: request-4"]
    merged = _change(7, 3, "requested", removed=[2])
    assert events(merged) == ["event: request-2", "event: request-3"]
    assert view.shown == {3}
    assert b'<li id="request-2" hidden></li>' in frames.removed(merged, 2)
