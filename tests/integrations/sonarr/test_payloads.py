"""Sonarr wire models and the Sonarr/Radarr shared wire helpers."""

from __future__ import annotations

import pytest

from status_tracker.integrations._arr import (
    Ignored,
    StatusMessage,
    Test,
    protocol_of,
    status_messages_text,
)
from status_tracker.integrations._arr_api import QueueStage, parse_timespan
from status_tracker.integrations.sonarr.payloads import (
    Download,
    Grab,
    ImportComplete,
    ManualInteractionRequired,
    QueueRecord,
    parse_webhook,
)

from ._samples import load


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("grab.json", Grab),
        ("grab_season_pack.json", Grab),
        ("grab_anime.json", Grab),
        ("download.json", Download),
        ("download_upgrade.json", Download),
        ("download_anime.json", Download),
        ("import_complete.json", ImportComplete),
        ("manual_interaction_required.json", ManualInteractionRequired),
        ("test.json", Test),
    ],
)
def test_every_recorded_shape_parses_as_its_kind(name: str, kind: type) -> None:
    assert type(parse_webhook(load(name))) is kind


def test_import_complete_is_told_apart_by_its_file_list() -> None:
    hook = parse_webhook(load("import_complete.json"))

    assert isinstance(hook, ImportComplete)
    assert hook.event_type == "Download"
    assert hook.file_count == 6
    assert len(hook.episode_files) == 6
    assert hook.destination_path == "/tv/The Glass Harbor/Season 02"


def test_download_reads_upgrade_and_deleted_files() -> None:
    hook = parse_webhook(load("download_upgrade.json"))

    assert isinstance(hook, Download)
    assert hook.is_upgrade is True
    assert hook.deleted_files is not None
    assert hook.deleted_files[0].recycle_bin_path is not None
    assert hook.episode_file.source_path is not None


def test_untracked_type_parses_as_ignored() -> None:
    hook = parse_webhook({"eventType": "HealthRestored", "level": "warning", "message": "ok"})

    assert isinstance(hook, Ignored)
    assert hook.event_type == "HealthRestored"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("00:12:34", 754),
        ("1.02:03:04", 93784),
        ("00:00:01.5000000", 1),
        ("12.00:00:00.25", 1036800),
        ("", None),
        (None, None),
        ("soon", None),
        ("1:2", None),
    ],
)
def test_timespans_in_seconds(text: str | None, seconds: int | None) -> None:
    assert parse_timespan(text) == seconds


@pytest.mark.parametrize(
    ("value", "client_type", "protocol"),
    [
        ("torrent", None, "torrent"),
        ("usenet", None, "usenet"),
        ("2", None, "torrent"),
        ("1", None, "usenet"),
        (None, "qBittorrent", "torrent"),
        (None, "SABnzbd", "usenet"),
        ("unknown", "SomeNewClient", None),
        (None, None, None),
    ],
)
def test_protocol(value: str | None, client_type: str | None, protocol: str | None) -> None:
    assert protocol_of(value, client_type) == protocol


def test_status_messages_text_joins_distinct_non_empty_lines() -> None:
    blocks = [
        StatusMessage(title="a", messages=[" One ", "", "Two"]),
        StatusMessage(title="b", messages=["One"]),
        StatusMessage(title="c"),
    ]

    assert status_messages_text(blocks) == "One; Two"
    assert status_messages_text([]) is None
    assert status_messages_text(None) is None


def test_queue_row_progress_and_problem() -> None:
    row = QueueRecord.model_validate(
        {
            "downloadId": "AB",
            "size": 1000.0,
            "sizeleft": 250.0,
            "status": "warning",
            "trackedDownloadStatus": "warning",
            "trackedDownloadState": "downloading",
            "statusMessages": [],
        }
    )

    assert row.stage is QueueStage.DOWNLOADING
    assert row.progress == 0.75
    assert row.problem == "Download warning"
    assert QueueRecord(download_id="AB", size=0, sizeleft=0).progress is None
    assert QueueRecord(status="delay").stage is QueueStage.PENDING
