"""Sonarr queue and history rows → core events, for the reconciliation loop."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from status_tracker.core.events import (
    DownloadFinished,
    EpisodesExpected,
    Failed,
    Grabbed,
    Imported,
    NeedsAttention,
    Progressed,
)
from status_tracker.core.model import Episode, Key, KeyKind
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.sonarr.client import EpisodeCount
from status_tracker.integrations.sonarr.payloads import HistoryRecord, QueueRecord, Series
from status_tracker.integrations.sonarr.translate import (
    episodes_expected,
    from_history,
    from_queue,
    latest_date,
)

from ._samples import load

SERIES_KEYS = (
    Key(KeyKind.SONARR_SERIES, "42"),
    Key(KeyKind.TVDB, "412873"),
    Key(KeyKind.TMDB, "203517"),
    Key(KeyKind.IMDB, "tt19283746"),
)
PACK = "46b71e143e7c3ff741b83febe6d92670469ad369"
BLOCKED = "d68a650e0e5ed2cf1dbb459df5ec5c6e58c7a33a"
FAILED = "3f1c0e5b9a7d4c2e8b6a0f1d3c5e7a9b1d3f5a7c"
STALLED = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
WAITING = "b2c3d4e5f60718293a4b5c6d7e8f901234567891"


def queue_rows() -> list[QueueRecord]:
    rows: list[dict[str, Any]] = []
    for page in (1, 2, 3):
        rows.extend(load(f"api/queue_page{page}.json")["records"])
    return [QueueRecord.model_validate(row) for row in rows]


def keyed(download_id: str) -> tuple[Key, ...]:
    return (*SERIES_KEYS, Key(KeyKind.DOWNLOAD, download_id))


def test_queue_rows_become_one_group_per_download() -> None:
    events = from_queue(queue_rows())

    grabbed = [event for event in events if isinstance(event, Grabbed)]
    assert [event.download_id for event in grabbed] == [PACK, BLOCKED, FAILED, STALLED, WAITING]
    assert grabbed[0].episodes == (Episode(2, 1), Episode(2, 2))
    assert grabbed[0].quality == "WEBDL-1080p"
    assert grabbed[0].protocol == "torrent"
    assert grabbed[0].size_bytes == 17583994880
    assert grabbed[0].keys == keyed(PACK)
    assert grabbed[0].media.title == "The Glass Harbor"


def test_queue_delay_rows_without_a_download_id_give_nothing() -> None:
    events = from_queue(queue_rows())

    assert not any(Episode(1, 6) in getattr(event, "episodes", ()) for event in events)


def test_downloading_row_reports_progress() -> None:
    [_, progress] = from_queue([row for row in queue_rows() if row.download_id == PACK.upper()])

    assert progress == Progressed(
        source="sonarr",
        keys=keyed(PACK),
        media=progress.media,
        download_id=PACK,
        progress=0.75,
        size_bytes=17583994880,
        downloaded_bytes=17583994880 - 4395998720,
        eta_seconds=754,
        status="downloading",
        problem=None,
    )


def test_stalled_row_reports_the_client_problem() -> None:
    [_, progress] = from_queue([row for row in queue_rows() if row.download_id == STALLED.upper()])

    assert isinstance(progress, Progressed)
    assert progress.problem == "The download is stalled with no connections"
    assert progress.eta_seconds == 93784
    assert progress.status == "warning"


def test_import_blocked_row_is_finished_and_needs_attention() -> None:
    [_, finished, attention] = from_queue(
        [row for row in queue_rows() if row.download_id == BLOCKED.upper()]
    )

    assert finished == DownloadFinished(
        source="sonarr", keys=keyed(BLOCKED), media=finished.media, download_id=BLOCKED
    )
    assert isinstance(attention, NeedsAttention)
    assert attention.message.startswith("Needs attention: Found matching series via grab history")
    assert attention.keys == keyed(BLOCKED)


def test_failed_row_becomes_failed_with_the_reason() -> None:
    [_, failed] = from_queue([row for row in queue_rows() if row.download_id == FAILED.upper()])

    assert isinstance(failed, Failed)
    assert failed.reason == "Download failed: Caution: Found executable file with extension: '.exe'"
    assert failed.keys == keyed(FAILED)


def test_import_pending_without_warnings_is_just_finished() -> None:
    [_, finished] = from_queue([row for row in queue_rows() if row.download_id == WAITING.upper()])

    assert isinstance(finished, DownloadFinished)
    assert finished.download_id == WAITING


@pytest.mark.parametrize(
    ("state", "status", "health", "kind"),
    [
        ("importPending", "completed", "warning", NeedsAttention),
        ("importing", "completed", "ok", DownloadFinished),
        ("failed", "completed", "error", Failed),
        ("downloading", "paused", "ok", Progressed),
        ("downloading", "queued", "ok", Progressed),
    ],
)
def test_queue_stage_decides_the_event(state: str, status: str, health: str, kind: type) -> None:
    row = load("api/queue_page1.json")["records"][0]
    row.update(trackedDownloadState=state, status=status, trackedDownloadStatus=health)

    events = from_queue([QueueRecord.model_validate(row)])

    assert isinstance(events[0], Grabbed)
    assert isinstance(events[-1], kind)


def test_queue_row_without_series_block_keys_on_the_series_id() -> None:
    row = load("api/queue_page1.json")["records"][0]
    del row["series"]

    [grabbed, _] = from_queue([QueueRecord.model_validate(row)])

    assert grabbed.keys == (Key(KeyKind.SONARR_SERIES, "42"), Key(KeyKind.DOWNLOAD, PACK))


def history_rows() -> list[HistoryRecord]:
    rows = [HistoryRecord.model_validate(row) for row in load("api/history_since.json")]
    return sorted(rows, key=lambda row: (row.date or datetime.min.replace(tzinfo=UTC), row.id))


def test_history_rows_become_grab_import_and_failure() -> None:
    ctx = TranslateContext(path_mappings=(("/tv", "/data/media/tv"),))

    [grabbed, imported, failed] = from_history(history_rows(), ctx)

    assert grabbed == Grabbed(
        source="sonarr",
        keys=keyed(PACK),
        media=grabbed.media,
        occurred_at=datetime(2025, 1, 21, 6, 30, tzinfo=UTC),
        download_id=PACK,
        quality="WEBDL-1080p",
        indexer="HarborTracker (Prowlarr)",
        release_title="The.Glass.Harbor.S02.1080p.AMZN.WEB-DL.DDP5.1.H.264-KOGI",
        size_bytes=17583994880,
        protocol="torrent",
        episodes=(Episode(2, 1), Episode(2, 2)),
    )
    path = "/data/media/tv/The Glass Harbor/Season 02/The Glass Harbor - S02E01 - Slack Water [WEBDL-1080p].mkv"  # noqa: E501
    assert imported == Imported(
        source="sonarr",
        keys=(*keyed(PACK), Key(KeyKind.PATH, path)),
        media=imported.media,
        occurred_at=datetime(2025, 1, 21, 7, 12, 3, tzinfo=UTC),
        download_id=PACK,
        paths=(path,),
        episodes=(Episode(2, 1),),
        quality="WEBDL-1080p",
    )
    assert failed == Failed(
        source="sonarr",
        keys=keyed(FAILED),
        media=failed.media,
        occurred_at=datetime(2025, 1, 21, 8, 2, 40, tzinfo=UTC),
        reason="Download failed: Caution: Found executable file with extension: '.exe'",
        download_id=FAILED.lower(),
    )


def test_history_failure_without_message_still_fails() -> None:
    row = load("api/history_since.json")[0]
    row["data"] = {}

    [failed] = from_history([HistoryRecord.model_validate(row)], TranslateContext())

    assert isinstance(failed, Failed)
    assert failed.reason == "Download failed"


def test_latest_history_date_is_where_catch_up_resumes() -> None:
    assert latest_date(history_rows()) == datetime(2025, 1, 21, 8, 2, 40, tzinfo=UTC)
    assert latest_date([]) is None


def test_episodes_expected_counts_aired_episodes_of_the_requested_seasons() -> None:
    series = Series.model_validate(load("api/series_lookup.json")[0])
    counts = {1: EpisodeCount(total=8, aired=8, downloaded=3), 2: EpisodeCount(8, 6, 1)}

    event = episodes_expected(series, counts)

    assert event == EpisodesExpected(source="sonarr", keys=SERIES_KEYS, media=event.media, count=14)
    assert episodes_expected(series, counts, aired_only=False).count == 16
