"""``POST /api/requests/{id}/retry`` for films, against a fake Radarr on 127.0.0.1."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from status_tracker.config import Settings
from tests.scenarios.fake_arr import KEY, FakeArr, Served, serve
from tests.scenarios.helpers import Hooks, wait_for
from tests.support import Running, free_port

from ._samples import jellyseerr_movie, load, vary

HASH = "213C62E87CBD8DF7E5038B126E589857FB5DB0F9"


@pytest.fixture
def radarr() -> Iterator[Served]:
    served = serve(FakeArr("radarr", movies=load("api/movie_lookup.json")))
    yield served
    served.stop()


@pytest.fixture
def tracked(
    start: Callable[..., Running], make_settings: Callable[..., Settings], radarr: Served
) -> Iterator[Hooks]:
    settings = make_settings(radarr_url=radarr.url, radarr_api_key=KEY, reconcile_minutes=60)
    hooks = Hooks(start(settings))
    wait_for(lambda: hooks.health("radarr")["status"] == "ok", "the first poll")
    yield hooks
    hooks.close()


def failed_request(hooks: Hooks, tmdb_id: int = 987654) -> dict[str, Any]:
    hooks.post(
        "jellyseerr", jellyseerr_movie("MEDIA_FAILED", request_id=61, tmdb_id=tmdb_id, user="gina")
    )
    request = hooks.only()
    assert request["state"] == "failed"
    return request


def grabbed_request(hooks: Hooks) -> dict[str, Any]:
    grab = vary(
        load("grab.json"), movie_id=17, tmdb_id=987654, title="Quiet Meridian", download_id=HASH
    )
    hooks.post("radarr", grab)
    return hooks.only()


def stalled_row() -> dict[str, Any]:
    row: dict[str, Any] = copy.deepcopy(load("api/queue_page1.json")["records"][0])
    row.update(
        status="warning",
        trackedDownloadStatus="warning",
        errorMessage="The download is stalled with no connections",
    )
    return row


def test_retry_looks_the_movie_up_searches_and_goes_back_to_searching(
    tracked: Hooks, radarr: Served
) -> None:
    request = failed_request(tracked)

    response = tracked.client.post(f"/api/requests/{request['id']}/retry")

    assert response.status_code == 202
    assert response.json()["state"] == "searching"
    assert response.json()["error"] is None
    assert radarr.fake.commands == [{"name": "MoviesSearch", "movieIds": [17]}]
    assert radarr.fake.calls("/api/v3/movie") == 1
    entry = tracked.timeline(request["id"])[-1]
    assert (entry["state"], entry["source"]) == ("searching", "tracker")
    assert entry["message"].startswith("Retry requested")
    assert tracked.only()["state"] == "searching"


def test_retry_of_a_stalled_download_gives_it_up_and_uses_the_known_movie_id(
    tracked: Hooks, radarr: Served
) -> None:
    request = grabbed_request(tracked)
    radarr.fake.queue = [stalled_row()]

    response = tracked.client.post(f"/api/requests/{request['id']}/retry")

    assert response.status_code == 202
    assert radarr.fake.deleted == [stalled_row()["id"]]
    assert radarr.fake.queue == []
    assert radarr.fake.commands == [{"name": "MoviesSearch", "movieIds": [17]}]
    assert radarr.fake.calls("/api/v3/movie") == 0
    assert tracked.only()["state"] == "searching"


def test_a_healthy_download_is_not_removed_by_a_retry(tracked: Hooks, radarr: Served) -> None:
    request = grabbed_request(tracked)
    healthy = load("api/queue_page1.json")["records"][0]
    radarr.fake.queue = [healthy]

    assert tracked.client.post(f"/api/requests/{request['id']}/retry").status_code == 202

    assert radarr.fake.deleted == []
    assert radarr.fake.commands == [{"name": "MoviesSearch", "movieIds": [17]}]


def test_a_request_past_downloading_cannot_be_retried(tracked: Hooks, radarr: Served) -> None:
    request = grabbed_request(tracked)
    tracked.post(
        "radarr",
        vary(
            load("download.json"),
            movie_id=17,
            tmdb_id=987654,
            title="Quiet Meridian",
            download_id=HASH,
        ),
    )

    response = tracked.client.post(f"/api/requests/{request['id']}/retry")

    assert response.status_code == 409
    assert "adding to library (importing)" in response.json()["detail"]
    assert radarr.fake.commands == []


def test_a_movie_radarr_does_not_have_is_a_conflict(tracked: Hooks, radarr: Served) -> None:
    request = failed_request(tracked, tmdb_id=424242)

    response = tracked.client.post(f"/api/requests/{request['id']}/retry")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Radarr has no movie with TMDB id 424242; add it in Radarr first"
    )
    assert tracked.only()["state"] == "failed"


def test_unknown_request_is_404(tracked: Hooks) -> None:
    assert tracked.client.post("/api/requests/999/retry").status_code == 404


def test_radarr_not_configured_is_503(start: Callable[..., Running]) -> None:
    hooks = Hooks(start())
    request = failed_request(hooks)

    response = hooks.client.post(f"/api/requests/{request['id']}/retry")

    assert response.status_code == 503
    assert "TRACKER_RADARR_URL" in response.json()["detail"]
    assert hooks.only()["state"] == "failed"
    hooks.close()


def test_radarr_refusing_the_connection_is_502_and_shows_on_health(
    start: Callable[..., Running], make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(
        radarr_url=f"http://127.0.0.1:{free_port()}", radarr_api_key=KEY, reconcile_minutes=60
    )
    hooks = Hooks(start(settings))
    request = failed_request(hooks)

    response = hooks.client.post(f"/api/requests/{request['id']}/retry")

    assert response.status_code == 502
    assert response.json()["detail"].startswith("Radarr could not be reached")
    assert hooks.health("radarr")["status"] == "unreachable"
    assert hooks.only()["state"] == "failed"
    hooks.close()


def test_radarr_refusing_the_api_key_is_502(tracked: Hooks, radarr: Served) -> None:
    request = failed_request(tracked)
    radarr.fake.refuse_key = True

    response = tracked.client.post(f"/api/requests/{request['id']}/retry")

    assert response.status_code == 502
    assert response.json()["detail"].startswith("Radarr refused the API key")
    assert tracked.health("radarr")["status"] == "auth_failed"


def test_radarr_rejecting_the_search_is_502(tracked: Hooks, radarr: Served) -> None:
    request = failed_request(tracked)
    radarr.fake.reject.add("/api/v3/command")

    response = tracked.client.post(f"/api/requests/{request['id']}/retry")

    assert response.status_code == 502
    assert response.json()["detail"].startswith("Radarr gave an answer we cannot read")
    assert tracked.only()["state"] == "failed"
