"""Two requests for different seasons of one series: each episode goes to the request
that asked for its season, though the newer request holds the series' keys."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.support import Running, fixture

SONARR = Path(__file__).parent.parent / "integrations" / "sonarr" / "fixtures"
TVDB, TMDB = 412873, 203517


def approved(request_id: int, seasons: str) -> dict[str, Any]:
    body = fixture("jellyseerr/media_approved_tv")
    body["subject"] = "The Glass Harbor (2024)"
    body["media"] = {**body["media"], "tmdbId": str(TMDB), "tvdbId": str(TVDB)}
    body["request"] = {**body["request"], "request_id": str(request_id)}
    body["extra"] = [{"name": "Requested Seasons", "value": seasons}]
    return body


def grab(season: int, episode: int, download_id: str) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(json.loads((SONARR / "grab.json").read_text()))
    body["series"] = {**body["series"], "tvdbId": TVDB, "tmdbId": TMDB}
    body["episodes"] = [{**body["episodes"][0], "seasonNumber": season, "episodeNumber": episode}]
    body["downloadId"] = download_id
    return body


def test_each_episode_goes_to_the_request_for_its_season(running: Running) -> None:
    with running.client() as client:
        assert client.post("/hooks/jellyseerr", json=approved(31, "1")).status_code == 202
        assert client.post("/hooks/jellyseerr", json=approved(32, "2")).status_code == 202
        assert client.post("/hooks/sonarr", json=grab(1, 4, "A" * 40)).status_code == 202
        assert client.post("/hooks/sonarr", json=grab(2, 1, "B" * 40)).status_code == 202
        running.wait_processed(4)
        items = client.get("/api/requests").json()["items"]
    by_request = {i["jellyseerr_request_id"]: i for i in items}
    assert set(by_request) == {31, 32}
    assert by_request[31]["download_ids"] == ["a" * 40]
    assert by_request[32]["download_ids"] == ["b" * 40]
