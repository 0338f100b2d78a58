"""The demo's simulated qBittorrent WebUI, spoken to by the real client, poller and tracker.

The simulated WebUI runs in the test's event loop on a loopback port; the tracker
(real server in its own thread) polls it over HTTP with the real poller, exactly
as the demo does. The download story is played at a tenth of its pace.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from status_tracker.config import Settings
from status_tracker.demo.qbittorrent import (
    SimulatedQbittorrent,
    SimulatedTorrent,
    finished_form,
    simulate_unless_configured,
)
from status_tracker.demo.simulator import Poster
from status_tracker.demo.story_download import DownloadStory, film_for
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.qbittorrent.client import QbittorrentClient
from status_tracker.integrations.qbittorrent.payloads import MainData
from status_tracker.integrations.qbittorrent.poller import REMOVED
from status_tracker.integrations.qbittorrent.translate import progress_event, translate
from tests.support import Running

LIMIT_S = 30.0
HASH = "5d" * 20


@pytest.fixture
async def simulated(
    make_settings: Callable[..., Settings],
) -> AsyncIterator[tuple[SimulatedQbittorrent, Settings]]:
    """A simulated WebUI serving on a free port, and settings pointing at it."""
    simulation = SimulatedQbittorrent()
    settings, tasks = simulate_unless_configured(
        make_settings(qbittorrent_poll_seconds=0.2), simulation
    )
    [serve] = tasks
    server = asyncio.create_task(serve(None))
    yield simulation, settings
    server.cancel()
    await asyncio.gather(server, return_exceptions=True)


async def test_a_configured_qbittorrent_is_kept(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(qbittorrent_url="http://qbt.lan:8080")
    kept, tasks = simulate_unless_configured(settings, SimulatedQbittorrent())

    assert kept.url("qbittorrent") == "http://qbt.lan:8080"
    assert tasks == ()


async def test_simulated_webui_answers_the_real_client_with_deltas(
    simulated: tuple[SimulatedQbittorrent, Settings],
) -> None:
    simulation, settings = simulated
    url = settings.url("qbittorrent")
    assert url is not None
    torrent = simulation.add(SimulatedTorrent(HASH, "Demo.Film.mkv", 8 << 20, 3.0, waiting=0.3))
    answers: list[MainData] = []
    async with QbittorrentClient(url) as client:
        assert (await client.version()).startswith("v4.")
        deadline = time.monotonic() + LIMIT_S
        while time.monotonic() < deadline:
            answers.append(await client.maindata())
            if progress_event(answers[-1].torrents[HASH]).status == "done":
                break
            await asyncio.sleep(0.2)
        simulation.remove(HASH)
        gone = await client.maindata()
        by_id = await client.torrents([HASH.upper()])

    statuses = [progress_event(a.torrents[HASH]).status for a in answers]
    assert answers[0].full_update
    assert not any(a.full_update for a in answers[1:])
    assert any(HASH not in a.changed for a in answers[1:])  # "nothing changed" answers
    assert statuses[0] == "stalled"
    assert "downloading" in statuses
    assert statuses[-1] == "done"
    assert gone.removed == {HASH}
    assert by_id == {}
    [event] = translate(finished_form(torrent), TranslateContext())
    assert event.download_id == HASH


async def test_download_story_moves_a_request_through_the_real_poller(
    simulated: tuple[SimulatedQbittorrent, Settings], start: Callable[..., Running]
) -> None:
    simulation, settings = simulated
    running = start(settings)
    film = film_for(3)
    seen: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=running.base_url, timeout=10) as api:
        story = asyncio.create_task(DownloadStory(simulation, pace=0.1)(Poster(api), 3))
        deadline = time.monotonic() + LIMIT_S
        while time.monotonic() < deadline:
            items = (await api.get("/api/requests", params={"scope": "all"})).json()["items"]
            seen += items
            if items and items[0]["state"] == "available" and story.done():
                break
            await asyncio.sleep(0.05)
        await story
        detail = (await api.get(f"/api/requests/{seen[-1]['id']}")).json()

    downloading = [s for s in seen if s["state"] == "downloading" and s["download"]]
    assert any(0 < (s["progress"] or 0) < 1 for s in downloading)
    assert any((s["download"]["speed_bps"] or 0) > 0 for s in downloading)
    assert any(s["download"]["eta_seconds"] is not None for s in downloading)
    assert detail["state"] == "available"
    assert detail["tmdb_id"] == film.tmdb_id
    timeline = [(e["source"], e["message"]) for e in detail["timeline"]]
    assert ("qbittorrent", "Downloading") in timeline or (
        "qbittorrent",
        "Waiting for peers",
    ) in timeline
    assert ("qbittorrent", "Download finished") in timeline
    assert any(source == "radarr" and "library" in words for source, words in timeline)
    assert REMOVED not in [words for _, words in timeline]  # finished first, then removed
    assert simulation.torrents == {}  # removed after the import, as Radarr does
