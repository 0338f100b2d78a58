"""TV requests: the least-advanced wanted episode decides the state; season packs."""

from __future__ import annotations

import pytest

from status_tracker.core import events as ev
from status_tracker.core.machine import apply
from status_tracker.core.model import Episode, MediaType
from status_tracker.core.states import RequestState

from ._build import SHOW, at, dl, eps, make, play

S = RequestState
TV = MediaType.TV
SEASON_1 = eps(1, *range(1, 13))


def pack_flow() -> list[ev.Event]:
    """A season pack: one Grab of 12 episodes, progress, per-file imports, one complete import."""
    return [
        ev.Approved(source="jellyseerr", media=SHOW, seasons=(1,), requested_by="alice"),
        ev.EpisodesExpected(source="sonarr", count=12),
        ev.Grabbed(source="sonarr", download_id="pack", episodes=SEASON_1, quality="WEBDL-1080p"),
        ev.Progressed(source="qbittorrent", download_id="pack", progress=0.5, size_bytes=1200),
        ev.Progressed(source="qbittorrent", download_id="pack", progress=0.9, size_bytes=1200),
        ev.DownloadFinished(source="qbittorrent", download_id="pack"),
        *(
            ev.Imported(
                source="sonarr",
                download_id="pack",
                episodes=(episode,),
                paths=(f"/tv/Severance/Season 01/S01E{episode.number:02d}.mkv",),
            )
            for episode in SEASON_1
        ),
        ev.Imported(source="sonarr", download_id="pack", complete=True),
        ev.MadeAvailable(source="jellyfin", episodes=SEASON_1),
    ]


def test_season_pack_flow_states() -> None:
    run = play(pack_flow())
    assert run.states == [
        S.SEARCHING,
        S.SEARCHING,
        S.INDEXED,
        S.DOWNLOADING,
        S.DOWNLOADING,
        S.DOWNLOAD_DONE,
        *[S.DOWNLOAD_DONE] * 11,
        S.IMPORTING,
        S.IMPORTING,
        S.AVAILABLE,
    ]
    assert run.request.episodes == dict.fromkeys(SEASON_1, S.AVAILABLE)
    assert run.request.downloads["pack"].done is True
    assert run.request.downloads["pack"].episodes == SEASON_1


def test_season_pack_flow_timeline() -> None:
    run = play(pack_flow())
    assert [(e.state, e.message) for e in run.timeline] == [
        (S.APPROVED, "Approved — looking for a release"),
        (S.INDEXED, "Found 12 episodes of season 1 (WEBDL-1080p)"),
        (S.DOWNLOADING, "Downloading"),
        (S.DOWNLOAD_DONE, "Download finished"),
        (S.IMPORTING, "Adding to the library"),
        (S.IMPORTING, "Added 12 episodes to the library"),
        (S.AVAILABLE, "12 episodes ready to watch"),
    ]
    assert run.timeline[4].details == {"paths": ["/tv/Severance/Season 01/S01E01.mkv"]}


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            ev.Imported(source="sonarr", complete=True, episodes=eps(1, 4)),
            "Added 1 episode to the library",
        ),
        (ev.Imported(source="sonarr", complete=True), "Added to the library"),
        (
            ev.Imported(source="sonarr", episodes=eps(1, 4), quality="HDTV-720p"),
            "Adding to the library",
        ),
        (ev.Imported(source="sonarr", upgrade=True, quality="HDTV-720p"), "Upgraded (HDTV-720p)"),
        (ev.MadeAvailable(source="jellyfin", episodes=eps(1, 4)), "1 episode ready to watch"),
    ],
)
def test_tv_wording(event: ev.Event, message: str) -> None:
    applied = apply(make(S.DOWNLOAD_DONE, TV), event, at(1))
    assert [e.message for e in applied.entries] == [message]


def two_downloads() -> list[ev.Event]:
    return [
        ev.Approved(source="jellyseerr", media=SHOW),
        ev.Grabbed(source="sonarr", download_id="d1", episodes=eps(1, 1, 2)),
        ev.Grabbed(source="sonarr", download_id="d2", episodes=eps(1, 3)),
    ]


