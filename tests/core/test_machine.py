"""``machine.apply`` event by event: creation, words, timestamps, forward-only, repeats."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from status_tracker.core import events as ev
from status_tracker.core.machine import apply, new_request
from status_tracker.core.model import Episode, Key, KeyKind, MediaInfo, MediaType
from status_tracker.core.states import RequestState

from ._build import MOVIE, SHOW, at, dl, eps, make, play

S = RequestState

CREATING: list[tuple[ev.Event, RequestState]] = [
    (ev.Requested(source="jellyseerr", media=MOVIE), S.REQUESTED),
    (ev.Approved(source="jellyseerr", media=MOVIE), S.SEARCHING),
    (ev.Declined(source="jellyseerr", media=MOVIE), S.DECLINED),
    (ev.Failed(source="jellyseerr", media=MOVIE, reason="Radarr refused the movie"), S.FAILED),
    (ev.Grabbed(source="radarr", media=MOVIE, download_id="aa11"), S.INDEXED),
    (ev.Imported(source="radarr", media=MOVIE, paths=("/movies/Arrival.mkv",)), S.IMPORTING),
]


@pytest.mark.parametrize(
    ("event_type", "creates"),
    [
        (ev.Requested, True),
        (ev.Approved, True),
        (ev.Declined, True),
        (ev.Failed, True),
        (ev.Grabbed, True),
        (ev.Imported, True),
        (ev.RetryRequested, False),
        (ev.Progressed, False),
        (ev.DownloadFinished, False),
        (ev.Matched, False),
        (ev.MadeAvailable, False),
        (ev.Watched, False),
        (ev.NeedsAttention, False),
        (ev.EpisodesExpected, False),
        (ev.Noted, False),
    ],
)
def test_which_events_may_start_a_request(event_type: type[ev.Event], creates: bool) -> None:
    assert event_type.CREATES is creates


@pytest.mark.parametrize(("event", "state"), CREATING)
def test_new_request_takes_title_and_type_from_the_event(
    event: ev.Event, state: RequestState
) -> None:
    applied = apply(None, event, at(5))
    request = applied.request
    assert request.id is None
    assert (request.media_type, request.title, request.year) == (MediaType.MOVIE, "Arrival", 2016)
    assert request.tmdb_id == 329865
    assert request.state is state
    assert request.created_at == at(5)
    assert request.updated_at == at(5)
    assert len(applied.entries) == 1


@pytest.mark.parametrize(
    ("media", "media_type"),
    [(SHOW, MediaType.TV), (MOVIE, MediaType.MOVIE), (MediaInfo(title="?"), MediaType.MOVIE)],
)
def test_new_request_media_type_defaults_to_movie(media: MediaInfo, media_type: MediaType) -> None:
    request = new_request(ev.Requested(source="jellyseerr", media=media), at(1))
    assert request.media_type is media_type
    assert request.state is S.REQUESTED


def test_new_request_is_created_when_the_event_happened() -> None:
    event = ev.Requested(source="jellyseerr", media=MOVIE, occurred_at=at(-30))
    request = apply(None, event, at(1)).request
    assert request.created_at == at(-30)
    assert request.updated_at == at(1)


@pytest.mark.parametrize(
    ("event", "message", "details"),
    [
        (ev.Requested(source="jellyseerr", requested_by="alice"), "Requested by alice", {}),
        (ev.Requested(source="jellyseerr"), "Requested", {}),
        (ev.Approved(source="jellyseerr"), "Approved — looking for a release", {}),
        (
            ev.Approved(source="jellyseerr", automatic=True),
            "Approved automatically — looking for a release",
            {},
        ),
        (
            ev.Declined(source="jellyseerr", reason="Not on the list"),
            "Declined: Not on the list",
            {},
        ),
        (ev.Declined(source="jellyseerr"), "Declined", {}),
        (
            ev.Failed(source="radarr", reason="No space left"),
            "No space left",
            {"reason": "No space left"},
        ),
        (ev.Grabbed(source="radarr"), "Found", {}),
        (
            ev.Grabbed(
                source="radarr",
                download_id="aa11",
                quality="Bluray-1080p",
                indexer="Nyaa",
                release_title="Arrival.2016.1080p",
                size_bytes=8_000,
                protocol="torrent",
            ),
            "Found (Bluray-1080p)",
            {
                "quality": "Bluray-1080p",
                "indexer": "Nyaa",
                "release_title": "Arrival.2016.1080p",
                "size_bytes": 8_000,
                "protocol": "torrent",
                "download_id": "aa11",
            },
        ),
        (
            ev.Grabbed(source="sonarr", episodes=eps(1, 2), quality="HDTV-720p"),
            "Found S01E02 (HDTV-720p)",
            {"quality": "HDTV-720p"},
        ),
        (
            ev.Grabbed(source="sonarr", episodes=eps(1, 3, 1, 2, 2)),
            "Found 3 episodes of season 1",
            {},
        ),
        (
            ev.Grabbed(source="sonarr", episodes=(*eps(2, 1), *eps(1, 9, 10))),
            "Found 3 episodes of seasons 1, 2",
            {},
        ),
        (
            ev.Progressed(source="qbittorrent", download_id="aa11", progress=0.1),
            "Downloading",
            {"download_id": "aa11"},
        ),
        (
            ev.DownloadFinished(source="qbittorrent", download_id="aa11"),
            "Download finished",
            {"download_id": "aa11"},
        ),
        (ev.DownloadFinished(source="qbittorrent"), "Download finished", {}),
        (
            ev.Imported(source="radarr", quality="Bluray-1080p", paths=("/m/a.mkv",)),
            "Added to the library (Bluray-1080p)",
            {"quality": "Bluray-1080p", "paths": ["/m/a.mkv"]},
        ),
        (ev.Imported(source="radarr"), "Added to the library", {}),
        (
            ev.Imported(source="radarr", upgrade=True, quality="Remux-2160p"),
            "Upgraded (Remux-2160p)",
            {"quality": "Remux-2160p"},
        ),
        (ev.Imported(source="radarr", upgrade=True), "Upgraded", {}),
        (
            ev.Matched(source="shoko", file_id="77", path="/anime/a.mkv"),
            "Matching with the anime library",
            {},
        ),
        (ev.MadeAvailable(source="jellyfin"), "Ready to watch", {}),
        (ev.Watched(source="jellyfin", user="alice"), "Watched by alice", {}),
        (ev.Watched(source="jellyfin"), "Watched", {}),
        (
            ev.NeedsAttention(source="radarr", message="Import blocked", details=(("path", "/x"),)),
            "Import blocked",
            {"path": "/x"},
        ),
        (ev.Noted(source="sonarr", message="Files renamed"), "Files renamed", {}),
    ],
)
def test_each_event_writes_one_line_in_words(
    event: ev.Event, message: str, details: dict[str, object]
) -> None:
    applied = apply(make(S.SEARCHING), event, at(10))
    assert [(e.message, e.details, e.source) for e in applied.entries] == [
        (message, details, event.source)
    ]


@pytest.mark.parametrize(
    ("current", "event", "entry_state"),
    [
        (S.REQUESTED, ev.Requested(source="jellyseerr"), S.REQUESTED),
        (S.REQUESTED, ev.Approved(source="jellyseerr"), S.APPROVED),
        (S.AVAILABLE, ev.Grabbed(source="radarr"), S.INDEXED),
        (S.IMPORTING, ev.Progressed(source="qbittorrent", download_id="d1"), S.DOWNLOADING),
        (S.AVAILABLE, ev.DownloadFinished(source="qbittorrent"), S.DOWNLOAD_DONE),
        (S.COMPLETED, ev.Imported(source="radarr", upgrade=True), S.IMPORTING),
        (S.AVAILABLE, ev.Matched(source="shoko"), S.ANIME_INDEXING),
        (S.COMPLETED, ev.MadeAvailable(source="jellyfin"), S.AVAILABLE),
        (S.SEARCHING, ev.Watched(source="jellyfin"), S.COMPLETED),
        (S.AVAILABLE, ev.Failed(source="radarr", reason="x"), S.FAILED),
        (S.INDEXED, ev.Declined(source="jellyseerr"), S.DECLINED),
        (S.COMPLETED, ev.RetryRequested(source="tracker"), S.SEARCHING),
        (S.DOWNLOADING, ev.NeedsAttention(source="radarr", message="Blocked"), S.DOWNLOADING),
        (S.IMPORTING, ev.Noted(source="sonarr", message="Renamed"), S.IMPORTING),
        (S.IMPORTING, ev.Noted(source="sonarr", message="Renamed", step=S.INDEXED), S.INDEXED),
    ],
)
def test_entry_state_is_the_step_the_event_stands_for(
    current: RequestState, event: ev.Event, entry_state: RequestState
) -> None:
    (entry,) = apply(make(current), event, at(10)).entries
    assert entry.state is entry_state


@pytest.mark.parametrize(("occurred_at", "stamp"), [(at(-90), at(-90)), (None, at(10))])
def test_entry_time_is_when_it_happened_else_now(
    occurred_at: datetime | None, stamp: datetime
) -> None:
    event = ev.Grabbed(source="radarr", occurred_at=occurred_at)
    applied = apply(make(S.SEARCHING), event, at(10))
    assert applied.entries[0].timestamp == stamp
    assert applied.request.updated_at == at(10)
    assert applied.request.state_changed_at == at(10)


@pytest.mark.parametrize(
    ("current", "event"),
    [
        (S.IMPORTING, ev.Grabbed(source="radarr", occurred_at=at(-60))),
        (S.AVAILABLE, ev.Approved(source="jellyseerr", occurred_at=at(-120))),
        (S.DOWNLOAD_DONE, ev.Progressed(source="qbittorrent", download_id="d1", progress=0.9)),
        (S.AVAILABLE, ev.Imported(source="radarr")),
        (S.COMPLETED, ev.MadeAvailable(source="jellyfin")),
        (S.INDEXED, ev.Requested(source="jellyseerr")),
        (S.COMPLETED, ev.Failed(source="radarr", reason="late failure")),
        (S.SEARCHING, ev.Declined(source="jellyseerr")),
        (S.FAILED, ev.Approved(source="jellyseerr", occurred_at=at(-120))),
        (S.FAILED, ev.Requested(source="jellyseerr", occurred_at=at(-180))),
        (S.DECLINED, ev.Approved(source="jellyseerr", occurred_at=at(-120))),
        (S.DECLINED, ev.Progressed(source="qbittorrent", download_id="d1", progress=0.2)),
    ],
)
def test_late_events_are_recorded_but_never_move_back(
    current: RequestState, event: ev.Event
) -> None:
    applied = apply(make(current), event, at(10))
    assert applied.request.state is current
    assert applied.moved is False
    assert applied.request.state_changed_at == at(0)
    assert [e.state for e in applied.entries] == [event.STEP]
    assert applied.entries[0].timestamp == (event.occurred_at or at(10))


def test_out_of_order_deliveries_end_in_the_most_advanced_state() -> None:
    run = play(
        [
            ev.Imported(source="radarr", media=MOVIE, occurred_at=at(-10)),
            ev.Grabbed(source="radarr", occurred_at=at(-40), quality="WEBDL-1080p"),
            ev.Approved(source="jellyseerr", occurred_at=at(-50)),
            ev.Requested(source="jellyseerr", occurred_at=at(-60), requested_by="bob"),
        ]
    )
    assert run.states == [S.IMPORTING] * 4
    assert [(e.state, e.timestamp) for e in run.timeline] == [
        (S.IMPORTING, at(-10)),
        (S.INDEXED, at(-40)),
        (S.APPROVED, at(-50)),
        (S.REQUESTED, at(-60)),
    ]
    assert run.request.requested_by == "bob"
    assert run.request.quality == "WEBDL-1080p"


@pytest.mark.parametrize(
    "event",
    [
        ev.Requested(source="jellyseerr", requested_by="alice"),
        ev.Approved(source="jellyseerr"),
        ev.Declined(source="jellyseerr"),
        ev.Grabbed(source="radarr", download_id="d1", quality="Bluray-1080p"),
        ev.Progressed(source="qbittorrent", download_id="d1", progress=0.5),
        ev.DownloadFinished(source="qbittorrent", download_id="d1"),
        ev.Imported(source="radarr", quality="Bluray-1080p"),
        ev.Matched(source="shoko"),
        ev.MadeAvailable(source="jellyfin", watch_url="http://jf/x"),
        ev.Watched(source="jellyfin"),
        ev.NeedsAttention(source="radarr", message="Blocked"),
        ev.Noted(source="sonarr", message="Renamed"),
    ],
)
def test_a_repeated_fact_adds_no_second_entry(event: ev.Event) -> None:
    first = apply(make(S.REQUESTED), event, at(1))
    again = apply(first.request, event, at(2))
    assert len(first.entries) == 1
    assert again.entries == ()
    assert again.request.state is first.request.state
    assert again.moved is False


@pytest.mark.parametrize(
    ("event_type", "fields"),
    [(ev.Failed, {"reason": "Download failed"}), (ev.RetryRequested, {})],
)
def test_failure_and_retry_repeat_when_they_happen_again(
    event_type: type[ev.Event], fields: dict[str, str]
) -> None:
    once = event_type(source="radarr", occurred_at=at(1), **fields)
    later = event_type(source="radarr", occurred_at=at(2), **fields)
    run = play([once, once, later, later])
    assert [e.timestamp for e in run.timeline] == [at(1), at(2)]


def test_failed_without_a_time_repeats_at_each_delivery() -> None:
    failed = ev.Failed(source="radarr", reason="Download failed")
    run = play([failed, failed], request=make(S.DOWNLOADING))
    assert [e.timestamp for e in run.timeline] == [at(1), at(2)]
    assert run.request.error == "Download failed"


RETRYABLE = [S.APPROVED, S.INDEXED, S.DOWNLOADING, S.FAILED, S.DECLINED]


@pytest.mark.parametrize("current", RETRYABLE)
def test_retry_moves_a_failed_or_stalled_request_back_to_searching(current: RequestState) -> None:
    request = make(current, error="Stalled: no seeds")
    applied = apply(request, ev.RetryRequested(source="tracker"), at(3))
    assert applied.request.state is S.SEARCHING
    assert applied.request.error is None
    assert applied.moved is True
    assert applied.request.state_changed_at == at(3)
    assert [(e.state, e.message) for e in applied.entries] == [
        (S.SEARCHING, "Retry requested — searching again")
    ]


def test_retry_while_searching_clears_the_error_without_a_move() -> None:
    request = make(S.SEARCHING, error="No release found")
    applied = apply(request, ev.RetryRequested(source="tracker"), at(3))
    assert (applied.request.state, applied.request.error) == (S.SEARCHING, None)
    assert applied.moved is False
    assert applied.request.state_changed_at == at(0)
    assert applied.request.updated_at == at(3)


@pytest.mark.parametrize(
    "current",
    [S.REQUESTED, S.DOWNLOAD_DONE, S.IMPORTING, S.ANIME_INDEXING, S.AVAILABLE, S.COMPLETED],
)
def test_retry_never_moves_a_request_that_is_not_retryable(current: RequestState) -> None:
    applied = apply(make(current), ev.RetryRequested(source="tracker"), at(3))
    assert applied.request.state is current
    assert applied.moved is False
    assert applied.request.state_changed_at == at(0)


def test_a_failed_request_searches_again_only_by_a_retry() -> None:
    run = play(
        [
            ev.Approved(source="jellyseerr", occurred_at=at(-5)),
            ev.Approved(source="jellyseerr", automatic=True),
            ev.RetryRequested(source="tracker"),
        ],
        request=make(S.FAILED, error="No release found"),
    )
    assert run.states == [S.FAILED, S.FAILED, S.SEARCHING]
    assert run.request.error is None


@pytest.mark.parametrize("terminal", [S.FAILED, S.DECLINED])
def test_a_new_grab_leaves_a_terminal_state(terminal: RequestState) -> None:
    applied = apply(make(terminal, error="No release"), ev.Grabbed(source="radarr"), at(3))
    assert applied.request.state is S.INDEXED
    assert applied.request.error is None


@pytest.mark.parametrize(
    ("current", "state", "error"),
    [
        (S.DOWNLOADING, S.FAILED, "Stalled for good"),
        (S.FAILED, S.FAILED, "Stalled for good"),
        (S.AVAILABLE, S.AVAILABLE, "Stalled for good"),
        (S.DECLINED, S.DECLINED, "Stalled for good"),
    ],
)
def test_failed_records_the_reason_as_the_error(
    current: RequestState, state: RequestState, error: str
) -> None:
    applied = apply(make(current), ev.Failed(source="radarr", reason="Stalled for good"), at(3))
    assert (applied.request.state, applied.request.error) == (state, error)


def test_first_progress_sample_writes_one_line_and_later_samples_none() -> None:
    run = play(
        [
            ev.Progressed(
                source="qbittorrent",
                download_id="d1",
                progress=0.1,
                size_bytes=1000,
                downloaded_bytes=100,
                speed_bps=50,
                eta_seconds=18,
                status="downloading",
            ),
            ev.Progressed(
                source="qbittorrent",
                download_id="d1",
                progress=0.5,
                downloaded_bytes=500,
                speed_bps=80,
                eta_seconds=6,
                status="downloading",
            ),
            ev.Progressed(
                source="qbittorrent",
                download_id="d1",
                progress=0.7,
                downloaded_bytes=700,
                status="downloading",
            ),
        ],
        request=make(S.INDEXED, downloads={"d1": dl("d1", size_bytes=900)}),
    )
    assert run.messages == ["Downloading"]
    assert run.timeline[0].state is S.DOWNLOADING
    assert run.states == [S.DOWNLOADING] * 3
    assert run.request.downloads["d1"] == dl(
        "d1", progress=0.7, size_bytes=1000, downloaded_bytes=700, status="downloading"
    )
    assert run.request.updated_at == at(3)


def test_progress_for_an_unknown_download_starts_tracking_it() -> None:
    event = ev.Progressed(source="qbittorrent", download_id="d9", progress=0.2)
    applied = apply(make(S.INDEXED), event, at(1))
    assert applied.request.downloads == {"d9": dl("d9", progress=0.2)}
    assert [e.message for e in applied.entries] == ["Downloading"]


def sample(progress: float, status: str, problem: str | None = None) -> ev.Progressed:
    return ev.Progressed(
        source="qbittorrent", download_id="d1", progress=progress, status=status, problem=problem
    )


@pytest.mark.parametrize("known", [None, dl("d1", size_bytes=900)])
def test_a_problem_on_the_first_sample_sets_the_error(known: object) -> None:
    downloads = {"d1": known} if known is not None else {}
    request = make(S.INDEXED, downloads=downloads)
    applied = apply(request, sample(0.0, "stalledDL", "Stalled: no seeds"), at(1))
    assert applied.request.state is S.DOWNLOADING
    assert applied.request.error == "Stalled: no seeds"
    assert [e.message for e in applied.entries] == ["Downloading"]


def test_a_sample_without_progress_keeps_the_last_known_progress() -> None:
    request = make(S.DOWNLOADING, downloads={"d1": dl("d1", progress=0.4, size_bytes=900)})
    event = ev.Progressed(source="sonarr", download_id="d1", status="downloading")
    first = apply(request, event, at(1))
    assert first.request.downloads["d1"] == dl(
        "d1", progress=0.4, size_bytes=900, status="downloading"
    )
    assert first.entries == ()
    again = apply(first.request, event, at(2))
    assert again.entries == ()
    assert again.request == first.request


def test_a_sample_without_progress_for_a_new_download_leaves_it_unknown() -> None:
    event = ev.Progressed(source="sonarr", download_id="d1", status="queued")
    applied = apply(make(S.INDEXED), event, at(1))
    assert applied.request.downloads == {"d1": dl("d1", status="queued")}
    assert [e.message for e in applied.entries] == ["Downloading"]


def test_a_download_problem_sets_the_error_and_writes_one_line() -> None:
    run = play(
        [
            sample(0.2, "stalledDL", "Stalled: no seeds"),
            sample(0.2, "stalledDL", "Stalled: no seeds"),
            sample(0.2, "stalledDL", "Stalled: no seeds"),
        ],
        request=make(S.DOWNLOADING, downloads={"d1": dl("d1", progress=0.1, status="downloading")}),
    )
    assert run.messages == ["Stalled: no seeds"]
    assert run.request.error == "Stalled: no seeds"
    assert run.timeline[0].state is S.DOWNLOADING


@pytest.mark.parametrize("status", ["downloading", "stalledDL"])
def test_a_sample_without_a_problem_clears_it(status: str) -> None:
    run = play(
        [sample(0.2, "stalledDL", "Stalled: no seeds"), sample(0.3, status)],
        request=make(S.DOWNLOADING, downloads={"d1": dl("d1", progress=0.1, status="downloading")}),
    )
    assert run.request.error is None
    assert run.messages == ["Stalled: no seeds"]


def test_a_new_problem_replaces_the_old_one() -> None:
    run = play(
        [sample(0.2, "stalledDL", "Stalled: no seeds"), sample(0.2, "error", "Disk full")],
        request=make(S.DOWNLOADING, downloads={"d1": dl("d1", progress=0.1)}),
    )
    assert run.request.error == "Disk full"
    assert run.messages == ["Stalled: no seeds", "Disk full"]


def test_download_finished_marks_the_download_done_and_clears_the_error() -> None:
    request = make(
        S.DOWNLOADING,
        error="Stalled: no seeds",
        downloads={"d1": dl("d1", progress=0.9, speed_bps=10, eta_seconds=4, size_bytes=100)},
    )
    applied = apply(request, ev.DownloadFinished(source="qbittorrent", download_id="d1"), at(1))
    assert applied.request.state is S.DOWNLOAD_DONE
    assert applied.request.error is None
    assert applied.request.downloads["d1"] == dl("d1", progress=1.0, size_bytes=100, done=True)


@pytest.mark.parametrize(
    ("download_id", "downloads"),
    [
        (None, {"d1": dl("d1", progress=0.5)}),
        ("d2", {"d1": dl("d1", progress=0.5), "d2": dl("d2", progress=1.0, done=True)}),
    ],
)
def test_download_finished_without_a_known_download(
    download_id: str | None, downloads: dict[str, object]
) -> None:
    request = make(S.DOWNLOADING, downloads={"d1": dl("d1", progress=0.5)})
    event = ev.DownloadFinished(source="qbittorrent", download_id=download_id)
    applied = apply(request, event, at(1))
    assert applied.request.downloads == downloads
    assert applied.request.state is S.DOWNLOAD_DONE


@pytest.mark.parametrize(
    ("download_id", "downloads"),
    [
        ("d1", {"d1": dl("d1", progress=1.0, speed_bps=None, done=True)}),
        ("zz", {"d1": dl("d1", progress=1.0, speed_bps=7)}),
        (None, {"d1": dl("d1", progress=1.0, speed_bps=7)}),
    ],
)
def test_imported_closes_its_download(
    download_id: str | None, downloads: dict[str, object]
) -> None:
    request = make(S.DOWNLOAD_DONE, downloads={"d1": dl("d1", progress=1.0, speed_bps=7)})
    event = ev.Imported(source="radarr", download_id=download_id, quality="Bluray-1080p")
    applied = apply(request, event, at(1))
    assert applied.request.downloads == downloads
    assert applied.request.quality == "Bluray-1080p"
    assert applied.request.state is S.IMPORTING


def test_an_upgrade_of_an_available_movie_is_recorded_not_a_regression() -> None:
    request = make(S.AVAILABLE, quality="WEBDL-1080p")
    event = ev.Imported(source="radarr", upgrade=True, quality="Bluray-2160p")
    applied = apply(request, event, at(1))
    assert applied.request.state is S.AVAILABLE
    assert applied.request.quality == "Bluray-2160p"
    assert [(e.state, e.message) for e in applied.entries] == [
        (S.IMPORTING, "Upgraded (Bluray-2160p)")
    ]


@pytest.mark.parametrize(
    ("current", "state"),
    [(S.IMPORTING, S.ANIME_INDEXING), (S.AVAILABLE, S.AVAILABLE)],
)
def test_matched_marks_the_request_as_anime(current: RequestState, state: RequestState) -> None:
    applied = apply(make(current), ev.Matched(source="shoko", file_id="5"), at(1))
    assert applied.request.is_anime is True
    assert applied.request.state is state


@pytest.mark.parametrize(
    ("current", "error", "watch_url"),
    [
        (S.IMPORTING, "Import slow", "http://jellyfin.local/web/#/details?id=abc"),
        (S.FAILED, "Import failed", None),
        (S.ANIME_INDEXING, None, None),
    ],
)
def test_made_available_is_ready_to_watch(
    current: RequestState, error: str | None, watch_url: str | None
) -> None:
    event = ev.MadeAvailable(source="jellyfin", watch_url=watch_url)
    applied = apply(make(current, error=error), event, at(1))
    assert applied.request.state is S.AVAILABLE
    assert applied.request.error is None
    assert applied.request.watch_url == watch_url


def test_made_available_keeps_an_earlier_watch_url_when_none_is_sent() -> None:
    request = make(S.AVAILABLE, watch_url="http://jf/one")
    applied = apply(request, ev.MadeAvailable(source="jellyseerr"), at(1))
    assert applied.request.watch_url == "http://jf/one"


def test_watched_completes_the_request() -> None:
    applied = apply(make(S.AVAILABLE), ev.Watched(source="jellyfin", user="alice"), at(7))
    assert applied.request.state is S.COMPLETED
    assert applied.request.completed_at == at(7)
    assert applied.moved is True


def test_needs_attention_sets_the_error_without_moving() -> None:
    event = ev.NeedsAttention(source="sonarr", message="Import blocked: sample file")
    applied = apply(make(S.DOWNLOAD_DONE), event, at(1))
    assert applied.request.state is S.DOWNLOAD_DONE
    assert applied.request.error == "Import blocked: sample file"
    assert applied.moved is False
    assert applied.request.updated_at == at(1)


def test_a_move_clears_an_earlier_error() -> None:
    request = make(S.DOWNLOAD_DONE, error="Import blocked: sample file")
    applied = apply(request, ev.Imported(source="sonarr"), at(1))
    assert applied.request.error is None


@pytest.mark.parametrize("media_type", [MediaType.MOVIE, MediaType.TV])
def test_episodes_expected_sets_the_count_silently(media_type: MediaType) -> None:
    applied = apply(
        make(S.SEARCHING, media_type), ev.EpisodesExpected(source="sonarr", count=10), at(1)
    )
    assert applied.request.expected_episodes == 10
    assert applied.request.state is S.SEARCHING
    assert applied.entries == ()
    assert applied.moved is False


def test_noted_changes_nothing_but_the_timeline() -> None:
    request = make(S.AVAILABLE, error=None)
    applied = apply(request, ev.Noted(source="sonarr", message="Files renamed"), at(1))
    assert replace(applied.request, facts=frozenset(), updated_at=at(0)) == request
    assert applied.moved is False


@pytest.mark.parametrize(
    "event",
    [
        ev.Requested(source="jellyseerr", media=MediaInfo(title="Arrival")),
        ev.Requested(source="jellyseerr", seasons=(2, 1)),
        ev.Requested(source="jellyseerr", keys=(Key(KeyKind.JELLYSEERR_REQUEST, "42"),)),
    ],
)
def test_any_change_to_the_request_bumps_updated_at(event: ev.Event) -> None:
    request = make(S.APPROVED, facts=frozenset({"requested|jellyseerr|Requested"}))
    applied = apply(request, event, at(5))
    assert applied.entries == ()
    assert applied.moved is False
    assert replace(applied.request, updated_at=at(0)) != request
    assert applied.request.updated_at == at(5)


def test_an_event_that_changes_nothing_keeps_updated_at() -> None:
    request = make(S.AVAILABLE)
    once = apply(request, ev.Matched(source="shoko"), at(1)).request
    twice = apply(once, ev.MadeAvailable(source="jellyfin"), at(2))
    again = apply(twice.request, ev.MadeAvailable(source="jellyfin"), at(3))
    assert again.request.updated_at == at(2)
    assert again.request == twice.request


@pytest.mark.parametrize(
    ("stored", "keys", "jellyseerr_id"),
    [
        (None, (Key(KeyKind.TMDB, "603"), Key(KeyKind.JELLYSEERR_REQUEST, "42")), 42),
        (None, (Key(KeyKind.JELLYSEERR_REQUEST, "n/a"), Key(KeyKind.JELLYSEERR_REQUEST, "8")), 8),
        (None, (Key(KeyKind.JELLYSEERR_REQUEST, "n/a"),), None),
        (None, (Key(KeyKind.JELLYSEERR_REQUEST, "²"), Key(KeyKind.JELLYSEERR_REQUEST, "3")), 3),
        (None, (Key(KeyKind.JELLYSEERR_REQUEST, "٣"),), None),
        (None, (Key(KeyKind.TMDB, "603"),), None),
        (5, (Key(KeyKind.JELLYSEERR_REQUEST, "42"),), 5),
    ],
)
def test_jellyseerr_id_is_adopted_from_the_keys(
    stored: int | None, keys: tuple[Key, ...], jellyseerr_id: int | None
) -> None:
    request = make(S.INDEXED, jellyseerr_request_id=stored)
    applied = apply(request, ev.Approved(source="jellyseerr", keys=keys), at(1))
    assert applied.request.jellyseerr_request_id == jellyseerr_id


def test_media_info_fills_gaps_but_never_overwrites() -> None:
    request = make(S.INDEXED, title="Arrival (2016)", tmdb_id=None)
    media = MediaInfo(
        media_type=MediaType.TV,
        title="Other",
        year=2016,
        tmdb_id=329865,
        imdb_id="tt2543164",
        poster_url="https://img/arrival.jpg",
    )
    applied = apply(request, ev.Noted(source="radarr", media=media, message="x"), at(1))
    got = applied.request
    assert (got.title, got.year, got.tmdb_id) == ("Arrival (2016)", 2016, 329865)
    assert (got.imdb_id, got.poster_url) == ("tt2543164", "https://img/arrival.jpg")
    assert got.media_type is MediaType.MOVIE


def test_media_type_is_still_open_before_the_request_is_stored() -> None:
    unsaved = replace(make(S.INDEXED), id=None)
    applied = apply(unsaved, ev.Noted(source="sonarr", media=SHOW, message="x"), at(1))
    assert applied.request.media_type is MediaType.TV


@pytest.mark.parametrize(
    ("stored", "event", "requested_by", "seasons"),
    [
        (
            make(),
            ev.Requested(source="jellyseerr", requested_by="alice", seasons=(2, 1, 2)),
            "alice",
            (1, 2),
        ),
        (
            make(requested_by="bob", seasons=(3,)),
            ev.Approved(source="jellyseerr", requested_by="alice", seasons=(1,)),
            "bob",
            (3,),
        ),
        (make(), ev.Declined(source="jellyseerr", requested_by="carol"), "carol", ()),
        (make(), ev.Failed(source="jellyseerr", requested_by="dave", reason="x"), "dave", ()),
        (make(), ev.Approved(source="jellyseerr"), None, ()),
    ],
)
def test_requester_and_seasons_are_filled_once(
    stored: object, event: ev.Event, requested_by: str | None, seasons: tuple[int, ...]
) -> None:
    assert isinstance(stored, type(make()))
    request = apply(stored, event, at(1)).request
    assert (request.requested_by, request.seasons) == (requested_by, seasons)


def test_grab_of_a_known_download_keeps_it_and_adds_episodes() -> None:
    request = make(
        S.INDEXED,
        MediaType.TV,
        downloads={"d1": dl("d1", size_bytes=10, episodes=eps(1, 2))},
        episodes={Episode(1, 2): S.INDEXED},
    )
    event = ev.Grabbed(source="sonarr", download_id="d1", size_bytes=99, episodes=eps(1, 1, 2))
    got = apply(request, event, at(1)).request
    assert got.downloads["d1"] == dl("d1", size_bytes=10, episodes=eps(1, 1, 2))
    assert got.episodes == {Episode(1, 1): S.INDEXED, Episode(1, 2): S.INDEXED}
