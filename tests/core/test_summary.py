"""Derived figures: overall progress, download totals, episode counts."""

from __future__ import annotations

import pytest

from status_tracker.core.model import Download, Episode, MediaType
from status_tracker.core.states import RequestState
from status_tracker.core.summary import (
    DownloadSummary,
    EpisodeCounts,
    download_summary,
    episode_counts,
    progress,
)

from ._build import dl, make

S = RequestState
MOVIE = MediaType.MOVIE
TV = MediaType.TV


def downloads(*items: Download) -> dict[str, Download]:
    return {item.download_id: item for item in items}


@pytest.mark.parametrize(
    ("state", "media_type", "items", "expected"),
    [
        (S.SEARCHING, MOVIE, (), None),
        (S.INDEXED, MOVIE, (dl("a"),), None),
        (S.DOWNLOADING, MOVIE, (dl("a", size_bytes=1000, downloaded_bytes=250),), 0.25),
        (S.DOWNLOADING, MOVIE, (dl("a", size_bytes=1000),), 0.0),
        (S.DOWNLOADING, MOVIE, (dl("a", size_bytes=1000, downloaded_bytes=1500),), 1.0),
        (
            S.DOWNLOADING,
            TV,
            (
                dl("a", size_bytes=3000, downloaded_bytes=0),
                dl("b", size_bytes=1000, downloaded_bytes=1000),
            ),
            0.25,
        ),
        (
            S.DOWNLOADING,
            TV,
            (
                dl("a", size_bytes=3000, downloaded_bytes=300, done=True),
                dl("b", size_bytes=1000, downloaded_bytes=0),
            ),
            0.75,
        ),
        (
            S.DOWNLOADING,
            TV,
            (dl("a", size_bytes=1000, downloaded_bytes=500), dl("b", progress=0.9)),
            0.5,
        ),
        (S.DOWNLOADING, TV, (dl("a", size_bytes=0, progress=0.4),), 0.4),
        (S.DOWNLOADING, TV, (dl("a", progress=0.2), dl("b", progress=0.6)), 0.4),
        (S.DOWNLOADING, TV, (dl("a", progress=0.2), dl("b", done=True)), 0.6),
        (S.DOWNLOADING, TV, (dl("a", progress=1 / 3),), 0.3333),
        (S.DOWNLOADING, TV, (dl("a", progress=0.5), dl("b")), 0.5),
        (S.DOWNLOAD_DONE, MOVIE, (dl("a", size_bytes=1000, downloaded_bytes=10),), 1.0),
        (S.AVAILABLE, MOVIE, (), 1.0),
        (S.COMPLETED, MOVIE, (), 1.0),
        (S.AVAILABLE, TV, (), 1.0),
        (S.AVAILABLE, TV, (dl("a", size_bytes=100, downloaded_bytes=50),), 0.5),
        (S.FAILED, MOVIE, (dl("a", size_bytes=100, downloaded_bytes=30),), 0.3),
        (S.FAILED, MOVIE, (), None),
        (S.DECLINED, TV, (), None),
    ],
)
def test_progress(
    state: RequestState,
    media_type: MediaType,
    items: tuple[Download, ...],
    expected: float | None,
) -> None:
    assert progress(make(state, media_type, downloads=downloads(*items))) == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ((), None),
        ((dl("a"),), None),
        ((dl("a", progress=1.0, done=True, speed_bps=5),), None),
        (
            (dl("a", progress=0.5),),
            DownloadSummary(
                speed_bps=None, eta_seconds=None, size_bytes=None, downloaded_bytes=None
            ),
        ),
        (
            (
                dl(
                    "a",
                    progress=0.5,
                    speed_bps=100,
                    eta_seconds=60,
                    size_bytes=1000,
                    downloaded_bytes=500,
                ),
                dl(
                    "b",
                    progress=0.1,
                    speed_bps=50,
                    eta_seconds=600,
                    size_bytes=2000,
                    downloaded_bytes=200,
                ),
                dl(
                    "c",
                    progress=1.0,
                    done=True,
                    speed_bps=999,
                    eta_seconds=9999,
                    size_bytes=9999,
                    downloaded_bytes=9999,
                ),
                dl("d", speed_bps=7),
            ),
            DownloadSummary(speed_bps=150, eta_seconds=600, size_bytes=3000, downloaded_bytes=700),
        ),
        (
            (dl("a", progress=0.5, speed_bps=100), dl("b", progress=0.2, eta_seconds=30)),
            DownloadSummary(speed_bps=100, eta_seconds=30, size_bytes=None, downloaded_bytes=None),
        ),
    ],
)
def test_download_summary(items: tuple[Download, ...], expected: DownloadSummary | None) -> None:
    assert download_summary(make(S.DOWNLOADING, downloads=downloads(*items))) == expected


def episodes(*stages: RequestState) -> dict[Episode, RequestState]:
    return {Episode(1, n): stage for n, stage in enumerate(stages, start=1)}


@pytest.mark.parametrize(
    ("state", "expected_episodes", "stages", "counts"),
    [
        (S.SEARCHING, None, (), EpisodeCounts(0, 0, 0, 0)),
        (S.SEARCHING, 10, (), EpisodeCounts(10, 0, 0, 0)),
        (
            S.INDEXED,
            10,
            (S.INDEXED, S.DOWNLOADING, S.DOWNLOAD_DONE, S.IMPORTING, S.ANIME_INDEXING, S.AVAILABLE),
            EpisodeCounts(10, 4, 3, 1),
        ),
        (S.INDEXED, None, (S.INDEXED, S.DOWNLOAD_DONE), EpisodeCounts(2, 1, 0, 0)),
        (S.INDEXED, 2, (S.INDEXED, S.INDEXED, S.INDEXED), EpisodeCounts(3, 0, 0, 0)),
        (S.AVAILABLE, 8, (S.AVAILABLE, S.IMPORTING), EpisodeCounts(8, 8, 8, 8)),
        (S.COMPLETED, 3, (), EpisodeCounts(3, 3, 3, 3)),
        (S.AVAILABLE, None, (S.AVAILABLE, S.IMPORTING), EpisodeCounts(2, 2, 2, 2)),
        (S.FAILED, 4, (S.DOWNLOADING, S.AVAILABLE), EpisodeCounts(4, 1, 1, 1)),
    ],
)
def test_episode_counts(
    state: RequestState,
    expected_episodes: int | None,
    stages: tuple[RequestState, ...],
    counts: EpisodeCounts,
) -> None:
    request = make(state, TV, expected_episodes=expected_episodes, episodes=episodes(*stages))
    assert episode_counts(request) == counts


def test_episode_counts_are_none_for_movies() -> None:
    assert episode_counts(make(S.AVAILABLE, MOVIE, expected_episodes=3)) is None