@pytest.mark.parametrize(
    ("more", "state", "episodes"),
    [
        ([], S.INDEXED, {1: S.INDEXED, 2: S.INDEXED, 3: S.INDEXED}),
        (
            [ev.Progressed(source="qbittorrent", download_id="d1", progress=0.3)],
            S.INDEXED,
            {1: S.DOWNLOADING, 2: S.DOWNLOADING, 3: S.INDEXED},
        ),
        (
            [
                ev.Progressed(source="qbittorrent", download_id="d1", progress=0.3),
                ev.Progressed(source="qbittorrent", download_id="d2", progress=0.1),
            ],
            S.DOWNLOADING,
            {1: S.DOWNLOADING, 2: S.DOWNLOADING, 3: S.DOWNLOADING},
        ),
        (
            [
                ev.DownloadFinished(source="qbittorrent", download_id="d2"),
                ev.Progressed(source="qbittorrent", download_id="d1", progress=0.3),
            ],
            S.DOWNLOADING,
            {1: S.DOWNLOADING, 2: S.DOWNLOADING, 3: S.DOWNLOAD_DONE},
        ),
        (
            [
                ev.DownloadFinished(source="qbittorrent", download_id="d2"),
                ev.DownloadFinished(source="qbittorrent", download_id="d1"),
                ev.Imported(source="sonarr", download_id="d2"),
            ],
            S.DOWNLOAD_DONE,
            {1: S.DOWNLOAD_DONE, 2: S.DOWNLOAD_DONE, 3: S.IMPORTING},
        ),
        (
            [ev.MadeAvailable(source="jellyfin", episodes=eps(1, 1, 2))],
            S.INDEXED,
            {1: S.AVAILABLE, 2: S.AVAILABLE, 3: S.INDEXED},
        ),
        (
            [ev.Progressed(source="qbittorrent", download_id="other", progress=0.3)],
            S.INDEXED,
            {1: S.INDEXED, 2: S.INDEXED, 3: S.INDEXED},
        ),
    ],
)
def test_state_is_the_least_advanced_episode(
    more: list[ev.Event], state: RequestState, episodes: dict[int, RequestState]
) -> None:
    run = play([*two_downloads(), *more])
    assert run.request.state is state
    assert run.request.episodes == {Episode(1, n): s for n, s in episodes.items()}


@pytest.mark.parametrize(
    "event",
    [
        ev.Grabbed(source="sonarr", download_id="d9", episodes=eps(1, 1)),
        ev.Imported(source="sonarr", episodes=eps(1, 1), upgrade=True),
    ],
)
def test_an_episode_never_moves_back(event: ev.Event) -> None:
    request = make(S.AVAILABLE, TV, episodes={Episode(1, 1): S.AVAILABLE})
    applied = apply(request, event, at(1))
    assert applied.request.episodes == {Episode(1, 1): S.AVAILABLE}
    assert applied.request.state is S.AVAILABLE
    assert [e.state for e in applied.entries] == [event.STEP]


@pytest.mark.parametrize(
    ("expected", "state"),
    [(24, S.SEARCHING), (12, S.INDEXED), (None, S.INDEXED), (6, S.INDEXED)],
)
def test_more_episodes_expected_than_tracked_keeps_searching(
    expected: int | None, state: RequestState
) -> None:
    events: list[ev.Event] = [ev.Approved(source="jellyseerr", media=SHOW)]
    if expected is not None:
        events.append(ev.EpisodesExpected(source="sonarr", count=expected))
    events.append(ev.Grabbed(source="sonarr", download_id="pack", episodes=SEASON_1))
    run = play(events)
    assert run.request.state is state
    assert run.timeline[-1].state is S.INDEXED


def test_a_refined_episode_count_lets_the_state_advance_without_a_line() -> None:
    run = play(
        [
            ev.Approved(source="jellyseerr", media=SHOW),
            ev.EpisodesExpected(source="sonarr", count=24),
            ev.Grabbed(source="sonarr", download_id="pack", episodes=SEASON_1),
        ]
    )
    applied = apply(run.request, ev.EpisodesExpected(source="sonarr", count=12), at(30))
    assert applied.request.state is S.INDEXED
    assert applied.moved is True
    assert applied.entries == ()


@pytest.mark.parametrize(
    ("event", "state"),
    [
        (ev.Failed(source="sonarr", reason="Import failed"), S.FAILED),
        (ev.Declined(source="jellyseerr"), S.DECLINED),
        (ev.Watched(source="jellyfin"), S.COMPLETED),
        (ev.MadeAvailable(source="jellyseerr"), S.AVAILABLE),
        (ev.NeedsAttention(source="sonarr", message="Blocked"), S.APPROVED),
        (ev.Noted(source="sonarr", message="Renamed"), S.APPROVED),
    ],
)
def test_whole_request_events_bypass_the_episode_rule(event: ev.Event, state: RequestState) -> None:
    request = make(S.APPROVED, TV, episodes={Episode(1, 1): S.INDEXED})
    assert apply(request, event, at(1)).request.state is state


