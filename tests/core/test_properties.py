"""Properties of ``machine.apply`` over arbitrary event sequences (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from status_tracker.core import events as ev
from status_tracker.core.machine import apply
from status_tracker.core.model import Episode, MediaInfo, MediaType, Request
from status_tracker.core.states import RANK, TERMINAL, RequestState, can_move, can_retry

from ._build import at

S = RequestState

EPISODES = st.lists(
    st.builds(Episode, st.just(1), st.integers(min_value=1, max_value=4)), max_size=4
).map(tuple)
DOWNLOAD_IDS = st.sampled_from(["d1", "d2"])
WHEN = st.one_of(st.none(), st.integers(min_value=-5, max_value=5).map(at))
MEDIA = st.builds(
    MediaInfo,
    media_type=st.sampled_from([None, MediaType.MOVIE, MediaType.TV]),
    title=st.sampled_from([None, "Arrival", "Severance"]),
)


def common() -> dict[str, st.SearchStrategy[object]]:
    return {"source": st.sampled_from(["a", "b"]), "occurred_at": WHEN, "media": MEDIA}


EVENTS: st.SearchStrategy[ev.Event] = st.one_of(
    st.builds(ev.Requested, **common()),
    st.builds(ev.Approved, **common(), automatic=st.booleans()),
    st.builds(ev.Declined, **common()),
    st.builds(ev.Failed, **common(), reason=st.sampled_from(["x", "y"])),
    st.builds(ev.RetryRequested, **common()),
    st.builds(ev.Grabbed, **common(), download_id=DOWNLOAD_IDS, episodes=EPISODES),
    st.builds(
        ev.Progressed,
        **common(),
        download_id=DOWNLOAD_IDS,
        progress=st.sampled_from([None, 0.1, 0.5]),
        status=st.sampled_from([None, "downloading", "stalledDL"]),
        problem=st.sampled_from([None, "Stalled"]),
    ),
    st.builds(ev.DownloadFinished, **common(), download_id=st.one_of(st.none(), DOWNLOAD_IDS)),
    st.builds(
        ev.Imported,
        **common(),
        download_id=st.one_of(st.none(), DOWNLOAD_IDS),
        episodes=EPISODES,
        upgrade=st.booleans(),
        complete=st.booleans(),
    ),
    st.builds(ev.Matched, **common()),
    st.builds(ev.MadeAvailable, **common(), episodes=EPISODES),
    st.builds(ev.Watched, **common()),
    st.builds(ev.NeedsAttention, **common(), message=st.just("Blocked")),
    st.builds(ev.EpisodesExpected, **common(), count=st.integers(min_value=0, max_value=6)),
    st.builds(
        ev.Noted,
        **common(),
        message=st.just("Renamed"),
        step=st.one_of(st.none(), st.sampled_from(list(RequestState))),
    ),
)

SETTINGS = settings(max_examples=400, deadline=None, derandomize=True, database=None)


def _retried(event: ev.Event, before: RequestState, after: RequestState) -> bool:
    return isinstance(event, ev.RetryRequested) and can_retry(before) and after is S.SEARCHING


@SETTINGS
@given(st.lists(EVENTS, min_size=1, max_size=25))
def test_state_only_moves_forward_or_by_a_listed_exit(events: list[ev.Event]) -> None:
    request = None
    for minute, event in enumerate(events, start=10):
        now = at(minute)
        before = request.state if request is not None else S.REQUESTED
        applied = apply(request, event, now)
        after = applied.request.state
        assert applied.moved is (after != before) or request is None
        if after != before:
            assert can_move(before, after) or _retried(event, before, after), (
                f"{before} -> {after} on {type(event).__name__}"
            )
        if before in RANK and after in RANK and not _retried(event, before, after):
            assert RANK[after] >= RANK[before]
        if before not in RANK and after in RANK:
            assert before in TERMINAL
        for entry in applied.entries:
            assert entry.timestamp == (event.occurred_at or now)
            if event.STEP is not None and not isinstance(event, ev.Noted):
                assert entry.state is event.STEP
        request = applied.request


@SETTINGS
@given(st.lists(EVENTS, min_size=1, max_size=15), st.builds(ev.RetryRequested, **common()))
def test_a_retry_searches_again_exactly_from_the_retry_states(
    history: list[ev.Event], retry: ev.RetryRequested
) -> None:
    request = play_all(history)
    applied = apply(request, retry, at(100))
    if can_retry(request.state):
        assert applied.request.state is S.SEARCHING
        assert applied.request.error is None
        assert all(RANK[s] >= RANK[S.AVAILABLE] for s in applied.request.episodes.values())
    else:
        assert applied.request.state is request.state
        assert applied.moved is False


@SETTINGS
@given(st.lists(EVENTS, max_size=15), EVENTS)
def test_updated_at_moves_exactly_when_the_request_changed(
    history: list[ev.Event], event: ev.Event
) -> None:
    request = play_all(history) if history else None
    now = at(100)
    got = apply(request, event, now).request
    if request is not None and _same(got, request):
        assert got.updated_at == request.updated_at
    else:
        assert got.updated_at == now


def _same(a: Request, b: Request) -> bool:
    return replace(a, updated_at=b.updated_at) == b


def play_all(events: list[ev.Event]) -> Request:
    request = None
    for minute, event in enumerate(events, start=10):
        request = apply(request, event, at(minute)).request
    assert request is not None
    return request


@SETTINGS
@given(st.lists(EVENTS, max_size=15), EVENTS)
def test_the_same_delivery_twice_adds_nothing(history: list[ev.Event], event: ev.Event) -> None:
    request = play_all(history) if history else None
    now: datetime = at(100)
    first = apply(request, event, now)
    second = apply(first.request, event, now)
    assert second.entries == ()
    assert second.moved is False
    assert second.request.state is first.request.state
