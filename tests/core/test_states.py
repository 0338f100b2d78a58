"""The transition table: forward-only moves, the terminal exits, labels and the generated doc."""

from __future__ import annotations

import subprocess
import sys
from itertools import product
from pathlib import Path

import pytest

from status_tracker.core.states import (
    HISTORY,
    LABELS,
    PIPELINE,
    RANK,
    REASONS,
    RETRY_FROM,
    TERMINAL,
    TRANSITIONS,
    RequestState,
    can_move,
    can_retry,
    render_markdown,
)

S = RequestState
REPO_ROOT = Path(__file__).resolve().parents[2]
STATES_DOC = REPO_ROOT / "docs" / "states.md"

PIPELINE_PAIRS = [(a, b) for (i, a), (j, b) in product(enumerate(PIPELINE), repeat=2) if i != j]


def test_pipeline_is_the_contract_order() -> None:
    assert [str(state) for state in PIPELINE] == [
        "requested",
        "approved",
        "searching",
        "indexed",
        "downloading",
        "download_done",
        "importing",
        "anime_indexing",
        "available",
        "completed",
    ]
    assert set(RequestState) == {*PIPELINE, S.FAILED, S.DECLINED}
    assert [RANK[state] for state in PIPELINE] == list(range(len(PIPELINE)))


@pytest.mark.parametrize(("current", "target"), PIPELINE_PAIRS)
def test_pipeline_moves_forward_only(current: RequestState, target: RequestState) -> None:
    assert can_move(current, target) is (RANK[target] > RANK[current])


@pytest.mark.parametrize("state", list(RequestState))
def test_no_state_moves_to_itself(state: RequestState) -> None:
    assert not can_move(state, state)


@pytest.mark.parametrize(
    ("current", "may_fail"),
    [
        (S.REQUESTED, True),
        (S.APPROVED, True),
        (S.SEARCHING, True),
        (S.INDEXED, True),
        (S.DOWNLOADING, True),
        (S.DOWNLOAD_DONE, True),
        (S.IMPORTING, True),
        (S.ANIME_INDEXING, True),
        (S.AVAILABLE, False),
        (S.COMPLETED, False),
        (S.DECLINED, False),
    ],
)
def test_failed_is_reachable_only_before_available(current: RequestState, may_fail: bool) -> None:
    assert can_move(current, S.FAILED) is may_fail


@pytest.mark.parametrize("current", [s for s in RequestState if s is not S.DECLINED])
def test_declined_is_reachable_only_before_searching(current: RequestState) -> None:
    assert can_move(current, S.DECLINED) is (current in {S.REQUESTED, S.APPROVED})


TERMINAL_EXITS = {
    S.FAILED: {S.INDEXED, S.DOWNLOADING, S.AVAILABLE, S.COMPLETED},
    S.DECLINED: {S.INDEXED},
}
"""Exits by events other than a retry (a retry is ``RETRY_FROM``)."""


@pytest.mark.parametrize(
    ("current", "target"), [(t, s) for t in TERMINAL_EXITS for s in RequestState]
)
def test_terminal_states_leave_only_by_their_listed_exits(
    current: RequestState, target: RequestState
) -> None:
    assert can_move(current, target) is (target in TERMINAL_EXITS[current])


@pytest.mark.parametrize("state", list(RequestState))
def test_only_a_retry_goes_back_to_searching(state: RequestState) -> None:
    assert can_move(state, S.SEARCHING) is (state in {S.REQUESTED, S.APPROVED})


@pytest.mark.parametrize(
    ("state", "retryable"),
    [
        (S.REQUESTED, False),
        (S.APPROVED, True),
        (S.SEARCHING, True),
        (S.INDEXED, True),
        (S.DOWNLOADING, True),
        (S.DOWNLOAD_DONE, False),
        (S.IMPORTING, False),
        (S.ANIME_INDEXING, False),
        (S.AVAILABLE, False),
        (S.COMPLETED, False),
        (S.FAILED, True),
        (S.DECLINED, True),
    ],
)
def test_retry_from_failed_and_from_stalled_before_downloaded(
    state: RequestState, retryable: bool
) -> None:
    assert can_retry(state) is retryable
    assert (state in RETRY_FROM) is retryable


def test_every_terminal_state_is_retryable() -> None:
    assert TERMINAL <= RETRY_FROM


def test_terminal_and_history_sets() -> None:
    assert {S.FAILED, S.DECLINED} == TERMINAL
    assert {S.COMPLETED, S.DECLINED} == HISTORY
    assert set(REASONS) == TERMINAL
    assert set(TRANSITIONS) == set(RequestState)


def test_completed_is_the_end_of_the_pipeline() -> None:
    assert TRANSITIONS[S.COMPLETED] == frozenset()


@pytest.mark.parametrize("state", list(RequestState))
def test_every_state_has_a_label(state: RequestState) -> None:
    assert LABELS[state].strip()


def test_labels_are_distinct() -> None:
    assert len(set(LABELS.values())) == len(RequestState)


@pytest.mark.parametrize(
    ("state", "label"),
    [
        (S.INDEXED, "Found"),
        (S.DOWNLOADING, "Downloading"),
        (S.DOWNLOAD_DONE, "Downloaded"),
        (S.AVAILABLE, "Ready to watch"),
        (S.COMPLETED, "Watched"),
    ],
)
def test_labels_use_everyday_words(state: RequestState, label: str) -> None:
    assert LABELS[state] == label


def _rows(markdown: str) -> dict[str, tuple[str, set[str]]]:
    rows: dict[str, tuple[str, set[str]]] = {}
    for line in markdown.splitlines():
        if line.startswith("| `"):
            state, label, targets = (cell.strip() for cell in line.strip("|").split("|"))
            moves = {t.strip("` ") for t in targets.split(",")} - {"—"}
            rows[state.strip("`")] = (label, moves)
    return rows


def test_render_markdown_is_deterministic() -> None:
    first = render_markdown()
    assert first == render_markdown()
    assert first.endswith("\n")
    assert not first.endswith("\n\n")


def test_render_markdown_has_one_row_per_state_matching_the_table() -> None:
    rows = _rows(render_markdown())
    assert list(rows) == [str(s) for s in (*PIPELINE, S.FAILED, S.DECLINED)]
    for state in RequestState:
        label, moves = rows[str(state)]
        assert label == LABELS[state]
        assert moves == {str(t) for t in TRANSITIONS[state]}


@pytest.mark.parametrize(("state", "why"), list(REASONS.items()))
def test_render_markdown_explains_each_terminal_exit(state: RequestState, why: str) -> None:
    assert f"- `{state}`: only by {why}." in render_markdown().splitlines()


def test_render_markdown_lists_the_retry_states_in_order() -> None:
    lines = render_markdown().splitlines()
    assert lines[-1] == (
        "A retry (a new search) takes a request back to `searching` from: "
        "`approved`, `searching`, `indexed`, `downloading`, `failed`, `declined`."
    )


def test_module_prints_the_markdown() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "status_tracker.core.states"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == render_markdown()


def test_docs_states_md_is_up_to_date() -> None:
    assert STATES_DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/states.md is stale: run "
        "`.venv/bin/python -m status_tracker.core.states > docs/states.md`"
    )
