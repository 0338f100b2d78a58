"""``machine.merge``: two requests an event proved to be one."""

from __future__ import annotations

from typing import Any

import pytest

from status_tracker.core.machine import merge
from status_tracker.core.model import Episode, MediaType
from status_tracker.core.states import RequestState

from ._build import at, dl, make

S = RequestState

FILLABLE = [
    ("title", "Arrival"),
    ("year", 2016),
    ("requested_by", "alice"),
    ("poster_url", "https://img/p.jpg"),
    ("tmdb_id", 329865),
    ("tvdb_id", 371980),
    ("imdb_id", "tt2543164"),
    ("jellyseerr_request_id", 42),
    ("quality", "Bluray-1080p"),
    ("error", "Stalled"),
    ("watch_url", "http://jf/x"),
    ("completed_at", at(9)),
    ("expected_episodes", 10),
]


@pytest.mark.parametrize(("name", "value"), FILLABLE)
def test_a_missing_field_is_filled_from_the_other(name: str, value: Any) -> None:
    merged = merge(make(), make(**{name: value}), at(10))
    assert getattr(merged, name) == value


@pytest.mark.parametrize(("name", "value"), FILLABLE)
def test_a_known_field_of_keep_wins(name: str, value: Any) -> None:
    other = {
        "title": "X",
        "year": 1,
        "requested_by": "bob",
        "poster_url": "p",
        "tmdb_id": 1,
        "tvdb_id": 1,
        "imdb_id": "tt1",
        "jellyseerr_request_id": 1,
        "quality": "SDTV",
        "error": "other",
        "watch_url": "u",
        "completed_at": at(1),
        "expected_episodes": 1,
    }[name]
    merged = merge(make(**{name: value}), make(**{name: other}), at(10))
    assert getattr(merged, name) == value


@pytest.mark.parametrize(
    ("keep", "other", "state", "changed"),
    [
        (S.REQUESTED, S.INDEXED, S.INDEXED, True),
        (S.INDEXED, S.REQUESTED, S.INDEXED, False),
        (S.INDEXED, S.INDEXED, S.INDEXED, False),
        (S.FAILED, S.DOWNLOADING, S.DOWNLOADING, True),
        (S.DOWNLOADING, S.FAILED, S.DOWNLOADING, False),
        (S.DECLINED, S.FAILED, S.DECLINED, False),
        (S.AVAILABLE, S.COMPLETED, S.COMPLETED, True),
    ],
)
def test_the_more_advanced_state_wins(
    keep: RequestState, other: RequestState, state: RequestState, changed: bool
) -> None:
    merged = merge(make(keep), make(other), at(10))
    assert merged.state is state
    assert merged.state_changed_at == (at(10) if changed else at(0))
    assert merged.updated_at == at(10)


def test_collections_are_unioned_and_created_at_is_the_earliest() -> None:
    keep = make(
        S.INDEXED,
        MediaType.TV,
        id=1,
        created_at=at(5),
        seasons=(2,),
        episodes={Episode(1, 1): S.INDEXED, Episode(1, 2): S.IMPORTING},
        downloads={"d1": dl("d1", progress=0.5)},
        facts=frozenset({"a"}),
    )
    other = make(
        S.REQUESTED,
        MediaType.TV,
        id=2,
        created_at=at(-5),
        seasons=(1, 2),
        is_anime=True,
        episodes={Episode(1, 1): S.DOWNLOADING, Episode(1, 2): S.INDEXED, Episode(1, 3): S.INDEXED},
        downloads={"d1": dl("d1", progress=0.1), "d2": dl("d2")},
        facts=frozenset({"b"}),
    )
    merged = merge(keep, other, at(10))
    assert merged.id == 1
    assert merged.created_at == at(-5)
    assert merged.seasons == (1, 2)
    assert merged.is_anime is True
    assert merged.episodes == {
        Episode(1, 1): S.DOWNLOADING,
        Episode(1, 2): S.IMPORTING,
        Episode(1, 3): S.INDEXED,
    }
    assert merged.downloads == {"d1": dl("d1", progress=0.5), "d2": dl("d2")}
    assert merged.facts == {"a", "b"}
