"""QbittorrentPoller against recorded ``sync/maindata`` answers (httpx.MockTransport).

The host is a real ``Tracker`` (writer, SQLite, bus) in the test's event loop;
requests are created through its inbox exactly like webhooks (a Jellyseerr
request, then a Radarr/Sonarr Grab whose ``downloadId`` is the torrent hash in upper
case). Only the qBittorrent WebUI is scripted.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from status_tracker.config import Settings
from status_tracker.core.model import Request
from status_tracker.core.states import RequestState
from status_tracker.core.summary import download_summary, progress
from status_tracker.integrations.qbittorrent.client import QbittorrentClient
from status_tracker.integrations.qbittorrent.poller import REMOVED, QbittorrentPoller
from status_tracker.registry import INTEGRATIONS
from status_tracker.runtime.lifespan import Tracker
from status_tracker.runtime.poller import run_poller
from tests.support import fixture

from .lab import load_fixture

URL = "http://qbt.lan:8080"
SESSION = load_fixture("maindata_4.5.2_download.json")
FULL = load_fixture("maindata_4.5.2_full.json")
FILM = "bea9c3164cca34561f555deedec8b687b9a0ec71"  # Some.Movie.2021.1080p.mkv, downloads
SHOW = "0f7c60ce5f14fd4589889d8783df9b86c7a78ab7"  # Lonely.Show.S01E01.mkv, deleted at rid 12
HYBRID_ID = "f2c8198c17deb6b8fa02857544decc87562b535d"
HYBRID_V1 = "b383bf005ea3e2b53ea046bffd4e2ce0e6a5524e"
LIMIT_S = 10.0


class ScriptedWebUI:
    """Login plus ``sync/maindata`` answers in order (then "nothing changed")."""

    def __init__(self, answers: list[dict[str, Any]], *, password: str = "secret") -> None:
        self.answers = copy.deepcopy(answers)
        self.password = password
        self.sessions: set[str] = set()
        self.logins = 0
        self.rids: list[int] = []
        self.last_rid = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/auth/login"):
            self.logins += 1
            form = parse_qs(request.content.decode())
            if form != {"username": ["admin"], "password": [self.password]}:
                return httpx.Response(200, text="Fails.")
            session = f"s{self.logins}"
            self.sessions.add(session)
            return httpx.Response(200, text="Ok.", headers={"set-cookie": f"SID={session}; path=/"})
        if request.headers.get("cookie", "").partition("=")[2] not in self.sessions:
            return httpx.Response(403, text="Forbidden")
        if path.endswith("/sync/maindata"):
            self.rids.append(int(request.url.params["rid"]))
            answer = self.answers.pop(0) if self.answers else {"rid": self.last_rid + 1}
            self.last_rid = answer["rid"]
            return httpx.Response(200, json=answer)
        return httpx.Response(200)


def poller_for(web: ScriptedWebUI, **options: Any) -> QbittorrentPoller:
    client = QbittorrentClient(URL, "admin", "secret", transport=httpx.MockTransport(web))
    return QbittorrentPoller(client, interval=0.05, **options)


@pytest.fixture
async def tracker(make_settings: Callable[..., Settings]) -> AsyncIterator[Tracker]:
    """A running tracker with qBittorrent configured but its own loop left out."""
    integrations = [dataclasses.replace(i, background=None) for i in INTEGRATIONS]
    running = Tracker(make_settings(qbittorrent_url=URL), integrations)
    async with running.run():
        yield running


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + LIMIT_S
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.01)


async def processed(tracker: Tracker, count: int) -> None:
    async def done() -> bool:
        return tracker.pipeline.processed >= count

    await eventually(done, f"{count} deliveries processed")


async def only_request(tracker: Tracker) -> Request:
    [request] = await tracker.active_requests()
    return request


async def request_where(tracker: Tracker, check: Callable[[Request], bool], what: str) -> Request:
    async def holds() -> bool:
        return check(await only_request(tracker))

    await eventually(holds, what)
    return await only_request(tracker)


async def requested_movie(tracker: Tracker) -> None:
    """Jellyseerr's request for tmdb 603, processed."""
    done = tracker.pipeline.processed
    await tracker.deliver("jellyseerr", fixture("jellyseerr/media_auto_approved_movie"))
    await processed(tracker, done + 1)


async def radarr_grab(tracker: Tracker, download_id: str) -> None:
    """Radarr's Grab of tmdb 603 with ``downloadId`` upper-cased, processed."""
    grab = load_fixture("radarr_grab.json")
    grab["movie"]["tmdbId"] = grab["remoteMovie"]["tmdbId"] = 603
    grab["downloadId"] = download_id.upper()
    done = tracker.pipeline.processed
    await tracker.deliver("radarr", grab)
    await processed(tracker, done + 1)


