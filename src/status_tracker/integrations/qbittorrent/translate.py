"""qBittorrent → core events: progress samples from torrent snapshots, and the finished hook.

``progress_event`` maps one torrent to ``Progressed`` with a small status vocabulary
(``STATUSES``) and, where a person would wonder why nothing moves, a ``problem`` in
plain words. 4.x and 5.x state names both map (``pausedDL``/``stoppedDL``). A torrent
is ``done`` once it seeds (any *UP state) or its progress reaches 1, whatever the
state says, unless it is in error. ETA 8640000 (qBittorrent's "infinite") is None,
and an ETA is only given while data flows (a stalled torrent's averaged ETA is stale).

Keys: every spelling of the torrent's hash, lower-case: the torrent ID (what
Sonarr/Radarr's queue and ``hash`` show; truncated v2 for hybrid torrents), the v1
info-hash and the full v2 hash, so a hybrid torrent matches whichever one another
service saw.

``translate`` reads the run-on-finish hook (CONTRACT §3.3, JSON or form fields):
only ``hash`` is required; it returns one ``DownloadFinished``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from status_tracker.core.events import DownloadFinished, Event, Progressed
from status_tracker.core.ids import info_hash
from status_tracker.core.model import Key, KeyKind
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.qbittorrent.payloads import (
    INFINITE_ETA,
    FinishedHook,
    TorrentSnapshot,
)

SOURCE = "qbittorrent"

DOWNLOADING = "downloading"
STALLED = "stalled"
QUEUED = "queued"
PAUSED = "paused"
CHECKING = "checking"
MOVING = "moving"
ERROR = "error"
DONE = "done"
STATUSES: tuple[str, ...] = (DOWNLOADING, STALLED, QUEUED, PAUSED, CHECKING, MOVING, ERROR, DONE)
"""Every ``Progressed.status`` this module emits (None for a state it does not know)."""

WAITING_FOR_PEERS = "Waiting for peers"

_STATES: dict[str, tuple[str, str | None]] = {
    "downloading": (DOWNLOADING, None),
    "forcedDL": (DOWNLOADING, None),
    "stalledDL": (STALLED, WAITING_FOR_PEERS),
    "metaDL": (STALLED, WAITING_FOR_PEERS),
    "forcedMetaDL": (STALLED, WAITING_FOR_PEERS),
    "queuedDL": (QUEUED, None),
    "pausedDL": (PAUSED, "Paused"),
    "stoppedDL": (PAUSED, "Paused"),
    "checkingDL": (CHECKING, None),
    "checkingUP": (CHECKING, None),
    "checkingResumeData": (CHECKING, None),
    "moving": (MOVING, None),
    "error": (ERROR, "The download client reported an error"),
    "missingFiles": (ERROR, "The downloaded files are missing"),
}
_SEEDING = frozenset({"uploading", "stalledUP", "forcedUP", "queuedUP", "pausedUP", "stoppedUP"})


def status_of(state: str, progress: float) -> tuple[str | None, str | None]:
    """``(status, problem)`` for a qBittorrent state name and progress (0..1)."""
    mapped = _STATES.get(state)
    if mapped is not None and mapped[0] == ERROR:
        return mapped
    if state in _SEEDING or progress >= 1.0:
        return DONE, None
    return mapped if mapped is not None else (None, None)


def download_keys(hashes: Iterable[str]) -> tuple[Key, ...]:
    """One ``download`` key per distinct hash, canonical (lower-case)."""
    seen: dict[str, None] = {}
    for value in hashes:
        if value.strip():
            seen.setdefault(info_hash(value), None)
    return tuple(Key(KeyKind.DOWNLOAD, value) for value in seen)


def eta_seconds(eta: int) -> int | None:
    """qBittorrent's ``eta`` as seconds, None for "infinite" (8640000) or nonsense."""
    return eta if 0 <= eta < INFINITE_ETA else None


def progress_event(t: TorrentSnapshot) -> Progressed:
    """A progress sample for one torrent."""
    status, problem = status_of(t.state, t.progress)
    done = status == DONE
    size = t.size if t.size > 0 else None
    if done:
        eta: int | None = 0
    elif status == DOWNLOADING:
        eta = eta_seconds(t.eta)
    else:
        eta = None
    return Progressed(
        source=SOURCE,
        keys=download_keys((t.hash, *t.info_hashes)),
        download_id=info_hash(t.hash),
        progress=min(max(t.progress, 0.0), 1.0),
        size_bytes=size,
        downloaded_bytes=(size if done and size is not None else max(t.completed, 0)),
        speed_bps=0 if done else max(t.dlspeed, 0),
        eta_seconds=eta,
        status=status,
        problem=problem,
    )


def translate(body: Mapping[str, Any], ctx: TranslateContext) -> list[Event]:
    """The run-on-finish hook → ``[DownloadFinished]``; ``BadPayload`` without a usable hash."""
    hook = FinishedHook.parse(body)
    hashes = hook.info_hashes
    return [DownloadFinished(source=SOURCE, keys=download_keys(hashes), download_id=hashes[0])]
