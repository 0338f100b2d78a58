"""Which facts from Sonarr's queue and history are news for the tracked requests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from status_tracker.core.events import (
    DownloadFinished,
    Event,
    Failed,
    Grabbed,
    Imported,
    NeedsAttention,
    Progressed,
)
from status_tracker.core.model import Download, Episode, Key, KeyKind, MediaType, Request
from status_tracker.core.states import RequestState
from status_tracker.integrations._arr_reconcile import Reconciler, download_of, title_keys
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.sonarr.payloads import HistoryRecord, QueueRecord
from status_tracker.integrations.sonarr.translate import from_history, from_queue

from ._samples import load

S = RequestState
PACK = "46b71e143e7c3ff741b83febe6d92670469ad369"
BLOCKED = "d68a650e0e5ed2cf1dbb459df5ec5c6e58c7a33a"
FAILED = "3f1c0e5b9a7d4c2e8b6a0f1d3c5e7a9b1d3f5a7c"
STALLED = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
WAITING = "b2c3d4e5f60718293a4b5c6d7e8f901234567891"
BEFORE = datetime(2025, 1, 21, 6, 0, tzinfo=UTC)
"""When the request was approved: just before Sonarr grabbed anything."""


def request(**fields: Any) -> Request:
    values: dict[str, Any] = {
        "id": 1,
        "media_type": MediaType.TV,
        "state": S.SEARCHING,
        "created_at": BEFORE,
        "updated_at": BEFORE,
        "state_changed_at": BEFORE,
        "title": "The Glass Harbor",
        "tvdb_id": 412873,
        "tmdb_id": 203517,
        "jellyseerr_request_id": 7,
        "requested_by": "alice",
        "seasons": (1, 2),
    }
    values.update(fields)
    return Request(**values)


def queue(*download_ids: str) -> list[Event]:
    rows: list[dict[str, Any]] = []
    for page in (1, 2, 3):
        rows.extend(load(f"api/queue_page{page}.json")["records"])
    wanted = {d.upper() for d in download_ids}
    records = [QueueRecord.model_validate(r) for r in rows if r.get("downloadId") in wanted]
    return from_queue(records)


def history() -> list[Event]:
    rows = [HistoryRecord.model_validate(row) for row in load("api/history_since.json")]
    rows.sort(key=lambda row: (row.date or BEFORE, row.id or 0))
    return from_history(rows, TranslateContext())


def kinds(events: list[Event]) -> list[tuple[str, str | None]]:
    return [(type(event).__name__, download_of(event)) for event in events]


JELLYSEERR_7 = Key(KeyKind.JELLYSEERR_REQUEST, "7")


def test_a_missed_grab_in_the_queue_is_news_for_the_request() -> None:
    news = Reconciler("sonarr").news([request()], queue=queue(PACK))

    assert kinds(news) == [("Grabbed", PACK), ("Progressed", PACK)]
    grabbed = news[0]
    assert isinstance(grabbed, Grabbed)
    assert grabbed.episodes == (Episode(2, 1), Episode(2, 2))
    assert all(JELLYSEERR_7 in event.keys for event in news)


def test_progress_is_left_to_qbittorrent_when_it_is_configured() -> None:
    news = Reconciler("sonarr", skip_progress=True).news([request()], queue=queue(PACK))

    assert kinds(news) == [("Grabbed", PACK)]


def test_the_same_facts_are_not_submitted_twice() -> None:
    reconciler = Reconciler("sonarr")
    reconciler.news([request()], queue=queue(PACK, STALLED))

    assert reconciler.news([request()], queue=queue(PACK, STALLED)) == []


def test_a_known_download_gives_only_what_changed() -> None:
    [_, progressed] = queue(PACK)
    assert isinstance(progressed, Progressed)
    same = Download(
        PACK,
        size_bytes=progressed.size_bytes,
        progress=progressed.progress,
        eta_seconds=progressed.eta_seconds,
        status=progressed.status,
    )
    tracked = request(state=S.DOWNLOADING, downloads={PACK: same})
    assert Reconciler("sonarr").news([tracked], queue=queue(PACK)) == []

    slower = request(state=S.DOWNLOADING, downloads={PACK: dataclasses.replace(same, progress=0.5)})
    assert kinds(Reconciler("sonarr").news([slower], queue=queue(PACK))) == [("Progressed", PACK)]


def test_a_finished_download_is_reported_once() -> None:
    tracked = request(state=S.DOWNLOADING, downloads={WAITING: Download(WAITING)})
    assert kinds(Reconciler("sonarr").news([tracked], queue=queue(WAITING))) == [
        ("DownloadFinished", WAITING)
    ]

    done = request(state=S.DOWNLOAD_DONE, downloads={WAITING: Download(WAITING, done=True)})
    assert Reconciler("sonarr").news([done], queue=queue(WAITING)) == []


def test_blocked_import_needs_attention_until_the_request_shows_it() -> None:
    tracked = request(state=S.DOWNLOADING, downloads={BLOCKED: Download(BLOCKED)})
    news = Reconciler("sonarr").news([tracked], queue=queue(BLOCKED))
    assert kinds(news) == [("DownloadFinished", BLOCKED), ("NeedsAttention", BLOCKED)]

    attention = news[1]
    assert isinstance(attention, NeedsAttention)
    shown = request(
        state=S.DOWNLOAD_DONE,
        error=attention.message,
        downloads={BLOCKED: Download(BLOCKED, done=True)},
    )
    assert Reconciler("sonarr").news([shown], queue=queue(BLOCKED)) == []


def test_a_failed_download_fails_the_request_and_is_not_grabbed_again() -> None:
    news = Reconciler("sonarr").news([request(state=S.INDEXED)], queue=queue(FAILED))

    [failed] = news
    assert isinstance(failed, Failed)
    assert failed.reason == "Download failed: Caution: Found executable file with extension: '.exe'"
    assert Reconciler("sonarr").news([request(state=S.FAILED)], queue=queue(FAILED)) == []


def test_history_fills_in_grabs_imports_and_failures() -> None:
    news = Reconciler("sonarr").news([request()], history=history())

    assert kinds(news) == [("Grabbed", PACK), ("Imported", PACK), ("Failed", FAILED)]
    imported = news[1]
    assert isinstance(imported, Imported)
    assert imported.episodes == (Episode(2, 1),)


def test_a_failure_older_than_the_last_change_is_over() -> None:
    retried = datetime(2025, 1, 21, 9, 0, tzinfo=UTC)
    tracked = request(state=S.SEARCHING, state_changed_at=retried)

    news = Reconciler("sonarr").news([tracked], history=history())

    assert kinds(news) == [("Grabbed", PACK), ("Imported", PACK)]


def test_a_failure_still_listed_after_a_retry_is_not_applied_again() -> None:
    reconciler = Reconciler("sonarr")
    assert kinds(reconciler.news([request(state=S.INDEXED)], queue=queue(FAILED))) == [
        ("Failed", FAILED)
    ]
    reconciler.news([request(state=S.FAILED)], queue=queue(FAILED))

    assert reconciler.news([request(state=S.SEARCHING)], queue=queue(FAILED)) == []


def test_facts_about_nobody_are_looked_at_again_once_someone_tracks_them() -> None:
    reconciler = Reconciler("sonarr")
    [grabbed] = reconciler.news([], queue=queue(BLOCKED))
    assert isinstance(grabbed, Grabbed)
    tracked = request(
        id=2,
        jellyseerr_request_id=None,
        state=S.INDEXED,
        downloads={BLOCKED: Download(BLOCKED, episodes=grabbed.episodes)},
    )

    news = reconciler.news([tracked], queue=queue(BLOCKED))

    assert kinds(news) == [("DownloadFinished", BLOCKED), ("NeedsAttention", BLOCKED)]


def test_history_from_before_the_request_is_about_an_earlier_one() -> None:
    later = datetime(2025, 1, 22, tzinfo=UTC)
    news = Reconciler("sonarr").news([request(created_at=later)], history=history())

    assert news == []


def test_imports_already_counted_are_not_repeated() -> None:
    episodes = {Episode(2, 1): S.IMPORTING, Episode(2, 2): S.INDEXED}
    downloads = {PACK: Download(PACK, episodes=(Episode(2, 1), Episode(2, 2)))}
    tracked = request(state=S.INDEXED, episodes=episodes, downloads=downloads)

    news = Reconciler("sonarr").news([tracked], history=history())

    assert kinds(news) == [("Failed", FAILED)]


def test_nobody_tracks_the_series_so_a_queue_grab_starts_tracking_it() -> None:
    news = Reconciler("sonarr").news([], history=history(), queue=queue(PACK, FAILED))

    [grabbed] = news
    assert isinstance(grabbed, Grabbed)
    assert grabbed.download_id == PACK
    assert not any(key.kind is KeyKind.JELLYSEERR_REQUEST for key in grabbed.keys)


def test_downloads_of_seasons_nobody_asked_for_are_left_alone() -> None:
    only_season_three = request(seasons=(3,))

    assert Reconciler("sonarr").news([only_season_three], queue=queue(PACK)) == []


def test_two_requests_for_one_series_each_get_their_own_season() -> None:
    first = request(id=1, jellyseerr_request_id=7, seasons=(1,))
    second = request(id=2, jellyseerr_request_id=8, seasons=(2,), requested_by="bob")

    news = Reconciler("sonarr").news([first, second], queue=queue(PACK, STALLED))

    owners = {
        download_of(event): [k.value for k in event.keys if k.kind is KeyKind.JELLYSEERR_REQUEST]
        for event in news
    }
    assert owners == {PACK: ["8"], STALLED: ["7"]}


def test_requests_spell_their_title_keys_like_events() -> None:
    assert title_keys(request(imdb_id="tt1")) == (
        Key(KeyKind.TMDB, "tv:203517"),
        Key(KeyKind.TVDB, "412873"),
        Key(KeyKind.IMDB, "tt1"),
    )


def test_download_of_reads_the_field_or_the_keys() -> None:
    [_, progressed] = queue(PACK)
    failed = Failed(source="sonarr", keys=(Key(KeyKind.DOWNLOAD, FAILED),), reason="x")
    finished = DownloadFinished(source="sonarr")

    assert (download_of(progressed), download_of(failed), download_of(finished)) == (
        PACK,
        FAILED,
        None,
    )


def test_an_old_request_keeps_its_owner_by_download_id() -> None:
    old = request(
        created_at=BEFORE + timedelta(days=1),
        state=S.DOWNLOADING,
        downloads={PACK: Download(PACK, episodes=(Episode(2, 1), Episode(2, 2)))},
    )

    news = Reconciler("sonarr").news([old], history=history())

    assert kinds(news) == [("Imported", PACK)]
