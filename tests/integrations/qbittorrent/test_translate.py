"""qBittorrent torrent snapshots and hook bodies → core events (recorded 4.5.2 shapes, 5.x)."""

from __future__ import annotations

from typing import Any

import pytest

from status_tracker.core.events import DownloadFinished, Progressed
from status_tracker.core.model import Key, KeyKind
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.qbittorrent.payloads import TorrentSnapshot
from status_tracker.integrations.qbittorrent.translate import (
    WAITING_FOR_PEERS,
    progress_event,
    translate,
)

from .lab import load_fixture as load

CTX = TranslateContext()


def snapshots(name: str) -> dict[str, TorrentSnapshot]:
    body = load(name)
    return {h: TorrentSnapshot.from_fields(h, fields) for h, fields in body["torrents"].items()}


def by_name(name: str, fixture: str) -> TorrentSnapshot:
    return next(t for t in snapshots(fixture).values() if t.name == name)


def event_of(fields: dict[str, Any], torrent_id: str = "ab" * 20) -> Progressed:
    return progress_event(TorrentSnapshot.from_fields(torrent_id, fields))


@pytest.mark.parametrize(
    ("fixture", "name", "status", "problem"),
    [
        ("maindata_4.5.2_full.json", "Later.Film.2019.mkv", "paused", "Paused"),
        ("maindata_5.0_full.json", "Later.Film.2019.mkv", "paused", "Paused"),
        ("maindata_4.5.2_full.json", "Magnet.Only.2022", "stalled", WAITING_FOR_PEERS),
        ("maindata_5.0_full.json", "Magnet.Only.2022", "stalled", WAITING_FOR_PEERS),
        ("maindata_4.5.2_full.json", "Lonely.Show.S01E01.mkv", "queued", None),
        ("maindata_4.5.2_full.json", "Some.Movie.2021.1080p.mkv", "done", None),
        ("maindata_5.0_full.json", "Some.Movie.2021.1080p.mkv", "done", None),
        ("maindata_4.5.2_full.json", "Hybrid.Doc.2020.mkv", "done", None),
        (
            "maindata_4.5.2_missing_files.json",
            "Some.Movie.2021.1080p.mkv",
            "error",
            "The downloaded files are missing",
        ),
    ],
)
def test_recorded_states_map_to_status_words(
    fixture: str, name: str, status: str, problem: str | None
) -> None:
    event = progress_event(by_name(name, fixture))

    assert (event.status, event.problem) == (status, problem)


def test_stalled_download_waits_for_peers_in_recorded_first_answer() -> None:
    first = load("maindata_4.5.2_download.json")[0]["torrents"]
    movie_id, fields = next((h, t) for h, t in first.items() if t["name"].startswith("Some.Movie"))

    event = progress_event(TorrentSnapshot.from_fields(movie_id, fields))

    assert event.status == "stalled"
    assert event.problem == WAITING_FOR_PEERS
    assert event.eta_seconds is None
    assert event.progress == 0


@pytest.mark.parametrize(
    ("state", "progress", "status", "problem"),
    [
        ("downloading", 0.5, "downloading", None),
        ("forcedDL", 0.5, "downloading", None),
        ("forcedMetaDL", 0.0, "stalled", WAITING_FOR_PEERS),
        ("pausedDL", 0.3, "paused", "Paused"),
        ("stoppedDL", 0.3, "paused", "Paused"),
        ("pausedUP", 1.0, "done", None),
        ("stoppedUP", 1.0, "done", None),
        ("uploading", 1.0, "done", None),
        ("forcedUP", 1.0, "done", None),
        ("queuedUP", 1.0, "done", None),
        ("checkingDL", 0.2, "checking", None),
        ("checkingUP", 0.2, "checking", None),
        ("checkingResumeData", 0.0, "checking", None),
        ("checkingResumeData", 1.0, "done", None),
        ("moving", 0.4, "moving", None),
        ("error", 0.4, "error", "The download client reported an error"),
        ("error", 1.0, "error", "The download client reported an error"),
        ("missingFiles", 1.0, "error", "The downloaded files are missing"),
        ("someFutureState", 0.4, None, None),
        ("someFutureState", 1.0, "done", None),
    ],
)
def test_every_state_name_maps(
    state: str, progress: float, status: str | None, problem: str | None
) -> None:
    event = event_of({"state": state, "progress": progress})

    assert (event.status, event.problem) == (status, problem)