async def grabbed_movie(tracker: Tracker, download_id: str) -> None:
    """A requested film whose release was grabbed as ``download_id``."""
    await requested_movie(tracker)
    await radarr_grab(tracker, download_id)


async def idle(tracker: Tracker) -> None:
    """Until a loop subscribed to changes and had time for its first ``wanted`` check."""

    async def subscribed() -> bool:
        return tracker.bus.subscriber_count > 0

    await eventually(subscribed, "the poller loop subscribed")
    await asyncio.sleep(0.2)


async def tick(poller: QbittorrentPoller, tracker: Tracker) -> bool:
    """What ``run_poller`` does once: ``wanted``, then ``poll`` if so."""
    if await poller.wanted(tracker):
        await poller.poll(tracker)
        return True
    return False


async def test_idle_without_anything_downloading_makes_no_call(tracker: Tracker) -> None:
    web = ScriptedWebUI(SESSION)
    async with poller_for(web) as poller:
        await requested_movie(tracker)
        assert not await tick(poller, tracker)

    assert web.rids == []
    assert web.logins == 0


async def test_a_grab_wakes_the_idle_poller(tracker: Tracker) -> None:
    web = ScriptedWebUI(SESSION)
    async with poller_for(web) as poller:
        await requested_movie(tracker)
        loop = asyncio.create_task(run_poller(poller, tracker, idle_check=3600))
        try:
            await idle(tracker)
            await radarr_grab(tracker, FILM)
            request = await request_where(
                tracker, lambda r: r.downloads[FILM].status is not None, "a sample"
            )
        finally:
            loop.cancel()
            await asyncio.gather(loop, return_exceptions=True)

    assert web.rids[0] == 0
    assert request.state is RequestState.DOWNLOADING
    assert request.downloads[FILM].status == "stalled"
    assert request.error == "Waiting for peers"
    assert tracker.health("qbittorrent").status == "ok"


async def test_recorded_download_one_call_per_tick_samples_only_on_change(
    tracker: Tracker,
) -> None:
    web = ScriptedWebUI(SESSION[:10])  # full update … the delta where it completes
    seen: list[Request] = []
    await grabbed_movie(tracker, FILM)
    async with poller_for(web) as poller:
        with tracker.changes() as changes:
            for _ in range(10):
                before = poller.submitted
                assert await tick(poller, tracker)
                if poller.submitted > before:
                    change = await asyncio.wait_for(anext(changes), LIMIT_S)
                    assert change is not None
                    seen.append(change)
        request = await request_where(
            tracker, lambda r: r.state is RequestState.DOWNLOAD_DONE, "download_done"
        )
        assert not await tick(poller, tracker)  # nothing left to watch

    assert web.rids == list(range(10))  # exactly one maindata per tick, incremental rid
    # full update (stalled), rids 2-4 change nothing, 5-9 progress, 10 done (+ finished)
    assert poller.submitted == 7
    values = [progress(r) for r in seen]
    assert values == sorted(v for v in values if v is not None)
    assert len({v for v in values if v is not None and 0 < v < 1}) >= 4
    summaries = [s for s in map(download_summary, seen) if s is not None]
    assert any((s.speed_bps or 0) > 0 for s in summaries)
    assert any(s.eta_seconds for s in summaries)
    assert request.downloads[FILM].done
    assert progress(request) == 1.0


async def test_torrent_deleted_before_import_is_a_visible_problem(tracker: Tracker) -> None:
    web = ScriptedWebUI([SESSION[0], {"rid": 2, "torrents_removed": [SHOW]}])
    await grabbed_movie(tracker, SHOW)
    async with poller_for(web) as poller:
        assert await tick(poller, tracker)
        await request_where(tracker, lambda r: r.error is not None, "a sample")
        assert await tick(poller, tracker)
        request = await request_where(tracker, lambda r: r.error == REMOVED, "the problem")
        assert await tick(poller, tracker)  # still looking for it: it may come back

    assert request.state is RequestState.DOWNLOADING
    assert poller.submitted == 2  # the sample, then the problem once


