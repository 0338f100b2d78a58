"""Derived figures shown to users: overall progress, download totals, episode counts.

Pure functions of a ``Request``; nothing here is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from status_tracker.core.model import Download, MediaType, Request
from status_tracker.core.states import RANK, RequestState


@dataclass(frozen=True, slots=True)
class DownloadSummary:
    """Totals over a request's active downloads."""

    speed_bps: int | None
    eta_seconds: int | None
    size_bytes: int | None
    downloaded_bytes: int | None


@dataclass(frozen=True, slots=True)
class EpisodeCounts:
    """TV episode counts: wanted, and how many reached each step."""

    total: int
    downloaded: int
    imported: int
    available: int


def _reached(state: RequestState, step: RequestState) -> bool:
    return state in RANK and RANK[state] >= RANK[step]


def _done_bytes(download: Download) -> int | None:
    if download.done and download.size_bytes is not None:
        return download.size_bytes
    return download.downloaded_bytes


def progress(request: Request) -> float | None:
    """Overall progress 0.0–1.0, bytes-weighted across downloads; None before downloading."""
    if (
        _reached(request.state, RequestState.DOWNLOAD_DONE)
        and request.media_type is MediaType.MOVIE
    ):
        return 1.0
    sized = [d for d in request.downloads.values() if d.size_bytes]
    if sized:
        total = sum(d.size_bytes or 0 for d in sized)
        done = sum(min(_done_bytes(d) or 0, d.size_bytes or 0) for d in sized)
        return round(done / total, 4)
    fractions = [1.0 if d.done else d.progress for d in request.downloads.values()]
    known = [f for f in fractions if f is not None]
    if known:
        return round(sum(known) / len(known), 4)
    return 1.0 if _reached(request.state, RequestState.DOWNLOAD_DONE) else None


def download_summary(request: Request) -> DownloadSummary | None:
    """Speed, ETA and bytes over downloads still running; None when nothing downloads."""
    active = [d for d in request.downloads.values() if not d.done and d.progress is not None]
    if not active:
        return None
    sizes = [d.size_bytes for d in active if d.size_bytes is not None]
    done = [d.downloaded_bytes for d in active if d.downloaded_bytes is not None]
    etas = [d.eta_seconds for d in active if d.eta_seconds is not None]
    speeds = [d.speed_bps for d in active if d.speed_bps is not None]
    return DownloadSummary(
        speed_bps=sum(speeds) if speeds else None,
        eta_seconds=max(etas) if etas else None,
        size_bytes=sum(sizes) if sizes else None,
        downloaded_bytes=sum(done) if done else None,
    )


def episode_counts(request: Request) -> EpisodeCounts | None:
    """Counts for TV requests; ``total`` is the wanted count, else the number seen so far."""
    if request.media_type is not MediaType.TV:
        return None
    stages = list(request.episodes.values())
    total = max(request.expected_episodes or 0, len(stages))
    if _reached(request.state, RequestState.AVAILABLE):
        return EpisodeCounts(total, total, total, total)
    return EpisodeCounts(
        total=total,
        downloaded=sum(_reached(s, RequestState.DOWNLOAD_DONE) for s in stages),
        imported=sum(_reached(s, RequestState.IMPORTING) for s in stages),
        available=sum(_reached(s, RequestState.AVAILABLE) for s in stages),
    )
