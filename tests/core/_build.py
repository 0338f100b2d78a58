"""Builders for core tests: a fixed clock, sample titles, requests in any state, event replay."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from status_tracker.core import events as ev
from status_tracker.core.machine import apply
from status_tracker.core.model import (
    Download,
    Episode,
    MediaInfo,
    MediaType,
    Request,
    TimelineEntry,
)
from status_tracker.core.states import RequestState

S = RequestState
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

MOVIE = MediaInfo(media_type=MediaType.MOVIE, title="Arrival", year=2016, tmdb_id=329865)
SHOW = MediaInfo(media_type=MediaType.TV, title="Severance", year=2022, tvdb_id=371980)


def at(minutes: int) -> datetime:
    """A moment ``minutes`` after the fixed start of every test."""
    return T0 + timedelta(minutes=minutes)


def eps(season: int, *numbers: int) -> tuple[Episode, ...]:
    """Episodes of one season, e.g. ``eps(1, 1, 2)``."""
    return tuple(Episode(season, number) for number in numbers)


def make(
    state: RequestState = S.REQUESTED, media_type: MediaType = MediaType.MOVIE, **fields: Any
) -> Request:
    """A stored request (id 1) in ``state``, created at ``at(0)``."""
    base = Request(
        id=1,
        media_type=media_type,
        state=state,
        created_at=at(0),
        updated_at=at(0),
        state_changed_at=at(0),
    )
    return replace(base, **fields)


def dl(download_id: str = "d1", **fields: Any) -> Download:
    """A download with the given fields."""
    return replace(Download(download_id), **fields)


@dataclass
class Run:
    """A request after a sequence of events, with everything the events added."""

    request: Request
    timeline: list[TimelineEntry]
    states: list[RequestState]

    @property
    def messages(self) -> list[str]:
        """The timeline's words, oldest first."""
        return [entry.message for entry in self.timeline]


def play(events: Iterable[ev.Event], request: Request | None = None, start: int = 1) -> Run:
    """Apply ``events`` in order, the n-th at ``now = at(start + n)``."""
    timeline: list[TimelineEntry] = []
    states: list[RequestState] = []
    current = request
    for offset, event in enumerate(events):
        applied = apply(current, event, at(start + offset))
        current = applied.request
        timeline.extend(applied.entries)
        states.append(current.state)
    assert current is not None, "play() needs at least one event"
    return Run(current, timeline, states)
