"""Jellyfin through the real server: "Ready to watch" with a deep link, then "Watched".

Webhook bodies are the plugin's (the shipped template, or "Send All
Properties"). When ``TRACKER_JELLYFIN_URL`` is set, the tracker also reads a
small fake Jellyfin on 127.0.0.1 that answers ``/System/Info`` and ``/Items``
like the real one and checks the ``MediaBrowser Token`` header.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from status_tracker.config import Settings
from tests.integrations.jellyfin._samples import SERVER_ID
from tests.integrations.jellyfin._samples import load as jellyfin_fixture
from tests.integrations.sonarr._samples import load as sonarr_fixture
from tests.support import Running, fixture

GUARD = 30.0
"""Upper bound on any wait (a poll missed by a wake-up is repeated within 15 s)."""

KEY = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
PUBLIC = "https://watch.example.org"
DUNE_ITEM = "6a1f0c2e3b4d4e5f8a9b0c1d2e3f4a5b"
GLASS_HARBOR = "7c2d9e8f1a0b4c3d8e7f6a5b4c3d2e1f"


class FakeJellyfin:
    """A Jellyfin API on 127.0.0.1: ``/System/Info`` and ``/Items`` (recent, or by ids)."""

    def __init__(self) -> None:
        self.recent: list[dict[str, Any]] = []
        self.library: list[dict[str, Any]] = []
        self.seen: list[tuple[str, str | None]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                fake.seen.append((url.path, self.headers.get("Authorization")))
                if self.headers.get("Authorization") != f'MediaBrowser Token="{KEY}"':
                    self.answer(401, {"error": "unauthorised"})
                elif url.path == "/System/Info":
                    self.answer(200, {"Id": SERVER_ID, "ServerName": "media-box"})
                elif url.path == "/Items" and "ids" in query:
                    ids = set(query["ids"][0].split(","))
                    found = [item for item in fake.library if item["Id"] in ids]
                    self.answer(200, {"Items": found, "TotalRecordCount": len(found)})
                elif url.path == "/Items":
                    self.answer(200, {"Items": list(fake.recent), "TotalRecordCount": 99})
                else:
                    self.answer(404, {})

            def answer(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def jellyfin() -> Iterator[FakeJellyfin]:
    fake = FakeJellyfin()
    yield fake
    fake.close()


class Stack:
    """Posts webhooks to a running server and reads its requests back."""

    def __init__(self, running: Running) -> None:
        self.running = running
        self.client = running.client()
        self.delivered: set[str] = set()

    def post(self, source: str, body: dict[str, Any], *, plain: bool = False) -> str:
        """POST a body (as the Jellyfin plugin does with ``plain``: JSON sent as text/plain)."""
        if plain:
            headers = {"Content-Type": "text/plain; charset=utf-8"}
            response = self.client.post(
                f"/hooks/{source}", content=json.dumps(body), headers=headers
            )
        else:
            response = self.client.post(f"/hooks/{source}", json=body)
        assert response.status_code == 202, response.text
        delivery: str = response.json()["delivery_id"]
        self.delivered.add(delivery)
        self.running.wait_processed(len(self.delivered))
        return delivery

    def request(self, jellyseerr_id: int) -> dict[str, Any]:
        page = self.client.get("/api/requests", params={"scope": "all"}).json()
        [found] = [r for r in page["items"] if r["jellyseerr_request_id"] == jellyseerr_id]
        return dict(found)

    def timeline(self, jellyseerr_id: int) -> list[dict[str, Any]]:
        request_id = self.request(jellyseerr_id)["id"]
        items: list[dict[str, Any]] = self.client.get(
            f"/api/requests/{request_id}/timeline"
        ).json()["items"]
        return items

    def until(self, jellyseerr_id: int, check: Callable[[dict[str, Any]], bool], what: str) -> None:
        """Poll the request until ``check`` holds; fail after GUARD seconds."""
        deadline = time.monotonic() + GUARD
        while not check(self.request(jellyseerr_id)):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting until {what}: {self.request(jellyseerr_id)}"
                )
            time.sleep(0.05)

    def health(self) -> dict[str, Any]:
        return dict(self.client.get("/api/health").json()["integrations"]["jellyfin"])


@pytest.fixture
def stack_for(start: Callable[..., Running]) -> Iterator[Callable[[Settings], Stack]]:
    made: list[Stack] = []

    def make(settings: Settings) -> Stack:
        made.append(Stack(start(settings)))
        return made[-1]

    yield make
    for stack in made:
        stack.client.close()


def dune_request(request_id: int = 41, user: str = "alice") -> dict[str, Any]:
    body = copy.deepcopy(fixture("jellyseerr/media_auto_approved_movie"))
    body["subject"] = "Dune: Part Two (2024)"
    body["media"]["tmdbId"] = "693134"
    body["request"].update(request_id=str(request_id), requestedBy_username=user)
    return body


def glass_harbor_request(season: str = "2") -> dict[str, Any]:
    body = copy.deepcopy(fixture("jellyseerr/media_approved_tv"))
    body["subject"] = "The Glass Harbor (2023)"
    body["media"].update(tmdbId="203517", tvdbId="412873")
    body["request"]["request_id"] = "21"
    body["extra"] = [{"name": "Requested Seasons", "value": season}]
    return body


def send_all_properties(body: dict[str, Any]) -> dict[str, Any]:
    """The template body as "Send All Properties" would give it: no-dash ids, numbers."""
    shaped = {key: value for key, value in body.items() if value != "" and key != "schema"}
    shaped["ItemId"] = shaped["ItemId"].replace("-", "")
    if "Year" in shaped:
        shaped["Year"] = int(shaped["Year"])
    shaped.pop("WatchUrl", None)
    return shaped


def inbox_errors(running: Running, source: str) -> list[str | None]:
    path = running.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT error FROM inbox WHERE source = ? ORDER BY id", (source,))
        return [error for (error,) in rows.fetchall()]


# --- webhooks alone ------------------------------------------------------------------------------


def test_a_film_becomes_ready_to_watch_then_watched(
    stack_for: Callable[[Settings], Stack], make_settings: Callable[..., Settings]
) -> None:
    stack = stack_for(make_settings(jellyfin_public_url=PUBLIC))
    stack.post("jellyseerr", dune_request())
    added = jellyfin_fixture("item_added_movie")

    first = stack.post("jellyfin", added, plain=True)
    request = stack.request(41)
    assert (request["state"], request["state_label"]) == ("available", "Ready to watch")
    assert request["watch_url"] == f"{PUBLIC}/web/#/details?id={DUNE_ITEM}&serverId={SERVER_ID}"

    assert stack.post("jellyfin", added, plain=True) == first
    stack.post("jellyfin", send_all_properties(added))
    ready = [e for e in stack.timeline(41) if e["source"] == "jellyfin"]
    assert [e["message"] for e in ready] == ["Ready to watch"]

    playback = {
        **send_all_properties(added),
        "NotificationType": "PlaybackStart",
        "NotificationUsername": "alice",
        "UserId": "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    }
    stack.post("jellyfin", playback, plain=True)
    request = stack.request(41)
    assert (request["state"], request["state_label"]) == ("completed", "Watched")
    assert request["completed_at"] is not None
    assert stack.timeline(41)[-1]["message"] == "Watched by alice"


@pytest.mark.parametrize("configured", ["public-url", "jellyfin-url", "neither"])
def test_watch_now_link_base(
    stack_for: Callable[[Settings], Stack],
    make_settings: Callable[..., Settings],
    jellyfin: FakeJellyfin,
    configured: str,
) -> None:
    settings: dict[str, str] = {
        "public-url": {"jellyfin_public_url": PUBLIC, "jellyfin_url": jellyfin.url},
        "jellyfin-url": {"jellyfin_url": jellyfin.url},
        "neither": {},
    }[configured]
    base = {
        "public-url": PUBLIC,
        "jellyfin-url": jellyfin.url,
        "neither": "https://jellyfin.example.lan",  # the plugin's Server Url
    }[configured]
    stack = stack_for(make_settings(jellyfin_api_key=KEY, **settings))
    stack.post("jellyseerr", dune_request())
    stack.post("jellyfin", send_all_properties(jellyfin_fixture("item_added_movie")))
    expected = f"{base}/web/#/details?id={DUNE_ITEM}&serverId={SERVER_ID}"
    assert stack.request(41)["watch_url"] == expected


def test_a_new_series_arrives_whole(
    stack_for: Callable[[Settings], Stack], make_settings: Callable[..., Settings]
) -> None:
    stack = stack_for(make_settings(jellyfin_public_url=PUBLIC))
    stack.post("jellyseerr", glass_harbor_request())
    series = {
        **jellyfin_fixture("item_added_movie"),
        "ItemType": "Series",
        "ItemId": "7c2d9e8f-1a0b-4c3d-8e7f-6a5b4c3d2e1f",
        "Name": "The Glass Harbor",
        "Provider_tmdb": "",
        "Provider_imdb": "",
        "Provider_tvdb": "412873",
    }
    stack.post("jellyfin", series)
    request = stack.request(21)
    assert request["state"] == "available"
    assert request["watch_url"] == f"{PUBLIC}/web/#/details?id={GLASS_HARBOR}&serverId={SERVER_ID}"


def test_jellyseerr_marks_availability_without_jellyfin(
    stack_for: Callable[[Settings], Stack], make_settings: Callable[..., Settings]
) -> None:
    stack = stack_for(make_settings())
    stack.post("jellyseerr", fixture("jellyseerr/media_auto_approved_movie"))
    stack.post("jellyseerr", fixture("jellyseerr/media_available_movie"))
    request = stack.request(13)
    assert (request["state"], request["watch_url"]) == ("available", None)
    assert stack.timeline(13)[-1]["source"] == "jellyseerr"
    assert stack.health()["status"] == "disabled"


# --- episodes, through the Jellyfin API ----------------------------------------------------------


def sonarr_download(number: int) -> dict[str, Any]:
    """Sonarr's per-file Download webhook for one episode of The Glass Harbor's season-2 pack."""
    pack = sonarr_fixture("import_complete.json")
    body = sonarr_fixture("download.json")
    body["episodes"] = [e for e in pack["episodes"] if e["episodeNumber"] == number]
    body["episodeFile"] = dict(pack["episodeFiles"][number - 1])
    body["downloadId"] = pack["downloadId"]
    return body


def jellyfin_episode(number: int, series_id: str = GLASS_HARBOR) -> dict[str, Any]:
    """The episode as ``GET /Items`` lists it; Jellyfin mounts the library at /media/tv."""
    sonarr_path = sonarr_fixture("import_complete.json")["episodeFiles"][number - 1]["path"]
    return {
        "Id": f"{number:02d}" + "e" * 30,
        "Type": "Episode",
        "Name": f"Episode {number}",
        "SeriesName": "The Glass Harbor",
        "SeriesId": series_id,
        "ParentIndexNumber": 2,
        "IndexNumber": number,
        "Path": sonarr_path.replace("/tv/", "/media/tv/", 1),
        "ProviderIds": {"Tvdb": str(8800000 + number)},
        "DateCreated": "2099-01-01T00:00:00.0000000Z",
    }


def episodes_of(request: dict[str, Any]) -> tuple[int, int]:
    return request["episodes"]["available"], request["episodes"]["total"]


def test_episodes_become_available_through_the_jellyfin_api(
    stack_for: Callable[[Settings], Stack],
    make_settings: Callable[..., Settings],
    jellyfin: FakeJellyfin,
) -> None:
    jellyfin.library = [{"Id": GLASS_HARBOR, "Type": "Series", "ProviderIds": {"Tvdb": "412873"}}]
    settings = make_settings(
        jellyfin_url=jellyfin.url, jellyfin_api_key=KEY, jellyfin_public_url=PUBLIC
    )
    stack = stack_for(settings)
    stack.post("jellyseerr", glass_harbor_request())
    stack.post("sonarr", sonarr_fixture("grab_season_pack.json"))

    jellyfin.recent = [jellyfin_episode(2), jellyfin_episode(1)]
    stack.post("sonarr", sonarr_download(1))
    stack.post("sonarr", sonarr_download(2))
    stack.until(21, lambda r: episodes_of(r) == (2, 6), "two episodes are ready")
    assert stack.request(21)["state"] != "available"

    webhook = {
        **jellyfin_fixture("item_added_episode"),
        "ItemId": jellyfin_episode(1)["Id"],
        "SeriesId": GLASS_HARBOR,
        "SeriesName": "The Glass Harbor",
        "SeasonNumber": "2",
        "EpisodeNumber": "1",
    }
    stack.post("jellyfin", webhook, plain=True)
    assert episodes_of(stack.request(21)) == (2, 6)

    jellyfin.recent = [jellyfin_episode(n) for n in range(6, 0, -1)]
    stack.post("sonarr", sonarr_fixture("import_complete.json"))
    stack.until(21, lambda r: r["state"] == "available", "the whole season is ready")

    request = stack.request(21)
    assert episodes_of(request) == (6, 6)
    assert request["watch_url"].startswith(f"{PUBLIC}/web/#/details?id=")
    assert request["watch_url"].endswith(f"&serverId={SERVER_ID}")
    assert {auth for path, auth in jellyfin.seen} == {f'MediaBrowser Token="{KEY}"'}
    assert [path for path, _ in jellyfin.seen].count("/System/Info") == 1
    assert stack.health()["status"] == "ok"


def test_an_anime_episode_known_to_jellyfin_by_anidb_id_only_meets_by_path(
    stack_for: Callable[[Settings], Stack],
    make_settings: Callable[..., Settings],
    jellyfin: FakeJellyfin,
) -> None:
    anidb_series = "5e3d2c1b0a9f48e7b6c5d4e3f2a1b0c9"
    jellyfin.library = [{"Id": anidb_series, "Type": "Series", "ProviderIds": {"AniDB": "17617"}}]
    jellyfin.recent = [jellyfin_episode(3, series_id=anidb_series)]
    stack = stack_for(make_settings(jellyfin_url=jellyfin.url, jellyfin_api_key=KEY))
    stack.post("jellyseerr", glass_harbor_request())
    stack.post("sonarr", sonarr_download(3))
    stack.until(21, lambda r: episodes_of(r)[0] == 1, "the episode is ready")
    assert stack.request(21)["watch_url"] == (
        f"{jellyfin.url}/web/#/details?id={jellyfin_episode(3)['Id']}&serverId={SERVER_ID}"
    )


@pytest.mark.parametrize(
    ("key", "message"),
    [(None, "TRACKER_JELLYFIN_API_KEY is not set"), ("wrong", "HTTP 401")],
    ids=["no-key", "wrong-key"],
)
def test_a_missing_or_refused_api_key_shows_auth_failed(
    stack_for: Callable[[Settings], Stack],
    make_settings: Callable[..., Settings],
    jellyfin: FakeJellyfin,
    key: str | None,
    message: str,
) -> None:
    stack = stack_for(make_settings(jellyfin_url=jellyfin.url, jellyfin_api_key=key))
    stack.post("jellyseerr", glass_harbor_request())
    stack.post("sonarr", sonarr_download(1))
    deadline = time.monotonic() + GUARD
    while stack.health()["status"] != "auth_failed":
        assert time.monotonic() < deadline, stack.health()
        time.sleep(0.05)
    assert message in stack.health()["last_error"]
    assert stack.request(21)["state"] == "importing"
    assert inbox_errors(stack.running, "sonarr") == [None]
