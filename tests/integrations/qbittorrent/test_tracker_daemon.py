"""The running tracker against real qbittorrent-nox daemons: polled progress and the finished hook.

The tracker is the real server (uvicorn on loopback, SQLite in ``tmp_path``) with
``TRACKER_QBITTORRENT_*`` pointing at a real leecher. The request is created through
the real hooks: Jellyseerr's request, then Radarr's Grab whose ``downloadId`` is the
torrent hash upper-cased. The leecher's own "run external program on torrent
finished" setting is the CONTRACT §3.3 curl line pointed at the tracker.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx

from status_tracker.config import Settings
from status_tracker.storage import inbox
from tests.support import Running, fixture

from .lab import (
    CONTRACT_HOOK,
    PASSWORD,
    USERNAME,
    LabAdmin,
    QbtDaemon,
    connect_peers,
    free_ports,
    load_fixture,
    make_payload,
    make_torrent,
)

StartQbt = Callable[..., QbtDaemon]
Start = Callable[..., Running]
SECRET = "hook-s3cret"
HEADERS = {"X-Webhook-Secret": SECRET}
DOWNLOAD_BYTES = 12 << 20
DOWNLOAD_LIMIT_BPS = 3 << 20
DEADLINE_S = 45.0


def tracker_for(
    start: Start, make_settings: Callable[..., Settings], url: str, **overrides: Any
) -> Running:
    options: dict[str, Any] = {
        "qbittorrent_url": url,
        "qbittorrent_username": USERNAME,
        "qbittorrent_password": PASSWORD,
        "qbittorrent_poll_seconds": 0.2,
        "webhook_secret": SECRET,
    }
    return start(make_settings(**(options | overrides)))


def radarr_grab(info_hash: str) -> dict[str, Any]:
    """Radarr's Grab of the film Jellyseerr's fixture requested (tmdb 603)."""
    grab: dict[str, Any] = load_fixture("radarr_grab.json")
    grab["movie"]["tmdbId"] = grab["remoteMovie"]["tmdbId"] = 603
    grab["movie"]["title"] = grab["remoteMovie"]["title"] = "The Matrix"
    grab["downloadId"] = info_hash.upper()
    return grab


async def post(api: httpx.AsyncClient, source: str, body: dict[str, Any]) -> None:
    response = await api.post(f"/hooks/{source}", json=body, headers=HEADERS)
    assert response.status_code == 202, response.text


async def the_request(api: httpx.AsyncClient) -> dict[str, Any]:
    """The one active request, with its timeline."""
    listing = (await api.get("/api/requests")).json()
    [item] = listing["items"]
    detail: dict[str, Any] = (await api.get(f"/api/requests/{item['id']}")).json()
    return detail


async def until(api: httpx.AsyncClient, check: Callable[[dict[str, Any]], bool]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not check(await the_request(api)):
        assert time.monotonic() < deadline, await the_request(api)
        await asyncio.sleep(0.1)


async def test_real_download_shows_live_progress_and_the_daemon_hook_finishes_it(
    start: Start, make_settings: Callable[..., Settings], start_qbt: StartQbt
) -> None:
    seeder = start_qbt("seed", local_auth=False)
    leecher = start_qbt("leech")
    running = tracker_for(start, make_settings, leecher.url)
    hook = CONTRACT_HOOK.replace("http://HOST:8000", running.base_url).replace("SECRET", SECRET)
    payload = make_payload(seeder.save_path / "The.Matrix.1999.1080p.mkv", DOWNLOAD_BYTES)
    torrent, info_hash = make_torrent(payload)
    samples: list[dict[str, Any]] = []
    async with (
        LabAdmin(seeder) as seed,
        LabAdmin(leecher) as leech,
        httpx.AsyncClient(base_url=running.base_url, timeout=10) as api,
    ):
        await leech.set_preferences({"autorun_enabled": True, "autorun_program": hook})
        await post(api, "jellyseerr", fixture("jellyseerr/media_auto_approved_movie"))
        await seed.add_torrent(torrent, seeder.save_path, skip_checking=True)
        await leech.set_download_limit(DOWNLOAD_LIMIT_BPS)
        await leech.add_torrent(torrent, leecher.save_path)
        await post(api, "radarr", radarr_grab(info_hash))
        await asyncio.to_thread(running.wait_processed, 2)
        await connect_peers(leech, seed, info_hash)
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            samples.append(await the_request(api))
            if samples[-1]["state"] == "download_done":
                break
            await asyncio.sleep(0.1)
        await asyncio.to_thread(running.wait_processed, 3, 20.0)

    downloading = [s for s in samples if s["state"] == "downloading"]
    fractions = [s["progress"] for s in downloading if s["progress"] is not None]
    assert fractions == sorted(fractions)
    assert len({f for f in fractions if 0 < f < 1}) >= 2
    live = [s["download"] for s in downloading if s["download"]]
    assert any((d["speed_bps"] or 0) > 0 for d in live)
    assert any(d["eta_seconds"] is not None for d in live)
    assert any(d["size_bytes"] == DOWNLOAD_BYTES for d in live)
    final = samples[-1]
    assert final["state"] == "download_done"
    assert final["progress"] == 1.0
    assert final["download_ids"] == [info_hash]
    # many samples, but only the first one and changes of words reach the timeline
    during = [e for e in final["timeline"] if e["state"] == "downloading"]
    assert len({s["download"]["downloaded_bytes"] for s in downloading if s["download"]}) >= 3
    assert 1 <= len(during) <= 3
    assert all(e["source"] == "qbittorrent" for e in during)
    assert "Download finished" in [e["message"] for e in final["timeline"]]
    [delivery] = _delivery(running, 3)
    assert delivery.source == "qbittorrent"
    assert delivery.content_type.startswith("application/x-www-form-urlencoded")
    form = parse_qs(delivery.body)
    assert form["hash"] == [info_hash]
    assert form["path"] == [str(leecher.save_path / payload.name)]


async def test_daemon_hook_alone_marks_download_done_with_polling_off(
    start: Start, make_settings: Callable[..., Settings], start_qbt: StartQbt, tmp_path: Path
) -> None:
    running = start(make_settings(webhook_secret=SECRET))
    hook = CONTRACT_HOOK.replace("http://HOST:8000", running.base_url).replace("SECRET", SECRET)
    daemon = start_qbt(finished_program=hook)
    payload = make_payload(daemon.save_path / "Already.Here.2020.mkv", 1 << 20)
    torrent, info_hash = make_torrent(payload)
    async with (
        LabAdmin(daemon) as admin,
        httpx.AsyncClient(base_url=running.base_url, timeout=10) as api,
    ):
        await post(api, "jellyseerr", fixture("jellyseerr/media_auto_approved_movie"))
        await post(api, "radarr", radarr_grab(info_hash))
        await asyncio.to_thread(running.wait_processed, 2)
        # The data is already there: the hash check completes it and "finished" fires.
        await admin.add_torrent(torrent, daemon.save_path)
        await until(api, lambda r: r["state"] == "download_done")
        final = await the_request(api)

    assert running.tracker.health("qbittorrent").as_json()["status"] == "disabled"
    assert final["download_ids"] == [info_hash]
    assert [e["source"] for e in final["timeline"] if e["state"] == "download_done"] == [
        "qbittorrent"
    ]


async def test_wrong_password_and_dead_daemon_show_on_health(
    start: Start, make_settings: Callable[..., Settings], start_qbt: StartQbt, tmp_path: Path
) -> None:
    daemon = start_qbt()
    [dead_port] = free_ports(1)
    refused = tracker_for(start, make_settings, daemon.url, qbittorrent_password="wrong")
    dead = tracker_for(
        start,
        make_settings,
        f"http://127.0.0.1:{dead_port}",
        database_url=f"sqlite:///{tmp_path}/dead.db",
    )
    for running, expected in ((refused, "auth_failed"), (dead, "unreachable")):
        async with httpx.AsyncClient(base_url=running.base_url, timeout=10) as api:
            await post(api, "jellyseerr", fixture("jellyseerr/media_auto_approved_movie"))
            await post(api, "radarr", radarr_grab("ab" * 20))
            deadline = time.monotonic() + DEADLINE_S
            while True:
                health = (await api.get("/api/health")).json()
                status = health["integrations"]["qbittorrent"]["status"]
                if status == expected or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.1)
            request = await the_request(api)

        assert status == expected, health
        assert health["status"] == "degraded"
        assert request["state"] == "indexed"


def _delivery(running: Running, delivery_id: int) -> list[inbox.StoredDelivery]:
    with running.tracker.database.reader.connect() as connection:
        return inbox.fetch(connection, [delivery_id])