@pytest.mark.parametrize("current", [S.FAILED, S.DOWNLOADING, S.INDEXED])
def test_retry_of_a_series_forgets_the_episodes_not_yet_available(current: RequestState) -> None:
    request = make(
        current,
        TV,
        error="Stalled",
        episodes={
            Episode(1, 1): S.AVAILABLE,
            Episode(1, 2): S.COMPLETED,
            Episode(1, 3): S.DOWNLOADING,
            Episode(1, 4): S.INDEXED,
            Episode(1, 5): S.DOWNLOAD_DONE,
        },
    )
    applied = apply(request, ev.RetryRequested(source="tracker"), at(1))
    assert applied.request.state is S.SEARCHING
    assert applied.request.error is None
    assert applied.request.episodes == {Episode(1, 1): S.AVAILABLE, Episode(1, 2): S.COMPLETED}


def test_after_a_retry_new_grabs_drive_the_series_again() -> None:
    request = make(
        S.FAILED,
        TV,
        error="Stalled",
        episodes={Episode(1, 1): S.AVAILABLE, Episode(1, 2): S.DOWNLOADING},
    )
    run = play(
        [
            ev.RetryRequested(source="tracker"),
            ev.Grabbed(source="sonarr", download_id="d2", episodes=eps(1, 2)),
            ev.Progressed(source="qbittorrent", download_id="d2", progress=0.1),
        ],
        request=request,
    )
    assert run.states == [S.SEARCHING, S.INDEXED, S.DOWNLOADING]
    assert run.request.episodes == {Episode(1, 1): S.AVAILABLE, Episode(1, 2): S.DOWNLOADING}


@pytest.mark.parametrize("terminal", [S.FAILED, S.DECLINED])
def test_a_new_grab_leaves_a_terminal_state_for_a_series(terminal: RequestState) -> None:
    request = make(terminal, TV, episodes={Episode(1, 1): S.INDEXED}, error="No release")
    event = ev.Grabbed(source="sonarr", download_id="d2", episodes=eps(1, 1, 2))
    applied = apply(request, event, at(1))
    assert applied.request.state is S.INDEXED
    assert applied.request.error is None
    assert applied.moved is True


@pytest.mark.parametrize("terminal", [S.FAILED, S.DECLINED])
def test_a_new_grab_after_a_failure_starts_its_episodes_again(terminal: RequestState) -> None:
    request = make(
        terminal,
        TV,
        error="Import failed",
        episodes={
            Episode(1, 1): S.DOWNLOAD_DONE,
            Episode(1, 2): S.IMPORTING,
            Episode(1, 3): S.AVAILABLE,
        },
    )
    event = ev.Grabbed(source="sonarr", download_id="d2", episodes=eps(1, 1, 2))
    applied = apply(request, event, at(1))
    assert applied.request.episodes == {
        Episode(1, 1): S.INDEXED,
        Episode(1, 2): S.INDEXED,
        Episode(1, 3): S.AVAILABLE,
    }
    assert applied.request.state is S.INDEXED
    assert applied.request.error is None


@pytest.mark.parametrize(
    ("current", "state"),
    [
        (S.IMPORTING, S.ANIME_INDEXING),
        (S.DOWNLOAD_DONE, S.ANIME_INDEXING),
        (S.AVAILABLE, S.AVAILABLE),
    ],
)
def test_matched_moves_a_series_as_a_whole(current: RequestState, state: RequestState) -> None:
    request = make(
        current, TV, episodes={Episode(1, 1): current, Episode(1, 2): current}, expected_episodes=2
    )
    applied = apply(request, ev.Matched(source="shoko", file_id="77"), at(1))
    assert applied.request.state is state
    assert applied.request.is_anime is True
    assert applied.request.episodes == request.episodes


def test_tv_before_any_episode_follows_the_event() -> None:
    run = play(
        [
            ev.Approved(source="jellyseerr", media=SHOW, seasons=(2, 1)),
            ev.Progressed(source="qbittorrent", download_id="d1", progress=0.2),
        ]
    )
    assert run.request.state is S.DOWNLOADING
    assert run.request.seasons == (1, 2)
    assert run.request.media_type is TV


def test_progress_and_finish_follow_the_download_episode_mapping() -> None:
    request = make(
        S.INDEXED,
        TV,
        downloads={"d1": dl("d1", episodes=eps(1, 1)), "d2": dl("d2", episodes=eps(1, 2))},
        episodes={Episode(1, 1): S.INDEXED, Episode(1, 2): S.INDEXED},
    )
    run = play(
        [
            ev.Progressed(source="qbittorrent", download_id="d2", progress=0.5),
            ev.DownloadFinished(source="qbittorrent", download_id="d2"),
        ],
        request=request,
    )
    assert run.request.episodes == {Episode(1, 1): S.INDEXED, Episode(1, 2): S.DOWNLOAD_DONE}
    assert run.states == [S.INDEXED, S.INDEXED]
    assert run.messages == ["Downloading", "Download finished"]
