"""Sonarr reconciliation end to end: the real server polling a fake Sonarr on 127.0.0.1."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from status_tracker.config import Settings
from status_tracker.integrations.sonarr.client import SonarrClient
from status_tracker.integrations.sonarr.poller import SonarrPoller
from status_tracker.runtime.lifespan import Tracker
from status_tracker.runtime.poller import run_poller
from tests.scenarios.fake_arr import KEY, FakeArr, Served, serve
from tests.scenarios.helpers import Hooks, wait_for
from tests.support import Running, free_port

from ._samples import jellyseerr_tv, load, vary

PACK = "46B71E143E7C3FF741B83FEBE6D92670469AD369"
FAILED = "3F1C0E5B9A7D4C2E8B6A0F1D3C5E7A9B1D3F5A7C"
STALLED = "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678"


def queue_rows(*download_ids: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for page in (1, 2, 3):
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
def sonarr() -> Iterator[Served]:
    fake = FakeArr(
        "sonarr",
        series=load("api/series_lookup.json"),
        episodes={42: load("api/episodes.json")},
    )
    served = serve(fake)
    yield served
    served.stop()


@pytest.fixture
def tracked(
    start: Callable[..., Running], make_settings: Callable[..., Settings], sonarr: Served
) -> Iterator[Hooks]:
    """A tracker reconciling with the fake Sonarr, after its first (empty) poll."""
    settings = make_settings(sonarr_url=sonarr.url, sonarr_api_key=KEY, reconcile_minutes=0.005)
    hooks = Hooks(start(settings))
    wait_for(lambda: hooks.health("sonarr")["status"] == "ok", "the first poll")
    yield hooks
    hooks.close()


def approve(hooks: Hooks, seasons: str = "1, 2") -> dict[str, Any]:
    hooks.post(
        "jellyseerr",
        jellyseerr_tv(
            "MEDIA_APPROVED",
            request_id=7,
            tmdb_id=203517,
            tvdb_id=412873,
            user="alice",
            seasons=seasons,
        ),
    )
    return hooks.only()


def test_expected_episodes_come_from_sonarr_for_the_requested_seasons(tracked: Hooks) -> None:
    request = approve(tracked)

    counted = wait_for(
        lambda: tracked.only()["episodes"]["total"] == 16 and tracked.only(), "episode count"
    )
    assert counted["id"] == request["id"]
    assert counted["state"] == "searching"
    assert counted["episodes"] == {"total": 16, "downloaded": 0, "imported": 0, "available": 0}


def test_a_grab_sonarr_never_told_us_about_is_picked_up_from_the_queue(
    tracked: Hooks, sonarr: Served
) -> None:
    approve(tracked, seasons="2")
    sonarr.fake.queue = queue_rows(PACK)

    request = wait_for(
        lambda: (r := tracked.only())["download"] and r, "the missed grab and its progress"
    )
    assert request["state"] == "searching"  # six more episodes of season 2 are wanted
    assert request["requested_by"] == "alice"
    assert request["download_ids"] == [PACK.lower()]
    assert request["download"]["size_bytes"] == 17583994880
    assert request["episodes"]["total"] == 8
    messages = tracked.messages(request["id"])
    assert "Found 2 episodes of season 2 (WEBDL-1080p)" in messages
    assert "Downloading" in messages


def test_a_failed_download_fails_the_request_with_sonarrs_reason(
    tracked: Hooks, sonarr: Served
) -> None:
    approve(tracked)
    grab = vary(
        load("grab.json"),
        series_id=42,
        tvdb_id=412873,
        tmdb_id=203517,
        title="The Glass Harbor",
        download_id=FAILED,
    )
    tracked.post("sonarr", grab)
    sonarr.fake.queue = queue_rows(FAILED)

    request = wait_for(lambda: (r := tracked.only())["state"] == "failed" and r, "the failure")
    reason = "Download failed: Caution: Found executable file with extension: '.exe'"
    assert request["error"] == reason
    assert tracked.timeline(request["id"])[-1]["message"] == reason


def test_history_fills_in_lost_imports(tracked: Hooks, sonarr: Served) -> None:
    approve(tracked, seasons="2")
    sonarr.fake.history = recent_history()

    request = wait_for(
        lambda: (r := tracked.only())["episodes"]["imported"] == 1 and r, "the lost import"
    )
    assert request["download_ids"] == [PACK.lower()]
    messages = tracked.messages(request["id"])
    assert "Found 2 episodes of season 2 (WEBDL-1080p)" in messages
    assert "Adding to the library" in messages


def test_settled_requests_are_not_written_again_poll_after_poll(
    tracked: Hooks, sonarr: Served
) -> None:
    approve(tracked)
    sonarr.fake.queue = queue_rows(PACK, STALLED)
    sonarr.fake.history = recent_history()
    failure = "Download failed: Caution: Found executable file with extension: '.exe'"
    settled = wait_for(
        lambda: (
            (r := tracked.only())["episodes"]["total"] == 16
            and len(r["download_ids"]) == 2
            and failure in tracked.messages(r["id"])
            and r
        ),
        "reconciliation",
    )
    assert settled["state"] == "failed"
    polls = sonarr.fake.calls("/api/v3/queue")
    timeline = tracked.timeline(settled["id"])

    wait_for(lambda: sonarr.fake.calls("/api/v3/queue") >= polls + 3, "three more polls")

    assert tracked.only()["updated_at"] == settled["updated_at"]
    assert tracked.timeline(settled["id"]) == timeline


def test_a_series_added_straight_in_sonarr_is_tracked_without_a_requester(
    start: Callable[..., Running], make_settings: Callable[..., Settings], sonarr: Served
) -> None:
    sonarr.fake.queue = queue_rows(PACK)
    settings = make_settings(sonarr_url=sonarr.url, sonarr_api_key=KEY, reconcile_minutes=60)
    hooks = Hooks(start(settings))

    request = wait_for(lambda: hooks.requests(), "the request")[0]

    assert request["requested_by"] is None
    assert request["title"] == "The Glass Harbor"
    assert request["state"] == "indexed"
    hooks.close()


def test_wrong_api_key_shows_on_health(
    start: Callable[..., Running], make_settings: Callable[..., Settings], sonarr: Served
) -> None:
    settings = make_settings(sonarr_url=sonarr.url, sonarr_api_key="wrong")
    hooks = Hooks(start(settings))

    health = wait_for(
        lambda: (h := hooks.health("sonarr"))["status"] == "auth_failed" and h, "auth_failed"
    )

    assert "HTTP 401" in health["last_error"]
    assert hooks.client.get("/api/health").json()["status"] == "degraded"
    hooks.close()


def test_missing_api_key_shows_on_health(
    start: Callable[..., Running], make_settings: Callable[..., Settings], sonarr: Served
) -> None:
    hooks = Hooks(start(make_settings(sonarr_url=sonarr.url)))

    health = wait_for(
        lambda: (h := hooks.health("sonarr"))["status"] == "auth_failed" and h, "auth_failed"
    )

    assert health["last_error"] == "TRACKER_SONARR_API_KEY is not set"
    assert sonarr.fake.seen == []
    hooks.close()


def test_refused_connection_shows_as_unreachable(
    start: Callable[..., Running], make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(sonarr_url=f"http://127.0.0.1:{free_port()}", sonarr_api_key=KEY)
    hooks = Hooks(start(settings))

    health = wait_for(
        lambda: (h := hooks.health("sonarr"))["status"] == "unreachable" and h, "unreachable"
    )

    assert health["last_error"]
    assert hooks.client.get("/api/health").status_code == 200
    hooks.close()


def test_outage_is_logged_once_and_the_loop_recovers(
    start: Callable[..., Running],
    sonarr: Served,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sonarr.fake.refuse_key = True
    poller = SonarrPoller(SonarrClient(sonarr.url, KEY), 0.01)

    async def reconcile(tracker: Tracker) -> None:
        async with poller:
            await run_poller(poller, tracker, auth_retry=0.01, max_backoff=0.01)

    with caplog.at_level(logging.INFO, logger="status_tracker.runtime.health"):
        running = start(extra_tasks=(reconcile,))
        wait_for(lambda: sonarr.fake.calls("/api/v3/queue") >= 5, "five refused polls")
        sonarr.fake.refuse_key = False
        wait_for(lambda: poller.polls >= 1, "a good poll")
        running.stop()

    lines = [r.getMessage() for r in caplog.records if r.name == "status_tracker.runtime.health"]
    assert len([line for line in lines if "auth failed" in line]) == 1
    assert lines[-1] == "sonarr: recovered"


def test_a_series_sonarr_adds_later_is_counted_once_it_is_there(
    tracked: Hooks, sonarr: Served
) -> None:
    series = sonarr.fake.series
    sonarr.fake.series = []
    approve(tracked)
    wait_for(lambda: sonarr.fake.calls("/api/v3/series") >= 2, "two lookups")
    assert tracked.only()["episodes"]["total"] == 0

    sonarr.fake.series = series

    wait_for(lambda: tracked.only()["episodes"]["total"] == 16, "the episode count")


def test_an_unreadable_episode_list_is_skipped_and_polling_goes_on(
    tracked: Hooks, sonarr: Served
) -> None:
    sonarr.fake.reject.add("/api/v3/episode")
    approve(tracked)
    wait_for(lambda: sonarr.fake.calls("/api/v3/episode") >= 2, "two tries")

    assert tracked.health("sonarr")["status"] == "ok"
    assert tracked.only()["episodes"]["total"] == 0
    sonarr.fake.reject.clear()
    wait_for(lambda: tracked.only()["episodes"]["total"] == 16, "the episode count")