async def test_torrent_removed_after_it_finished_is_no_problem(tracker: Tracker) -> None:
    web = ScriptedWebUI([FULL, {"rid": 2, "torrents_removed": [FILM]}])
    await grabbed_movie(tracker, FILM)
    async with poller_for(web) as poller:
        assert await poller.wanted(tracker)
        await poller.poll(tracker)  # done: sample and finished
        await poller.poll(tracker)  # Radarr removed it before the writer caught up
        request = await request_where(
            tracker, lambda r: r.state is RequestState.DOWNLOAD_DONE, "download_done"
        )

    assert poller.submitted == 1
    assert request.error is None


async def test_hybrid_torrent_grabbed_by_v1_hash_is_one_finished_download(
    tracker: Tracker,
) -> None:
    web = ScriptedWebUI([FULL])
    await grabbed_movie(tracker, HYBRID_V1)
    async with poller_for(web) as poller:
        assert await tick(poller, tracker)
        request = await request_where(
            tracker, lambda r: r.state is RequestState.DOWNLOAD_DONE, "download_done"
        )

    assert list(request.downloads) == [HYBRID_V1]
    assert request.downloads[HYBRID_V1].done
    assert HYBRID_ID != HYBRID_V1


async def test_grab_never_seen_stops_keeping_the_poller_busy(tracker: Tracker) -> None:
    web = ScriptedWebUI([FULL])
    await grabbed_movie(tracker, "12" * 20)
    async with poller_for(web, unseen_grace=0) as poller:
        assert await tick(poller, tracker)
        assert not await tick(poller, tracker)

    assert web.rids == [0]


async def test_series_torrents_add_up_by_bytes(tracker: Tracker) -> None:
    first, second = "c1" * 20, "c2" * 20
    template = FULL["torrents"][FILM]
    gib = 1 << 30
    torrents = {
        first: template | torrent_fields(gib, 0.5, 2_000_000, 300),
        second: template | torrent_fields(3 * gib, 0.1, 1_000_000, 900),
    }
    web = ScriptedWebUI([{"rid": 1, "full_update": True, "torrents": torrents}])
    await tracker.deliver("jellyseerr", fixture("jellyseerr/media_approved_tv"))
    for number, download_id in ((1, first), (2, second)):
        grab = load_fixture("sonarr_grab.json")
        grab["series"] |= {"tvdbId": 424536, "tmdbId": 209867}
        grab["episodes"][0] |= {"seasonNumber": 1, "episodeNumber": number}
        grab["downloadId"] = download_id.upper()
        await tracker.deliver("sonarr", grab)
    await processed(tracker, 3)
    async with poller_for(web) as poller:
        assert await tick(poller, tracker)
        request = await request_where(
            tracker,
            lambda r: all(d.progress is not None for d in r.downloads.values()),
            "both samples",
        )

    assert set(request.downloads) == {first, second}
    assert progress(request) == pytest.approx((0.5 + 0.3) / 4, abs=1e-4)
    summary = download_summary(request)
    assert summary is not None
    assert summary.speed_bps == 3_000_000
    assert summary.eta_seconds == 900
    assert summary.size_bytes == 4 * gib


def torrent_fields(size: int, fraction: float, speed: int, eta: int) -> dict[str, Any]:
    done = int(size * fraction)
    return {
        "state": "downloading",
        "size": size,
        "total_size": size,
        "progress": fraction,
        "completed": done,
        "downloaded": done,
        "amount_left": size - done,
        "dlspeed": speed,
        "eta": eta,
        "infohash_v1": "",
        "infohash_v2": "",
    }


async def test_wrong_password_is_auth_failed_logged_once_then_recovers(
    tracker: Tracker, caplog: pytest.LogCaptureFixture
) -> None:
    web = ScriptedWebUI(SESSION, password="changed-by-someone")
    await grabbed_movie(tracker, FILM)
    health = tracker.health("qbittorrent")
    caplog.set_level(logging.INFO, logger="status_tracker.runtime.health")
    async with poller_for(web) as poller:
        loop = asyncio.create_task(run_poller(poller, tracker, auth_retry=0.02))
        try:

            async def refused_three_times() -> bool:
                return web.logins >= 3

            await eventually(refused_three_times, "three refused logins")
            failed = health.as_json()
            web.password = "secret"

            async def recovered() -> bool:
                return health.status == "ok" and bool(web.rids)

            await eventually(recovered, "health ok after the password is fixed")
        finally:
            loop.cancel()
            await asyncio.gather(loop, return_exceptions=True)

    assert failed["status"] == "auth_failed"
    assert "refused the login" in failed["last_error"]
    messages = [r.getMessage() for r in caplog.records if r.name.endswith("health")]
    assert len([m for m in messages if "auth failed" in m]) == 1
    assert len([m for m in messages if "recovered" in m]) == 1
    assert health.as_json()["status"] == "ok"
