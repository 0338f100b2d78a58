"""Request states and the transition table: every legal move lives in this file.

A request moves forward through ``PIPELINE`` only. ``failed`` and ``declined``
are terminal; ``failed`` can be left by a retry (back to ``searching``), by a new
grab, or by proof that the media is in the library. Events that would move a
request backwards are still recorded on its timeline, but the state stays.
``docs/states.md`` is rendered from this table by ``render_markdown``.
"""

from __future__ import annotations

from enum import StrEnum


class RequestState(StrEnum):
    """Where a request is, in the order users see it happen."""

    REQUESTED = "requested"
    APPROVED = "approved"
    SEARCHING = "searching"
    INDEXED = "indexed"
    DOWNLOADING = "downloading"
    DOWNLOAD_DONE = "download_done"
    IMPORTING = "importing"
    ANIME_INDEXING = "anime_indexing"
    AVAILABLE = "available"
    COMPLETED = "completed"
    FAILED = "failed"
    DECLINED = "declined"


S = RequestState

PIPELINE: tuple[RequestState, ...] = (
    S.REQUESTED,
    S.APPROVED,
    S.SEARCHING,
    S.INDEXED,
    S.DOWNLOADING,
    S.DOWNLOAD_DONE,
    S.IMPORTING,
    S.ANIME_INDEXING,
    S.AVAILABLE,
    S.COMPLETED,
)
"""The forward order. A request may skip steps (webhooks get lost) but never go back."""

RANK: dict[RequestState, int] = {state: index for index, state in enumerate(PIPELINE)}

LABELS: dict[RequestState, str] = {
    S.REQUESTED: "Requested",
    S.APPROVED: "Approved",
    S.SEARCHING: "Searching",
    S.INDEXED: "Found",
    S.DOWNLOADING: "Downloading",
    S.DOWNLOAD_DONE: "Downloaded",
    S.IMPORTING: "Adding to library",
    S.ANIME_INDEXING: "Matching",
    S.AVAILABLE: "Ready to watch",
    S.COMPLETED: "Watched",
    S.FAILED: "Failed",
    S.DECLINED: "Declined",
}
"""The words a non-technical person reads for each state."""

TERMINAL: frozenset[RequestState] = frozenset({S.FAILED, S.DECLINED})

HISTORY: frozenset[RequestState] = frozenset({S.COMPLETED, S.DECLINED})
"""States that put a request in history (``failed`` joins them after the retention delay)."""

_BEFORE_AVAILABLE = PIPELINE[: RANK[S.AVAILABLE]]


def _forward(state: RequestState) -> frozenset[RequestState]:
    return frozenset(PIPELINE[RANK[state] + 1 :])


TRANSITIONS: dict[RequestState, frozenset[RequestState]] = {
    **{
        state: _forward(state) | ({S.FAILED} if state in _BEFORE_AVAILABLE else frozenset())
        for state in PIPELINE
    },
    S.REQUESTED: _forward(S.REQUESTED) | {S.FAILED, S.DECLINED},
    S.APPROVED: _forward(S.APPROVED) | {S.FAILED, S.DECLINED},
    S.FAILED: frozenset({S.INDEXED, S.DOWNLOADING, S.AVAILABLE, S.COMPLETED}),
    S.DECLINED: frozenset({S.INDEXED}),
}
"""state → the states it may move to. Anything else is recorded but not applied."""

RETRY_FROM: frozenset[RequestState] = frozenset(
    {S.APPROVED, S.SEARCHING, S.INDEXED, S.DOWNLOADING, S.FAILED, S.DECLINED}
)
"""States a retry (a new search sent upstream) may take back to ``searching``: failed
requests and stalled ones not yet downloaded."""

REASONS: dict[RequestState, str] = {
    S.FAILED: "a retry, a new grab, or the media turning up in the library",
    S.DECLINED: "a retry or a new grab",
}


def can_move(current: RequestState, target: RequestState) -> bool:
    """True when ``current`` may move to ``target``."""
    return target in TRANSITIONS[current]


def can_retry(current: RequestState) -> bool:
    """True when a retry may take a request in ``current`` back to ``searching``."""
    return current in RETRY_FROM


def render_markdown() -> str:
    """The transition table as Markdown, for ``docs/states.md``."""
    lines = [
        "# Request states",
        "",
        "Generated from `src/status_tracker/core/states.py` by",
        "`python -m status_tracker.core.states > docs/states.md`; a test fails when it is stale.",
        "",
        "A request moves forward only. Events that arrive late add their timeline entry",
        "with their own time but never move the state back.",
        "",
        "| state | shown as | may move to |",
        "|---|---|---|",
    ]
    order = [*PIPELINE, S.FAILED, S.DECLINED]
    for state in order:
        targets = ", ".join(f"`{t}`" for t in order if t in TRANSITIONS[state]) or "—"
        lines.append(f"| `{state}` | {LABELS[state]} | {targets} |")
    lines += ["", "Leaving a terminal state:", ""]
    lines += [f"- `{state}`: only by {why}." for state, why in REASONS.items()]
    retry = ", ".join(f"`{s}`" for s in order if s in RETRY_FROM)
    lines += ["", f"A retry (a new search) takes a request back to `searching` from: {retry}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - documentation helper
    import sys

    sys.stdout.write(render_markdown())
