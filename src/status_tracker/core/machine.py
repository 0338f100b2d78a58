"""``apply(request, event, now)``: the one place where an event changes a request.

Pure: it takes the request as last stored (or None for a new one), the event and
the current time, and returns the new request plus the timeline entries to add.
The state only moves along ``states.TRANSITIONS``; an event that would move it
back still gets its timeline entry (with its own time) and may fill in details.
A fact already on the timeline (same step, source and words) is not added twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from status_tracker.core import events as ev
from status_tracker.core.model import (
    Download,
    Episode,
    KeyKind,
    MediaInfo,
    MediaType,
    Request,
    TimelineEntry,
)
from status_tracker.core.states import RANK, TERMINAL, RequestState, can_move, can_retry

S = RequestState


@dataclass(frozen=True, slots=True)
class Applied:
    """The outcome of one event: the request afterwards and what to add to its timeline."""

    request: Request
    entries: tuple[TimelineEntry, ...]
    moved: bool


@dataclass(slots=True)
class _Change:
    """What one event handler decided: field updates, a target state, a timeline line."""

    fields: dict[str, Any]
    target: RequestState | None
    message: str | None
    details: dict[str, Any]
    repeatable: bool = False


def new_request(event: ev.Event, now: datetime) -> Request:
    """A request that exists only because this event arrived (nothing stored yet)."""
    media_type = event.media.media_type or MediaType.MOVIE
    return Request(
        id=None,
        media_type=media_type,
        state=S.REQUESTED,
        created_at=event.occurred_at or now,
        updated_at=now,
        state_changed_at=now,
    )


def apply(request: Request | None, event: ev.Event, now: datetime) -> Applied:
    """Apply ``event`` to ``request`` (None: create one) at time ``now``."""
    current = request if request is not None else new_request(event, now)
    current = _merge_media(current, event.media)
    current = _adopt_jellyseerr_id(current, event)
    if event.requested_by and not current.requested_by:
        current = replace(current, requested_by=event.requested_by)
    change = _HANDLERS[type(event)](current, event)
    updated = replace(current, **change.fields) if change.fields else current
    target = _tv_target(updated, event, change.target)
    moved = False
    allowed = (
        can_retry(updated.state)
        if isinstance(event, ev.RetryRequested)
        else can_move(updated.state, target)
        if target is not None
        else False
    )
    if target is not None and target != updated.state and allowed:
        moved = True
        updated = replace(
            updated,
            state=target,
            state_changed_at=now,
            completed_at=now if target is S.COMPLETED else updated.completed_at,
            error=updated.error if target is S.FAILED or "error" in change.fields else None,
        )
    entries: tuple[TimelineEntry, ...] = ()
    if change.message is not None:
        step = _entry_state(event, updated)
        stamp = event.occurred_at or now
        fact = f"{step}|{event.source}|{change.message}"
        if change.repeatable:
            fact += f"|{stamp.isoformat()}"
        if fact not in updated.facts:
            entries = (TimelineEntry(step, stamp, event.source, change.message, change.details),)
            updated = replace(updated, facts=updated.facts | {fact})
    if updated != request:
        updated = replace(updated, updated_at=now)
    return Applied(updated, entries, moved)


def _entry_state(event: ev.Event, request: Request) -> RequestState:
    if isinstance(event, ev.Noted) and event.step is not None:
        return event.step
    return event.STEP if event.STEP is not None else request.state


def _merge_media(request: Request, media: MediaInfo) -> Request:
    fields: dict[str, Any] = {}
    for name in ("title", "year", "tmdb_id", "tvdb_id", "imdb_id", "poster_url"):
        value = getattr(media, name)
        if value is not None and getattr(request, name) is None:
            fields[name] = value
    if media.media_type is not None and request.id is None:
        fields["media_type"] = media.media_type
    return replace(request, **fields) if fields else request


def _adopt_jellyseerr_id(request: Request, event: ev.Event) -> Request:
    if request.jellyseerr_request_id is not None:
        return request
    for key in event.keys:
        if key.kind is KeyKind.JELLYSEERR_REQUEST and key.value.isascii() and key.value.isdigit():
            return replace(request, jellyseerr_request_id=int(key.value))
    return request


def _tv_target(
    request: Request, event: ev.Event, target: RequestState | None
) -> RequestState | None:
    """TV: the state is that of the least-advanced wanted episode, once episodes are known."""
    if request.media_type is not MediaType.TV or not request.episodes or target is None:
        return target
    if target in (S.FAILED, S.DECLINED, S.COMPLETED) or isinstance(event, ev.RetryRequested):
        return target
    if (isinstance(event, ev.MadeAvailable) and not event.episodes) or isinstance(
        event, ev.Matched
    ):
        return target
    stages = list(request.episodes.values())
    missing = (request.expected_episodes or 0) - len(stages)
    if missing > 0:
        stages.append(S.SEARCHING)
    least = min(stages, key=lambda s: RANK.get(s, 0))
    return least if RANK[least] >= RANK[S.SEARCHING] else target


def _advance_episodes(
    request: Request, episodes: tuple[Episode, ...], step: RequestState
) -> dict[Episode, RequestState]:
    merged = dict(request.episodes)
    for episode in episodes:
        known = merged.get(episode)
        if known is None or RANK[step] > RANK.get(known, -1):
            merged[episode] = step
    return merged


def _episodes_of(request: Request, download_id: str | None) -> tuple[Episode, ...]:
    download = request.downloads.get(download_id or "")
    return download.episodes if download else ()


def _who(name: str | None) -> str:
    return f" by {name}" if name else ""


def _requested(request: Request, event: ev.Requested) -> _Change:
    fields = _season_fields(request, event.seasons)
    return _Change(fields, S.REQUESTED, f"Requested{_who(event.requested_by)}", {})


def _approved(request: Request, event: ev.Approved) -> _Change:
    fields = _season_fields(request, event.seasons)
    words = "Approved automatically" if event.automatic else "Approved"
    return _Change(fields, S.SEARCHING, f"{words} — looking for a release", {})


def _season_fields(request: Request, seasons: tuple[int, ...]) -> dict[str, Any]:
    if seasons and not request.seasons:
        return {"seasons": tuple(sorted(set(seasons)))}
    return {}


def _declined(request: Request, event: ev.Declined) -> _Change:
    fields: dict[str, Any] = {}
    reason = f": {event.reason}" if event.reason else ""
    return _Change(fields, S.DECLINED, f"Declined{reason}", {})


def _failed(request: Request, event: ev.Failed) -> _Change:
    fields: dict[str, Any] = {"error": event.reason}
    target: RequestState | None = S.FAILED
    if event.download_id in request.downloads:
        fields["downloads"] = {k: d for k, d in request.downloads.items() if k != event.download_id}
    if event.download_id and any(
        not d.done for k, d in request.downloads.items() if k != event.download_id
    ):
        fields.pop("error")
        target = None
    return _Change(fields, target, event.reason, {"reason": event.reason}, repeatable=True)


def _retry(request: Request, event: ev.RetryRequested) -> _Change:
    if not can_retry(request.state):
        return _Change({}, S.SEARCHING, "Retry requested — searching again", {}, True)
    fields: dict[str, Any] = {"error": None}
    if request.episodes:
        fields["episodes"] = {
            e: s for e, s in request.episodes.items() if RANK.get(s, 0) >= RANK[S.AVAILABLE]
        }
    return _Change(fields, S.SEARCHING, "Retry requested — searching again", {}, True)


def _grabbed(request: Request, event: ev.Grabbed) -> _Change:
    fields: dict[str, Any] = {}
    if event.quality:
        fields["quality"] = event.quality
    if event.download_id:
        known = request.downloads.get(event.download_id)
        download = known or Download(event.download_id, size_bytes=event.size_bytes)
        download = replace(
            download, episodes=tuple(sorted(set(download.episodes + event.episodes)))
        )
        fields["downloads"] = {**request.downloads, event.download_id: download}
    if event.episodes:
        if request.state in TERMINAL:
            fields["episodes"] = {**request.episodes, **dict.fromkeys(event.episodes, S.INDEXED)}
        else:
            fields["episodes"] = _advance_episodes(request, event.episodes, S.INDEXED)
    if request.state in TERMINAL:
        fields["error"] = None
    details = {
        "quality": event.quality,
        "indexer": event.indexer,
        "release_title": event.release_title,
        "size_bytes": event.size_bytes,
        "protocol": event.protocol,
        "download_id": event.download_id,
    }
    return _Change(fields, S.INDEXED, _found_words(event), _clean(details))


def _found_words(event: ev.Grabbed) -> str:
    quality = f" ({event.quality})" if event.quality else ""
    episodes = sorted(set(event.episodes))
    if not episodes:
        return f"Found{quality}"
    if len(episodes) == 1:
        return f"Found S{episodes[0].season:02d}E{episodes[0].number:02d}{quality}"
    seasons = sorted({e.season for e in episodes})
    where = (
        f"season {seasons[0]}" if len(seasons) == 1 else "seasons " + ", ".join(map(str, seasons))
    )
    return f"Found {len(episodes)} episodes of {where}{quality}"


def _clean(details: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in details.items() if value is not None}


def _progressed(request: Request, event: ev.Progressed) -> _Change:
    known = request.downloads.get(event.download_id)
    first = known is None or known.progress is None
    download = replace(
        known or Download(event.download_id),
        progress=event.progress if event.progress is not None else download_progress(known),
        size_bytes=event.size_bytes if event.size_bytes is not None else download_size(known),
        downloaded_bytes=event.downloaded_bytes,
        speed_bps=event.speed_bps,
        eta_seconds=event.eta_seconds,
        status=event.status,
    )
    fields: dict[str, Any] = {"downloads": {**request.downloads, event.download_id: download}}
    episodes = _episodes_of(request, event.download_id)
    if episodes:
        fields["episodes"] = _advance_episodes(request, episodes, S.DOWNLOADING)
    message: str | None = "Downloading" if first else None
    if event.problem and event.problem != request.error:
        fields["error"] = event.problem
        message = message or event.problem
    elif not event.problem and request.error:
        fields["error"] = None
    return _Change(fields, S.DOWNLOADING, message, {"download_id": event.download_id})


def download_progress(download: Download | None) -> float | None:
    """The progress last reported for a download, if any."""
    return download.progress if download else None


def download_size(download: Download | None) -> int | None:
    """The size last reported for a download, if any."""
    return download.size_bytes if download else None


def _finished(request: Request, event: ev.DownloadFinished) -> _Change:
    fields: dict[str, Any] = {}
    if event.download_id:
        known = request.downloads.get(event.download_id) or Download(event.download_id)
        done = replace(known, done=True, progress=1.0, speed_bps=None, eta_seconds=None)
        fields["downloads"] = {**request.downloads, event.download_id: done}
        episodes = _episodes_of(request, event.download_id)
        if episodes:
            fields["episodes"] = _advance_episodes(request, episodes, S.DOWNLOAD_DONE)
    if request.error:
        fields["error"] = None
    details = _clean({"download_id": event.download_id})
    return _Change(fields, S.DOWNLOAD_DONE, "Download finished", details)


def _imported(request: Request, event: ev.Imported) -> _Change:
    fields: dict[str, Any] = {}
    if event.quality:
        fields["quality"] = event.quality
    if event.download_id and event.download_id in request.downloads:
        done = replace(request.downloads[event.download_id], done=True, speed_bps=None)
        fields["downloads"] = {**request.downloads, event.download_id: done}
    episodes = event.episodes or _episodes_of(request, event.download_id)
    if episodes:
        fields["episodes"] = _advance_episodes(request, episodes, S.IMPORTING)
    details = _clean({"quality": event.quality, "paths": list(event.paths) or None})
    return _Change(fields, S.IMPORTING, _import_words(request, event, episodes), details)


def _import_words(request: Request, event: ev.Imported, episodes: tuple[Episode, ...]) -> str:
    quality = f" ({event.quality})" if event.quality else ""
    if event.upgrade:
        return f"Upgraded{quality}"
    if request.media_type is MediaType.TV:
        if event.complete:
            count = len(set(episodes))
            noun = "episode" if count == 1 else "episodes"
            return f"Added {count} {noun} to the library" if count else "Added to the library"
        return "Adding to the library"
    return f"Added to the library{quality}"


def _matched(request: Request, event: ev.Matched) -> _Change:
    return _Change({"is_anime": True}, S.ANIME_INDEXING, "Matching with the anime library", {})


def _available(request: Request, event: ev.MadeAvailable) -> _Change:
    fields: dict[str, Any] = {"error": None} if request.error else {}
    if event.watch_url:
        fields["watch_url"] = event.watch_url
    if event.episodes:
        fields["episodes"] = _advance_episodes(request, event.episodes, S.AVAILABLE)
        count = len(set(event.episodes))
        noun = "episode" if count == 1 else "episodes"
        return _Change(fields, S.AVAILABLE, f"{count} {noun} ready to watch", {})
    return _Change(fields, S.AVAILABLE, "Ready to watch", {})


def _watched(request: Request, event: ev.Watched) -> _Change:
    """Only the requester watching it finishes a request; anyone else is just noted."""
    by_requester = (
        event.user is None
        or request.requested_by is None
        or event.user.casefold() == request.requested_by.casefold()
    )
    return _Change({}, S.COMPLETED if by_requester else None, f"Watched{_who(event.user)}", {})


def _attention(request: Request, event: ev.NeedsAttention) -> _Change:
    return _Change({"error": event.message}, None, event.message, dict(event.details))


def _expected(request: Request, event: ev.EpisodesExpected) -> _Change:
    return _Change({"expected_episodes": event.count}, request.state, None, {})


def _noted(request: Request, event: ev.Noted) -> _Change:
    return _Change({}, None, event.message, {})


_HANDLERS: dict[type[ev.Event], Callable[[Request, Any], _Change]] = {
    ev.Requested: _requested,
    ev.Approved: _approved,
    ev.Declined: _declined,
    ev.Failed: _failed,
    ev.RetryRequested: _retry,
    ev.Grabbed: _grabbed,
    ev.Progressed: _progressed,
    ev.DownloadFinished: _finished,
    ev.Imported: _imported,
    ev.Matched: _matched,
    ev.MadeAvailable: _available,
    ev.Watched: _watched,
    ev.NeedsAttention: _attention,
    ev.EpisodesExpected: _expected,
    ev.Noted: _noted,
}


def merge(keep: Request, other: Request, now: datetime) -> Request:
    """One request from two that an event proved to be the same (``keep`` wins ties)."""
    fields: dict[str, Any] = {}
    for name in (
        "title", "year", "requested_by", "poster_url", "tmdb_id", "tvdb_id", "imdb_id",
        "jellyseerr_request_id", "quality", "error", "watch_url", "completed_at",
        "expected_episodes",
    ):  # fmt: skip
        if getattr(keep, name) is None and getattr(other, name) is not None:
            fields[name] = getattr(other, name)
    state = keep.state
    if other.state in RANK and (state not in RANK or RANK[other.state] > RANK[state]):
        state = other.state
    episodes = dict(other.episodes)
    for episode, stage in keep.episodes.items():
        if RANK.get(stage, -1) >= RANK.get(episodes.get(episode, S.REQUESTED), -1):
            episodes[episode] = stage
    return replace(
        keep,
        **fields,
        state=state,
        created_at=min(keep.created_at, other.created_at),
        updated_at=now,
        state_changed_at=now if state != keep.state else keep.state_changed_at,
        is_anime=keep.is_anime or other.is_anime,
        seasons=tuple(sorted(set(keep.seasons) | set(other.seasons))),
        episodes=episodes,
        downloads={**other.downloads, **keep.downloads},
        facts=keep.facts | other.facts,
    )