def test_downloading_sample_carries_speed_eta_sizes_and_lower_case_id() -> None:
    event = event_of(
        {
            "state": "downloading",
            "progress": 0.4518,
            "size": 12582912,
            "total_size": 12582912,
            "completed": 5685248,
            "dlspeed": 307897,
            "eta": 78,
        },
        torrent_id="D59E89FD3CF3AEE1E3A04CAAE6AC4989E56A2142",
    )

    assert event == Progressed(
        source="qbittorrent",
        keys=(Key(KeyKind.DOWNLOAD, "d59e89fd3cf3aee1e3a04caae6ac4989e56a2142"),),
        download_id="d59e89fd3cf3aee1e3a04caae6ac4989e56a2142",
        progress=0.4518,
        size_bytes=12582912,
        downloaded_bytes=5685248,
        speed_bps=307897,
        eta_seconds=78,
        status="downloading",
        problem=None,
    )


def test_infinite_eta_is_none() -> None:
    event = event_of({"state": "downloading", "progress": 0.1, "eta": 8640000, "dlspeed": 5})

    assert event.eta_seconds is None


def test_stale_eta_of_a_stalled_torrent_is_dropped() -> None:
    event = event_of({"state": "stalledDL", "progress": 0.3, "eta": 19})

    assert event.eta_seconds is None


def test_done_torrent_reports_no_lagging_speed_and_full_size() -> None:
    movie = by_name("Some.Movie.2021.1080p.mkv", "maindata_4.5.2_full.json")
    assert movie.dlspeed > 0  # the recorded moving average still shows speed

    event = progress_event(movie)

    assert (event.speed_bps, event.eta_seconds, event.progress) == (0, 0, 1.0)
    assert event.downloaded_bytes == event.size_bytes == 12582912


def test_magnet_without_metadata_has_no_size() -> None:
    magnet = by_name("Magnet.Only.2022", "maindata_4.5.2_full.json")

    event = progress_event(magnet)

    assert magnet.total_size == -1
    assert event.size_bytes is None


def test_hybrid_torrent_is_keyed_by_id_v1_and_v2() -> None:
    hybrid = by_name("Hybrid.Doc.2020.mkv", "maindata_4.5.2_full.json")
    assert hybrid.infohash_v1  # a real hybrid: the ID is not the v1 hash
    assert hybrid.infohash_v1 != hybrid.hash

    event = progress_event(hybrid)

    assert event.download_id == hybrid.hash
    assert {key.value for key in event.keys} == {
        hybrid.hash,
        hybrid.infohash_v1,
        hybrid.infohash_v2,
    }
    assert {key.kind for key in event.keys} == {KeyKind.DOWNLOAD}


def test_numbers_as_strings_and_junk_are_read_leniently() -> None:
    event = event_of(
        {"state": "downloading", "progress": "0.25", "size": "1000", "eta": "junk", "dlspeed": None}
    )

    assert (event.progress, event.size_bytes, event.eta_seconds, event.speed_bps) == (
        0.25,
        1000,
        None,
        0,
    )


# --- the run-on-finish hook (CONTRACT §3.3) ---

V1 = "0123456789abcdef0123456789abcdef01234567"


def test_contract_form_becomes_download_finished() -> None:
    body = {
        "hash": V1.upper(),
        "name": "Some Film (2020)",
        "path": "/data/downloads/Some Film (2020)",
        "save_path": "/data/downloads",
        "category": "radarr",
        "size": "1048576",
    }

    assert translate(body, CTX) == [
        DownloadFinished(source="qbittorrent", keys=(Key(KeyKind.DOWNLOAD, V1),), download_id=V1)
    ]


def test_only_hash_is_required() -> None:
    [event] = translate({"hash": V1}, CTX)

    assert isinstance(event, DownloadFinished)
    assert event.download_id == V1


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x"},
        {"hash": ""},
        {"hash": "-"},
        {"hash": '{"hash":%I}'},
        {"hash": "xyz"},
    ],
)
def test_hook_without_usable_hash_is_bad_payload(body: dict[str, Any]) -> None:
    with pytest.raises(BadPayload):
        translate(body, CTX)


def test_hybrid_hook_with_id_and_v2_keys_all_of_them() -> None:
    torrent_id = "c1bd6d" + "e" * 34
    v2 = torrent_id + "f" * 24
    [event] = translate({"hash": V1, "id": torrent_id, "hash_v2": v2}, CTX)

    assert isinstance(event, DownloadFinished)
    assert event.download_id == torrent_id
    assert [key.value for key in event.keys] == [torrent_id, V1, v2]


def test_v2_only_hook_uses_id_when_hash_is_dash() -> None:
    torrent_id = "9" * 40
    [event] = translate({"hash": "-", "id": torrent_id, "hash_v2": "9" * 64}, CTX)

    assert isinstance(event, DownloadFinished)
    assert event.download_id == torrent_id


def test_form_values_as_lists_are_read() -> None:
    [event] = translate({"hash": [V1], "size": ["12"]}, CTX)

    assert isinstance(event, DownloadFinished)
    assert event.download_id == V1
