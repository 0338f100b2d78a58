"""Radarr queue and history rows → core events, for the reconciliation loop."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from status_tracker.core.events import (
    DownloadFinished,
    Failed,
    Grabbed,
    Imported,
    NeedsAttention,
    Progressed,
)
from status_tracker.core.model import Key, KeyKind
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.radarr.payloads import HistoryRecord, QueueRecord
from status_tracker.integrations.radarr.translate import from_history, from_queue, latest_date

from ._samples import load

QUIET = "213c62e87cbd8df7e5038b126e589857fb5db0f9"
LANTERNS = "d7ae46b13d5bf0d9e5dd495db197b2d17249ab4a"
ATLAS = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"


def keys(movie_id: int, tmdb_id: int, imdb_id: str, download_id: str) -> tuple[Key, ...]:
    return (
        Key(KeyKind.RADARR_MOVIE, str(movie_id)),
        Key(KeyKind.TMDB, str(tmdb_id)),
        Key(KeyKind.IMDB, imdb_id),
        Key(KeyKind.DOWNLOAD, download_id),
    )


def queue_rows() -> list[QueueRecord]:
    rows: list[dict[str, Any]] = []
    for page in (1, 2):
        rows.extend(load(f"api/queue_page{page}.json")["records"])
    return [QueueRecord.model_validate(row) for row in rows]


def test_queue_gives_each_download_its_grab_and_stage() -> None:
    events = from_queue(queue_rows())

    assert [type(event) for event in events] == [
        Grabbed, Progressed,
        Grabbed, DownloadFinished, NeedsAttention,
        Grabbed, Failed,
    ]  # fmt: skip
    grabbed, progress = events[0], events[1]
    assert grabbed == Grabbed(
        source="radarr",
        keys=keys(17, 987654, "tt15554321", QUIET),
        media=grabbed.media,
        download_id=QUIET,
        quality="WEBDL-1080p",
        indexer="HarborTracker (Prowlarr)",
        release_title="Quiet.Meridian.2024.1080p.AMZN.WEB-DL.DDP5.1.H.264-KOGI",
        size_bytes=6442450944,
        protocol="torrent",
    )
    assert grabbed.media.title == "Quiet Meridian"
    assert isinstance(progress, Progressed)
    assert (progress.progress, progress.eta_seconds, progress.problem) == (0.75, 250, None)
    assert progress.downloaded_bytes == 6442450944 - 1610612736


def test_blocked_import_needs_attention_with_radarrs_words() -> None:
    attention = from_queue(queue_rows())[4]

    assert isinstance(attention, NeedsAttention)
    assert attention.keys == keys(23, 1023456, "tt27770011", LANTERNS)
    assert attention.message == (
        "Needs attention: Found matching movie via grab history, but release was matched"
        " to movie by ID. Manual Import required."
    )


def test_failed_download_fails_with_the_reason() -> None:
    failed = from_queue(queue_rows())[6]

    assert isinstance(failed, Failed)
    assert failed.reason.startswith("Download failed: No files found are eligible for import")
    assert failed.keys == keys(31, 845120, "tt13300442", ATLAS)


def test_repeated_rows_of_one_download_give_one_group() -> None:
    row = queue_rows()[0]

    assert len(from_queue([row, row])) == 2


def test_history_rows_become_grab_import_and_failure() -> None:
    rows = sorted(
        (HistoryRecord.model_validate(row) for row in load("api/history_since.json")),
        key=lambda row: row.date or datetime.min.replace(tzinfo=UTC),
    )
    ctx = TranslateContext(path_mappings=(("/movies", "/data/movies"),))

    [grabbed, imported, failed] = from_history(rows, ctx)

    assert isinstance(grabbed, Grabbed)
    assert grabbed.occurred_at == datetime(2025, 1, 18, 22, 1, tzinfo=UTC)
    assert (grabbed.size_bytes, grabbed.protocol, grabbed.indexer) == (
        6442450944,
        "torrent",
        "HarborTracker (Prowlarr)",
    )
    path = (
        "/data/movies/Quiet Meridian (2024)/Quiet Meridian (2024) {tmdb-987654} [WEBDL-1080p].mkv"
    )
    assert imported == Imported(
        source="radarr",
        keys=(*keys(17, 987654, "tt15554321", QUIET), Key(KeyKind.PATH, path)),
        media=imported.media,
        occurred_at=datetime(2025, 1, 18, 23, 5, 12, tzinfo=UTC),
        download_id=QUIET,
        paths=(path,),
        quality="WEBDL-1080p",
        complete=True,
    )
    assert isinstance(failed, Failed)
    assert failed.reason == "Download failed: No files found are eligible for import"
    assert failed.media.title == "The Cartographer's Daughter"
    assert latest_date(rows) == datetime(2025, 1, 19, 3, 0, tzinfo=UTC)


def test_history_row_without_movie_block_keys_on_the_movie_id() -> None:
    row = load("api/history_since.json")[3]
    del row["movie"]

    [grabbed] = from_history([HistoryRecord.model_validate(row)], TranslateContext())

    assert grabbed.keys == (Key(KeyKind.RADARR_MOVIE, "17"), Key(KeyKind.DOWNLOAD, QUIET))
