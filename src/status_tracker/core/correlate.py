"""Which stored request an event is about, decided from its correlation keys alone.

The pipeline looks up the owner of every key the event carries and asks
``resolve``. Identity keys (a Jellyseerr request, a download, a file) name one
request; media keys (tmdb, tvdb, imdb, Sonarr/Radarr ids) name a title, so a new
Jellyseerr request for a title someone asked for before starts a new request
and takes the media keys over. When the keys point at several requests that can
be the same (at most one Jellyseerr request among them) they are merged; two
different Jellyseerr requests are never merged: that is ``Ambiguous``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from status_tracker.core.events import Event
from status_tracker.core.ids import path_tail
from status_tracker.core.model import MEDIA_KINDS, Key, KeyKind, Request


@dataclass(frozen=True, slots=True)
class Owner:
    """A stored request that owns some key: its id and its Jellyseerr request id."""

    id: int
    jellyseerr_request_id: int | None


@dataclass(frozen=True, slots=True)
class Create:
    """No request matches: start one (if the event may create one)."""


@dataclass(frozen=True, slots=True)
class Update:
    """Exactly one request matches."""

    id: int


@dataclass(frozen=True, slots=True)
class Merge:
    """Several requests are one: fold ``absorb`` into ``keep``, then apply."""

    keep: int
    absorb: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """The keys point at requests that must not be merged; nothing is applied."""

    ids: tuple[int, ...]


Resolution = Create | Update | Merge | Ambiguous


def keys_for(event: Event) -> tuple[Key, ...]:
    """The keys the pipeline looks up for an event.

    TMDB ids of films and of series are separate number ranges, so a TMDB key is
    scoped by media type (``movie:603``) and dropped when the type is unknown.
    Every path also yields its tail (series/season/file), so files meet even when
    services mount them at different places and no path mapping is set.
    """
    keys: list[Key] = []
    for key in event.keys:
        if key.kind is KeyKind.TMDB:
            if event.media.media_type is not None:
                keys.append(Key(KeyKind.TMDB, f"{event.media.media_type}:{key.value}"))
            continue
        keys.append(key)
        if key.kind is KeyKind.PATH and key.value.count("/") >= 3:
            keys.append(Key(KeyKind.PATH_TAIL, path_tail(key.value)))
    return tuple(dict.fromkeys(keys))


def season_owner(candidates: Sequence[Request], seasons: Iterable[int]) -> int | None:
    """Among requests for one series, the one whose requested seasons cover ``seasons``.

    Title keys name a series, not a season: when someone asked for season 1 and
    later for season 2, a grab of a season-1 episode belongs to the first request
    even though the second one holds the series' keys now. None when no request
    covers them all (the request the keys point at keeps the event).
    """
    wanted = set(seasons)
    if not wanted:
        return None
    for request in sorted(candidates, key=lambda r: r.id or 0):
        if request.id is not None and wanted <= set(request.seasons):
            return request.id
    return None


def jellyseerr_id(keys: Iterable[Key]) -> int | None:
    """The Jellyseerr request id among ``keys``, if any."""
    for key in keys:
        if key.kind is KeyKind.JELLYSEERR_REQUEST and key.value.isascii() and key.value.isdigit():
            return int(key.value)
    return None


def resolve(keys: Iterable[Key], owners: Mapping[Key, Owner]) -> Resolution:
    """Decide which request the event with ``keys`` belongs to, given each key's owner."""
    keys = tuple(keys)
    wanted = jellyseerr_id(keys)
    candidates: dict[int, Owner] = {}
    for key in keys:
        owner = owners.get(key)
        if owner is None:
            continue
        other_request = (
            wanted is not None
            and owner.jellyseerr_request_id is not None
            and owner.jellyseerr_request_id != wanted
        )
        if other_request and key.kind in MEDIA_KINDS:
            continue
        candidates[owner.id] = owner
    if not candidates:
        return Create()
    if len(candidates) == 1:
        (only,) = candidates.values()
        if wanted is not None and only.jellyseerr_request_id not in (None, wanted):
            return Ambiguous((only.id,))
        return Update(only.id)
    named = {o.jellyseerr_request_id for o in candidates.values() if o.jellyseerr_request_id}
    if wanted is not None:
        named.add(wanted)
    if len(named) > 1:
        return Ambiguous(tuple(sorted(candidates)))
    keep = min(
        candidates.values(),
        key=lambda o: (o.jellyseerr_request_id is None, o.id),
    )
    return Merge(keep.id, tuple(sorted(i for i in candidates if i != keep.id)))
