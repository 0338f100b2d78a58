"""Reconciliation shared by the Sonarr and Radarr pollers: which facts read from an app's
queue and history are news for the requests being tracked.

Webhooks get lost (an app drops them while this service is down) and download
failures have no webhook at all, so every few minutes each poller turns the app's
queue and recent history into core events (``translate.from_queue``/``from_history``)
and ``Reconciler.news`` keeps only those that would change something:

- an event belongs to the active request that knows its download id, else to one
  with the same title ids (for TV, one whose requested seasons hold the download's
  episodes; the newest when several do); the owner's Jellyseerr request key is
  added so the writer picks that request even when another one shares the title;
- events about no active request are dropped, except a queue grab of a title no
  active request has: that starts tracking it (added straight in Sonarr/Radarr);
  history from before a request existed, about none of its downloads, is dropped;
- dropped as already known: a grab of a download the request has (or that this
  run already grabbed: history and queue both list it), a finished
  download already done, an import of episodes already imported, the problem the
  request already shows, a failure of a request that already failed;
- a failure older than the request's last change (a retry, a new grab) is over and
  dropped; a download that failed is never re-grabbed by a queue row;
- queue progress is dropped when qBittorrent is configured (its poller is finer);
- a fact about a request (or a grab submitted) in the previous run too is dropped,
  kept or not then: each is considered once when it shows up, so a retry is not
  undone by an old failure still listed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from status_tracker.core.correlate import keys_for
from status_tracker.core.events import (
    DownloadFinished,
    Event,
    Failed,
    Grabbed,
    Imported,
    NeedsAttention,
    Progressed,
)
from status_tracker.core.model import Episode, Key, KeyKind, MediaType, Request
from status_tracker.core.states import RANK, RequestState
from status_tracker.integrations._arr_api import RetryPolicy

S = RequestState
CLOCK_SKEW = timedelta(minutes=5)
"""How far the apps' clocks and ours may disagree: history older than a request by more
than this (and not about its downloads) is about an earlier request for the title."""
TITLE_KINDS = frozenset({KeyKind.TMDB, KeyKind.TVDB, KeyKind.IMDB})
LOOKBACK = timedelta(days=14)
"""How far back the first history read of a run goes, at most."""
POLL_RETRY = RetryPolicy(attempts=3, timeout=20.0, wait_initial=0.5, wait_max=2.0)
"""Retries inside one poll; longer outages are ``run_poller``'s backoff."""


def utcnow() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


@dataclass
class HistoryWindow:
    """Where the next history read starts: at the oldest active request (less
    ``CLOCK_SKEW``), at most ``lookback`` ago, never before what earlier reads saw."""

    lookback: timedelta = LOOKBACK
    cursor: datetime | None = None

    def since(self, requests: Sequence[Request], now: datetime) -> datetime | None:
        """The start of the next read; None when no request needs one."""
        if not requests:
            return None
        start = max(min(r.created_at for r in requests) - CLOCK_SKEW, now - self.lookback)
        return max(start, self.cursor) if self.cursor else start

    def seen(self, latest: datetime | None) -> None:
        """Remember the newest history date a read returned."""
        if latest is not None and (self.cursor is None or latest > self.cursor):
            self.cursor = latest


def title_keys(request: Request) -> tuple[Key, ...]:
    """The title keys of a request, spelled as ``correlate.keys_for`` spells an event's."""
    keys: list[Key] = []
    if request.tmdb_id:
        keys.append(Key(KeyKind.TMDB, f"{request.media_type}:{request.tmdb_id}"))
    if request.tvdb_id:
        keys.append(Key(KeyKind.TVDB, str(request.tvdb_id)))
    if request.imdb_id:
        keys.append(Key(KeyKind.IMDB, request.imdb_id))
    return tuple(keys)


def download_of(event: Event) -> str | None:
    """The (lower-case) download id an event is about, from its field or its keys."""
    value = getattr(event, "download_id", None)
    if isinstance(value, str) and value:
        return value
    for key in event.keys:
        if key.kind is KeyKind.DOWNLOAD:
            return key.value
    return None


def reached(request: Request, step: RequestState) -> bool:
    """True when the request's state is ``step`` or further along the pipeline."""
    return request.state in RANK and RANK[request.state] >= RANK[step]


def _episodes_reached(
    request: Request, episodes: Iterable[Episode], step: RequestState
) -> bool | None:
    """Whether every one of ``episodes`` reached ``step`` (None when there are none)."""
    wanted = tuple(episodes)
    if not wanted:
        return None
    return all(RANK.get(request.episodes.get(e, S.REQUESTED), -1) >= RANK[step] for e in wanted)


@dataclass(frozen=True, slots=True)
class _Untracked:
    """No active request has this title."""


@dataclass(frozen=True, slots=True)
class _Elsewhere:
    """An active request has this title, but not these seasons (or not this download)."""


_UNTRACKED = _Untracked()
_ELSEWHERE = _Elsewhere()


