"""The demo's Sonarr season pack and Radarr film: shaped like the recorded webhooks, and
played through the real server they end where a person expects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from status_tracker.demo import STORIES, arr
from status_tracker.demo.simulator import Poster
from tests.integrations.radarr._samples import load as radarr_fixture
from tests.integrations.sonarr._samples import load as sonarr_fixture
from tests.scenarios.helpers import Hooks
from tests.support import Running


def unknown_fields(built: Any, recorded: Any, where: str = "") -> list[str]:
    """Field paths in ``built`` that the recorded body does not have (lists: first items)."""
    if isinstance(built, dict) and isinstance(recorded, dict):
        found = [f"{where}.{key}" for key in built if key not in recorded]
        for key in built.keys() & recorded.keys():
            found += unknown_fields(built[key], recorded[key], f"{where}.{key}")
        return found
    if isinstance(built, list) and isinstance(recorded, list) and built and recorded:
        return unknown_fields(built[0], recorded[0], f"{where}[]")
    return []


SERIES = arr.sonarr_series(
    series_id=5, title="Severance", year=2022, tvdb_id=1, tmdb_id=2, imdb_id="tt3"
)
EPISODES = arr.sonarr_episodes(SERIES, 1, ["Good News About Hell", "Half Loop"], first_id=10)
FILES = [
    arr.sonarr_episode_file(SERIES, e, quality="WEBDL-2160p", scene_name="S-FLUX", size=9)
    for e in EPISODES
]
MOVIE = arr.radarr_movie(movie_id=7, title="Dune: Part Two", year=2024, tmdb_id=8, imdb_id="tt9")
HASH = arr.info_hash("x")


@pytest.mark.parametrize(
    ("built", "recorded"),
    [
        (
            arr.sonarr_grab(
                SERIES, EPISODES, download_id=HASH, release_title="S-FLUX", quality="q", size=1
            ),
            sonarr_fixture("grab_season_pack.json"),
        ),
        (
            arr.sonarr_download(
                SERIES, EPISODES[0], FILES[0], download_id=HASH, release_title="S-FLUX", size=1
            ),
            sonarr_fixture("download.json"),
        ),
        (
            arr.sonarr_import_complete(
                SERIES, EPISODES, FILES, download_id=HASH, release_title="S-FLUX", size=1
            ),
            sonarr_fixture("import_complete.json"),
        ),
        (
            arr.radarr_grab(MOVIE, download_id=HASH, release_title="D-FGT", quality="q", size=1),
            radarr_fixture("grab.json"),
        ),
        (
            arr.radarr_download(
                MOVIE, download_id=HASH, release_title="D-FGT", quality="q", size=1
            ),
            radarr_fixture("download.json"),
        ),
    ],
    ids=[
        "sonarr-grab",
        "sonarr-download",
        "sonarr-import-complete",
        "radarr-grab",
        "radarr-download",
    ],
)
def test_demo_bodies_have_the_recorded_shape(
    built: dict[str, Any], recorded: dict[str, Any]
) -> None:
    assert unknown_fields(built, recorded) == []
    assert built.keys() == recorded.keys()


def test_demo_hashes_are_upper_case_like_sonarrs() -> None:
    assert len(HASH) == 40
    assert HASH.upper() == HASH
    assert arr.info_hash("y") != HASH


def test_the_stories_are_played_by_the_demo() -> None:
    assert arr.season_pack in STORIES
    assert arr.radarr_film in STORIES


async def play(running: Running, story: Callable[..., Any], round_no: int, posts: int) -> Hooks:
    async with httpx.AsyncClient(base_url=running.base_url) as client:
        await story(Poster(client), round_no, pause=0)
    running.wait_processed(posts)
    return Hooks(running)


@pytest.mark.parametrize("round_no", [0, 4])
async def test_the_season_pack_story_ends_with_every_episode_ready(
    start: Callable[..., Running], round_no: int
) -> None:
    hooks = await play(start(), arr.season_pack, round_no, posts=13)

    request = hooks.only()
    assert (request["title"], request["requested_by"]) == ("Severance", "bob")
    assert request["state"] == "available"
    assert request["episodes"]["total"] == request["episodes"]["imported"] == 9
    messages = hooks.messages(request["id"])
    assert "Found 9 episodes of season 1 (WEBDL-2160p)" in messages
    assert messages.count("Adding to the library") == 1
    assert "Added 9 episodes to the library" in messages
    hooks.close()


async def test_the_film_story_ends_ready_to_watch(start: Callable[..., Running]) -> None:
    hooks = await play(start(), arr.radarr_film, 2, posts=5)

    request = hooks.only()
    assert (request["title"], request["requested_by"]) == ("Dune: Part Two", "carol")
    assert request["state"] == "available"
    assert sorted(hooks.messages(request["id"])) == [
        "Added to the library (Remux-2160p)",
        "Approved — looking for a release",
        "Found (Remux-2160p)",
        "Ready to watch",
        "Requested by carol",
    ]
    hooks.close()
