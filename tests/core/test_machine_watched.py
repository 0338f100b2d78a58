"""Watched: only the requester starting playback finishes a request."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from status_tracker.core import events as ev
from status_tracker.core.machine import apply
from status_tracker.core.model import MediaInfo, MediaType, Request
from status_tracker.core.states import RequestState

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
MOVIE = MediaInfo(media_type=MediaType.MOVIE, title="Heat", year=1995)


def available(requested_by: str | None) -> Request:
    request = apply(
        None, ev.Requested(source="jellyseerr", media=MOVIE, requested_by=requested_by), NOW
    ).request
    return apply(request, ev.MadeAvailable(source="jellyfin"), NOW).request


@pytest.mark.parametrize(
    ("requested_by", "user", "state"),
    [
        ("alice", "alice", RequestState.COMPLETED),
        ("alice", "ALICE", RequestState.COMPLETED),
        ("alice", None, RequestState.COMPLETED),
        (None, "bob", RequestState.COMPLETED),
        ("alice", "bob", RequestState.AVAILABLE),
    ],
)
def test_only_the_requester_completes(
    requested_by: str | None, user: str | None, state: RequestState
) -> None:
    result = apply(available(requested_by), ev.Watched(source="jellyfin", user=user), NOW)
    assert result.request.state is state
    assert [e.message for e in result.entries] == [f"Watched by {user}" if user else "Watched"]
    assert [e.state for e in result.entries] == [RequestState.COMPLETED]
