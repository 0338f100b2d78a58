"""QbittorrentClient and the finished hook against real qbittorrent-nox daemons on loopback.

Each test starts its own daemon(s) with a fresh profile on free 127.0.0.1 ports
(``start_qbt`` in conftest). The download test runs a seeder and a throttled
leecher as in ``reference/qbit_lab.sh``; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from status_tracker.core.events import DownloadFinished, Progressed
from status_tracker.core.model import Key, KeyKind
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import AuthFailed, Unreachable
from status_tracker.integrations.qbittorrent.client import QbittorrentClient
from status_tracker.integrations.qbittorrent.payloads import MainData
from status_tracker.integrations.qbittorrent.translate import progress_event, translate

from .lab import (
    CONTRACT_HOOK,
    PASSWORD,
    USERNAME,
    LabAdmin,
    QbtDaemon,
    connect_peers,
    free_ports,
    make_payload,
    make_torrent,
)
from .receiver import HookReceiver

StartQbt = Callable[..., QbtDaemon]

DOWNLOAD_BYTES = 12 << 20
DOWNLOAD_LIMIT_BPS = 3 << 20
DOWNLOAD_DEADLINE_S = 45.0


def client_of(daemon: QbtDaemon, password: str = PASSWORD) -> QbittorrentClient:
    return QbittorrentClient(daemon.url, USERNAME, password)


async def test_login_and_incremental_maindata(start_qbt: StartQbt) -> None:
    daemon = start_qbt()
    async with client_of(daemon) as client:
        version = await client.version()
        first = await client.maindata()
        second = await client.maindata()

    assert version.startswith(("v4.", "v5."))
    assert first.full_update
    assert not second.full_update
    assert second.rid > first.rid


async def test_wrong_password_is_auth_failed(start_qbt: StartQbt) -> None:
    daemon = start_qbt()
    async with client_of(daemon, password="not-the-password") as client:
        with pytest.raises(AuthFailed):
            await client.maindata()


async def test_refused_port_is_unreachable() -> None:
    [port] = free_ports(1)
    async with QbittorrentClient(f"http://127.0.0.1:{port}", USERNAME, PASSWORD) as client:
        with pytest.raises(Unreachable):
            await client.maindata()


async def test_restarted_daemon_gets_a_new_login_and_a_full_update(start_qbt: StartQbt) -> None:
    daemon = start_qbt()
    async with client_of(daemon) as client:
        await client.maindata()
        await client.maindata()
        daemon.restart()  # sessions live in memory: the old cookie now gets 403
        after = await client.maindata()

    assert after.full_update


async def test_deleted_torrent_is_removed_from_the_map(start_qbt: StartQbt, tmp_path: Path) -> None:
    daemon = start_qbt()
    keep, keep_hash = make_torrent(make_payload(tmp_path / "src" / "Keep.Me.2020.mkv", 1 << 18))
    drop, drop_hash = make_torrent(make_payload(tmp_path / "src" / "Drop.Me.2020.mkv", 1 << 18))
    async with LabAdmin(daemon) as admin, client_of(daemon) as client:
        await admin.add_torrent(keep, daemon.save_path, paused=True)
        await admin.add_torrent(drop, daemon.save_path, paused=True)
        before = await until(client, lambda md: all_status(md, "paused"))
        await admin.delete(drop_hash)
        after = await until(client, lambda md: drop_hash not in md.torrents)

    assert set(before.torrents) == {keep_hash, drop_hash}
    assert all_status(before, "paused")  # 4.x pausedDL / 5.x stoppedDL
    assert drop_hash in after.removed
    assert set(after.torrents) == {keep_hash}


async def test_torrents_by_id_any_case_in_one_call(start_qbt: StartQbt, tmp_path: Path) -> None:
    daemon = start_qbt()
    one, one_hash = make_torrent(make_payload(tmp_path / "src" / "One.Show.S01E01.mkv", 1 << 18))
    two, two_hash = make_torrent(make_payload(tmp_path / "src" / "Two.Show.S01E02.mkv", 1 << 18))
    async with LabAdmin(daemon) as admin, client_of(daemon) as client:
        await admin.add_torrent(one, daemon.save_path, paused=True)
        await admin.add_torrent(two, daemon.save_path, paused=True)
        picked = await client.torrents([one_hash.upper()])
        everything = await client.torrents()
        nothing = await client.torrents([])

    assert list(picked) == [one_hash]
    assert picked[one_hash].name == "One.Show.S01E01.mkv"
    assert set(everything) == {one_hash, two_hash}
    assert nothing == {}


def status_of(data: MainData, info_hash: str) -> str | None:
    return progress_event(data.torrents[info_hash]).status if info_hash in data.torrents else None


def all_status(data: MainData, status: str) -> bool:
    return bool(data.torrents) and all(status_of(data, h) == status for h in data.torrents)


async def until(
    client: QbittorrentClient, done: Callable[[MainData], bool], limit_s: float = 10.0
) -> MainData:
    """Poll ``maindata()`` every 0.25 s until ``done`` holds (bounded)."""
    deadline = time.monotonic() + limit_s
    while True:
        data = await client.maindata()
        if done(data) or time.monotonic() > deadline:
            return data
        await asyncio.sleep(0.25)


async def test_throttled_download_shows_progress_and_speed(
    start_qbt: StartQbt, tmp_path: Path
) -> None:
    seeder = start_qbt("seed", local_auth=False)
    leecher = start_qbt("leech")
    payload = make_payload(seeder.save_path / "Throttled.Film.2021.mkv", DOWNLOAD_BYTES)
    torrent, info_hash = make_torrent(payload)
    samples: list[Progressed] = []
    answers: list[MainData] = []
    async with (
        LabAdmin(seeder) as seed,
        LabAdmin(leecher) as leech,
        client_of(leecher) as client,
    ):
        await seed.add_torrent(torrent, seeder.save_path, skip_checking=True)
        await leech.set_download_limit(DOWNLOAD_LIMIT_BPS)
        await leech.add_torrent(torrent, leecher.save_path)
        answers.append(await client.maindata())
        await connect_peers(leech, seed, info_hash)
        deadline = time.monotonic() + DOWNLOAD_DEADLINE_S
        while time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            answers.append(await client.maindata())
            samples.append(progress_event(answers[-1].torrents[info_hash]))
            if samples[-1].status == "done":
                break

    assert answers[0].full_update
    assert not any(answer.full_update for answer in answers[1:])
    rids = [answer.rid for answer in answers]
    assert rids == sorted(set(rids))
    progress = [sample.progress or 0.0 for sample in samples]
    assert progress == sorted(progress)
    assert len({p for p in progress if 0 < p < 1}) >= 2
    downloading = [s for s in samples if s.status == "downloading"]
    assert any((s.speed_bps or 0) > 0 for s in downloading)
    assert any(s.eta_seconds is not None for s in downloading)
    final = samples[-1]
    assert final.status == "done"
    assert final.progress == 1.0
    assert final.size_bytes == final.downloaded_bytes == DOWNLOAD_BYTES
    assert final.download_id == info_hash
    assert (leecher.save_path / payload.name).read_bytes() == payload.read_bytes()


async def test_finished_hook_runs_the_contract_command_line(
    start_qbt: StartQbt, tmp_path: Path
) -> None:
    async with HookReceiver() as receiver:
        command = CONTRACT_HOOK.replace("HOST:8000", f"127.0.0.1:{receiver.port}")
        daemon = start_qbt(finished_program=command.replace("SECRET", "s3cret"))
        name = "Hook Film (2020) 1080p.mkv"
        payload = make_payload(daemon.save_path / name, 1 << 20)
        torrent, info_hash = make_torrent(payload)
        async with LabAdmin(daemon) as admin, client_of(daemon) as client:
            # Data already present: the hash check completes it and "finished" fires.
            await admin.add_torrent(torrent, daemon.save_path, category="movies")
            call = await asyncio.wait_for(receiver.calls.get(), 20)
            seen = await until(
                client, lambda md: progress_event(md.torrents[info_hash]).status == "done"
            )

    assert call.method == "POST"
    assert urlsplit(call.target).path == "/hooks/qbittorrent"
    assert parse_qs(urlsplit(call.target).query) == {"token": ["s3cret"]}
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    form = {k: v[0] for k, v in parse_qs(call.body.decode(), keep_blank_values=True).items()}
    assert form == {
        "hash": info_hash,
        "name": name,
        "path": str(daemon.save_path / name),
        "save_path": str(daemon.save_path),
        "category": "movies",
        "size": str(1 << 20),
    }
    [event] = translate(form, TranslateContext())
    assert event == DownloadFinished(
        source="qbittorrent", keys=(Key(KeyKind.DOWNLOAD, info_hash),), download_id=info_hash
    )
    assert set(event.keys) <= set(progress_event(seen.torrents[info_hash]).keys)
