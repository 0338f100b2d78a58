"""``POST /api/requests/{id}/retry`` for series, against a fake Sonarr on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from status_tracker.config import Settings
from tests.scenarios.fake_arr import KEY, FakeArr, Served, serve
from tests.scenarios.helpers import Hooks, wait_for
from tests.support import Running

from ._samples import jellyseerr_tv, load, vary

PACK = "46B71E143E7C3FF741B83FEBE6D92670469AD369"


@pytest.fixture
def sonarr() -> Iterator[Served]:
    fake = FakeArr(
        "sonarr", series=load("api/series_lookup.json"), episodes={42: load("api/episodes.json")}
    )
    served = serve(fake)
    yield served
    served.stop()


@pytest.fixture
def tracked(
    start: Callable[..., Running], make_settings: Callable[..., Settings], sonarr: Served
) -> Iterator[Hooks]:
    settings = make_settings(sonarr_url=sonarr.url, sonarr_api_key=KEY, reconcile_minutes=60)
    hooks = Hooks(start(settings))
    wait_for(lambda: hooks.health("sonarr")["status"] == "ok", "the first poll")
    yield hooks
    hooks.close()


def test_retry_searches_each_requested_season_of_the_series_found_by_tvdb_id(
    tracked: Hooks, sonarr: Served
) -> None:
    for notification in ("MEDIA_APPROVED", "MEDIA_FAILED"):
        body = jellyseerr_tv(
            notification, request_id=71, tmdb_id=203517, tvdb_id=412873, user="hal", seasons="2, 1"
        )
        tracked.post("jellyseerr", body)
    request = tracked.only()
    assert request["state"] == "failed"

    response = tracked.client.post(f"/api/requests/{request['id']}/retry")

    assert response.status_code == 202
    assert response.json()["state"] == "searching"
    assert sonarr.fake.commands == [
        {"name": "SeasonSearch", "seriesId": 42, "seasonNumber": 1},
        {"name": "SeasonSearch", "seriesId": 42, "seasonNumber": 2},
    ]
    assert tracked.messages(request["id"])[-1].startswith("Retry requested")


def test_a_series_added_in_sonarr_is_searched_whole_by_its_sonarr_id(
    tracked: Hooks, sonarr: Served
) -> None:
    grab = vary(
        load("grab_season_pack.json"),
        series_id=42,
        tvdb_id=412873,
        tmdb_id=203517,
        title="The Glass Harbor",
        download_id=PACK,
    )
    tracked.post("sonarr", grab)
    request = tracked.only()

    response = tracked.client.post(f"/api/requests/{request['id']}/retry")

    assert response.status_code == 202
    assert sonarr.fake.commands == [{"name": "SeriesSearch", "seriesId": 42}]
    assert sonarr.fake.calls("/api/v3/series") == 0
    state = tracked.only()
    assert state["state"] == "searching"
    assert state["episodes"] == {"total": 0, "downloaded": 0, "imported": 0, "available": 0}


def test_a_series_sonarr_does_not_have_is_a_conflict(tracked: Hooks, sonarr: Served) -> None:
    body = jellyseerr_tv(
        "MEDIA_FAILED", request_id=72, tmdb_id=1, tvdb_id=999999, user="hal", seasons="1"
    )
    tracked.post("jellyseerr", body)

    response = tracked.client.post(f"/api/requests/{tracked.only()['id']}/retry")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Sonarr has no series with TVDB id 999999; add it in Sonarr first"
    )
    assert sonarr.fake.commands == []
