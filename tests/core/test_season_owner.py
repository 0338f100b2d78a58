"""correlate.season_owner: which request of a series asked for the seasons an event is about."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from status_tracker.core.correlate import season_owner
from status_tracker.core.model import MediaType, Request
from status_tracker.core.states import RequestState

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def series(request_id: int | None, *seasons: int) -> Request:
    return Request(request_id, MediaType.TV, RequestState.SEARCHING, NOW, NOW, NOW, seasons=seasons)


@pytest.mark.parametrize(
    ("candidates", "seasons", "owner"),
    [
        ([series(1, 1), series(2, 2)], {1}, 1),
        ([series(2, 2), series(1, 1)], {2}, 2),
        ([series(3, 1, 2), series(2, 1)], {1}, 2),
        ([series(1, 1), series(2, 2)], {1, 2}, None),
        ([series(1, 1)], {3}, None),
        ([series(1, 1)], set(), None),
        ([series(None, 1), series(5, 1)], {1}, 5),
    ],
)
def test_season_owner(candidates: list[Request], seasons: set[int], owner: int | None) -> None:
    assert season_owner(candidates, seasons) == owner