class Reconciler:
    """Picks the news among queue and history events, remembering the previous run."""

    def __init__(self, source: str, *, skip_progress: bool = False) -> None:
        self.source = source
        self.skip_progress = skip_progress
        self._previous: set[Event] = set()

    def news(
        self,
        active: Sequence[Request],
        history: Sequence[Event] = (),
        queue: Sequence[Event] = (),
    ) -> list[Event]:
        """Events worth submitting, history (oldest first) before the queue."""
        by_download: dict[str, Request] = {}
        by_title: dict[Key, list[Request]] = {}
        for request in active:
            for known_id in request.downloads:
                by_download[known_id] = request
            for key in title_keys(request):
                by_title.setdefault(key, []).append(request)
        # Downloads not to grab (again) in this run: failed ones, then ones grabbed already.
        no_grab = {d for e in (*history, *queue) if isinstance(e, Failed) if (d := download_of(e))}
        episodes: dict[str, set[Episode]] = {}
        for event in (*history, *queue):
            if isinstance(event, Grabbed) and event.download_id:
                episodes.setdefault(event.download_id, set()).update(event.episodes)
        seen: set[Event] = set()
        news: list[Event] = []
        for event, from_queue in [(e, False) for e in history] + [(e, True) for e in queue]:
            download_id = download_of(event)
            own = tuple(getattr(event, "episodes", ())) or tuple(
                sorted(episodes.get(download_id or "", ()))
            )
            owner = self._owner(event, download_id, own, by_download, by_title)
            fact = self._aim(event, owner) if isinstance(owner, Request) else event
            if fact in seen or fact in self._previous:
                seen.add(fact)
                continue
            if isinstance(owner, Request):
                seen.add(fact)
                earlier = event.occurred_at is not None and (
                    event.occurred_at < owner.created_at - CLOCK_SKEW
                )
                if (download_id in owner.downloads or not earlier) and self._is_news(
                    event, owner, download_id, own, no_grab
                ):
                    if isinstance(event, Grabbed):
                        no_grab.add(download_id or "")
                    news.append(fact)
            elif owner is _UNTRACKED and from_queue and isinstance(event, Grabbed):
                media = event.media
                if download_id not in no_grab and (media.tmdb_id or media.tvdb_id):
                    no_grab.add(download_id or "")
                    seen.add(fact)
                    news.append(fact)
        self._previous = seen
        return news

    def _owner(
        self,
        event: Event,
        download_id: str | None,
        episodes: tuple[Episode, ...],
        by_download: dict[str, Request],
        by_title: dict[Key, list[Request]],
    ) -> Request | _Untracked | _Elsewhere:
        if download_id and download_id in by_download:
            return by_download[download_id]
        candidates: dict[int, Request] = {}
        for key in keys_for(event):
            if key.kind in TITLE_KINDS:
                for request in by_title.get(key, ()):
                    candidates[request.id or 0] = request
        if not candidates:
            return _UNTRACKED
        seasons = {episode.season for episode in episodes}
        fitting = [
            request
            for request in candidates.values()
            if request.media_type is not MediaType.TV
            or not request.seasons
            or not seasons
            or seasons & set(request.seasons)
        ]
        if not fitting:
            return _ELSEWHERE
        return max(fitting, key=lambda request: request.id or 0)

    def _is_news(
        self,
        event: Event,
        owner: Request,
        download_id: str | None,
        episodes: tuple[Episode, ...],
        no_grab: set[str],
    ) -> bool:
        known = owner.downloads.get(download_id or "")
        match event:
            case Grabbed():
                if known is not None or download_id in no_grab:
                    return False
            case Progressed():
                if self.skip_progress or (known is not None and known.done):
                    return False
                sample = (event.progress, event.size_bytes, event.eta_seconds, event.status)
                if known is not None and sample == (
                    known.progress,
                    known.size_bytes,
                    known.eta_seconds,
                    known.status,
                ):
                    return False
            case DownloadFinished():
                done = _episodes_reached(owner, episodes, S.DOWNLOAD_DONE)
                if (known is not None and known.done) or (
                    done if done is not None else reached(owner, S.DOWNLOAD_DONE)
                ):
                    return False
            case Imported():
                done = _episodes_reached(owner, event.episodes, S.IMPORTING)
                if done if done is not None else reached(owner, S.IMPORTING):
                    return False
            case NeedsAttention():
                if owner.error == event.message:
                    return False
            case Failed():
                if owner.state is S.FAILED:
                    return False
                if event.occurred_at is not None and event.occurred_at < owner.state_changed_at:
                    return False
        return True

    @staticmethod
    def _aim(event: Event, owner: Request) -> Event:
        """The event with its owner's Jellyseerr request key, so the writer picks that one."""
        if owner.jellyseerr_request_id is None:
            return event
        key = Key(KeyKind.JELLYSEERR_REQUEST, str(owner.jellyseerr_request_id))
        if key in event.keys:
            return event
        return dataclasses.replace(event, keys=(*event.keys, key))
