"""Radarr reconciliation end to end: the real server polling a fake Radarr on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from status_tracker.config import Settings
from tests.scenarios.fake_arr import KEY, FakeArr, Served, serve
from tests.scenarios.helpers import Hooks, wait_for
from tests.support import Running, free_port

from ._samples import jellyseerr_movie, load, vary

DOWNLOADING = "213C62E87CBD8DF7E5038B126E589857FB5DB0F9"
BLOCKED = "D7AE46B13D5BF0D9E5DD495DB197B2D17249AB4A"
FAILED = "C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00"


def queue_rows(*download_ids: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for page in (1, 2):
        rows.extend(load(f"api/queue_page{page}.json")["records"])
    return [row for row in rows if row.get("downloadId") in download_ids]


def recent_history() -> list[dict[str, Any]]:
    """The recorded history in its order, ten seconds apart, from a second from now on."""
    rows: list[dict[str, Any]] = sorted(load("api/history_since.json"), key=lambda r: r["date"])
    first = datetime.now(UTC) + timedelta(seconds=1)
    for index, row in enumerate(rows):
        row["date"] = (first + timedelta(seconds=10 * index)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return rows


@pytest.fixture
def radarr() -> Iterator[Served]:
    served = serve(FakeArr("radarr", movies=load("api/movie_lookup.json")))
    yield served
    served.stop()


@pytest.fixture
def tracked(
    start: Callable[..., Running], make_settings: Callable[..., Settings], radarr: Served
) -> Iterator[Hooks]:
    """A tracker reconciling with the fake Radarr, after its first (empty) poll."""
    settings = make_settings(radarr_url=radarr.url, radarr_api_key=KEY, reconcile_minutes=0.005)
    hooks = Hooks(start(settings))
    wait_for(lambda: hooks.health("radarr")["status"] == "ok", "the first poll")
    yield hooks
    hooks.close()


def request_movie(hooks: Hooks, tmdb_id: int, request_id: int = 51) -> dict[str, Any]:
    body = jellyseerr_movie(
        "MEDIA_AUTO_APPROVED", request_id=request_id, tmdb_id=tmdb_id, user="frank"
    )
    hooks.post("jellyseerr", body)
    return hooks.only()


def test_a_grab_radarr_never_told_us_about_is_picked_up_with_its_progress(
    tracked: Hooks, radarr: Served
) -> None:
    request_movie(tracked, 987654)
    radarr.fake.queue = queue_rows(DOWNLOADING)

    request = wait_for(lambda: (r := tracked.only())["state"] == "downloading" and r, "the grab")

    assert request["requested_by"] == "frank"
    assert request["download_ids"] == [DOWNLOADING.lower()]
    assert request["progress"] == 0.75
    assert request["download"]["eta_seconds"] == 250
    assert tracked.messages(request["id"])[-2:] == ["Found (WEBDL-1080p)", "Downloading"]


def test_progress_is_left_to_qbittorrent_when_it_is_configured(
    start: Callable[..., Running], make_settings: Callable[..., Settings], radarr: Served
) -> None:
    settings = make_settings(
        radarr_url=radarr.url,
        radarr_api_key=KEY,
        reconcile_minutes=0.005,
        qbittorrent_url=f"http://127.0.0.1:{free_port()}",
    )
    hooks = Hooks(start(settings))
    request_movie(hooks, 987654)
    radarr.fake.queue = queue_rows(DOWNLOADING)

    request = wait_for(lambda: (r := hooks.only())["download_ids"] and r, "the grab")
    polls = radarr.fake.calls("/api/v3/queue")
    wait_for(lambda: radarr.fake.calls("/api/v3/queue") > polls + 1, "more polls")

    assert hooks.only()["state"] == "indexed"
    assert hooks.only()["download"] is None
    assert hooks.messages(request["id"])[-1] == "Found (WEBDL-1080p)"
    hooks.close()


def test_a_failed_download_fails_the_request_with_radarrs_reason(
    tracked: Hooks, radarr: Served
) -> None:
    request_movie(tracked, 845120)
    radarr.fake.history = recent_history()

    request = wait_for(lambda: (r := tracked.only())["state"] == "failed" and r, "the failure")

    assert request["error"] == "Download failed: No files found are eligible for import"


def test_a_failed_queue_row_fails_a_grabbed_request(tracked: Hooks, radarr: Served) -> None:
    request_movie(tracked, 845120)
    grab = vary(
        load("grab.json"),
        movie_id=31,
        tmdb_id=845120,
        title="The Cartographer's Daughter",
        download_id=FAILED,
    )
    tracked.post("radarr", grab)
    radarr.fake.queue = queue_rows(FAILED)

    request = wait_for(lambda: (r := tracked.only())["state"] == "failed" and r, "the failure")

    assert request["error"] == (
        "Download failed: No files found are eligible for import in "
        "/downloads/radarr/The.Cartographers.Daughter.2022.1080p.BluRay.x264-ATLAS"
    )


def test_history_fills_in_a_lost_import(tracked: Hooks, radarr: Served) -> None:
    request_movie(tracked, 987654)
    radarr.fake.history = recent_history()

    request = wait_for(lambda: (r := tracked.only())["state"] == "importing" and r, "the import")

    assert request["download_ids"] == [DOWNLOADING.lower()]
    assert tracked.messages(request["id"])[-2:] == [
        "Found (WEBDL-1080p)",
        "Added to the library (WEBDL-1080p)",
    ]


def test_blocked_import_needs_attention(tracked: Hooks, radarr: Served) -> None:
    request_movie(tracked, 1023456)
    radarr.fake.queue = queue_rows(BLOCKED)

    request = wait_for(lambda: (r := tracked.only())["error"] and r, "the problem")

    assert request["state"] == "download_done"
    assert request["error"] == (
        "Needs attention: Found matching movie via grab history, but release was matched "
        "to movie by ID. Manual Import required."
    )


def test_a_movie_added_straight_in_radarr_is_tracked_without_a_requester(
    start: Callable[..., Running], make_settings: Callable[..., Settings], radarr: Served
) -> None:
    radarr.fake.queue = queue_rows(DOWNLOADING, FAILED)
    settings = make_settings(radarr_url=radarr.url, radarr_api_key=KEY, reconcile_minutes=60)
    hooks = Hooks(start(settings))

    [request] = wait_for(lambda: hooks.requests(), "the request")

    assert (request["title"], request["requested_by"]) == ("Quiet Meridian", None)
    assert request["state"] == "indexed"
    hooks.close()


def test_wrong_api_key_shows_on_health(
    start: Callable[..., Running], make_settings: Callable[..., Settings], radarr: Served
) -> None:
    radarr.fake.refuse_key = True
    hooks = Hooks(start(make_settings(radarr_url=radarr.url, radarr_api_key=KEY)))

    health = wait_for(
        lambda: (h := hooks.health("radarr"))["status"] == "auth_failed" and h, "auth_failed"
    )

    assert "HTTP 401" in health["last_error"]
    hooks.close()


def test_refused_connection_shows_as_unreachable(
    start: Callable[..., Running], make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(radarr_url=f"http://127.0.0.1:{free_port()}", radarr_api_key=KEY)
    hooks = Hooks(start(settings))

    health = wait_for(
        lambda: (h := hooks.health("radarr"))["status"] == "unreachable" and h, "unreachable"
    )

    assert health["enabled"] is True
    hooks.close()
