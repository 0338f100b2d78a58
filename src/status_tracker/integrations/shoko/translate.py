"""Shoko events → core events: a file was recognised, not recognised, moved or removed.

Correlation is by file only, never by title: the canonical path (after
``ctx.path_mappings``) and Shoko's FileID. When the body carries no absolute
``path`` (a bridged event: only the listener knows Shoko's import folders), the
path relative to the import folder gives a ``path_tail`` key (series folder /
season folder / file name), which meets the tail of the imported file's path.

- FileMatched (v4/v5), ``release:saved`` and a successful
  ``release:search.completed`` (v6) → ``Matched``.
- FileNotMatched with cross-references means Shoko already knew the file and
  nothing changed → ``Matched``. Without them it is a real miss →
  ``NeedsAttention``, unless AniDB was only rate-limiting Shoko (it retries) →
  ``Noted``. A v6 search that found nothing → ``NeedsAttention``.
- FileRenamed / FileMoved / ``file:relocated`` → ``Noted`` carrying the old and
  the new path, so the request learns the new path.
- FileDeleted → ``Noted``.
- Everything else (detected, hashed, metadata updates, other feeds) → nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from status_tracker.core.events import Event, Matched, NeedsAttention, Noted
from status_tracker.core.ids import canonical_path, path_tail
from status_tracker.core.model import Key, KeyKind
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.shoko.messages import (
    FileEvent,
    FileMoved,
    FileNotMatched,
    FileRelocated,
    FileRenamed,
    ReleaseSaved,
    ReleaseSearchCompleted,
    ShokoEventKind,
    ShokoMessage,
    parse,
    read_body,
)

SOURCE = "shoko"

K = ShokoEventKind


def translate(body: Mapping[str, Any], ctx: TranslateContext) -> list[Event]:
    """Translate one ``/hooks/shoko`` body (or listener event); [] when nothing is tracked."""
    message = read_body(body)
    kind = message.kind
    if kind in (K.FILE_MATCHED, K.FILE_NOT_MATCHED):
        return _match_result(message, ctx)
    if kind in (K.FILE_RENAMED, K.FILE_MOVED, K.FILE_RELOCATED):
        return _relocated(message, ctx)
    if kind is K.FILE_DELETED:
        file = parse(FileEvent, message.payload)
        keys = _file_keys(file.file_id, Place.of(message.path, file.relative_path, ctx))
        if not keys:
            return []
        return [Noted(source=SOURCE, keys=keys, message="Shoko no longer sees the file")]
    if kind is K.RELEASE_SAVED:
        saved = parse(ReleaseSaved, message.payload)
        return _matched(saved.file_id, Place.of(message.path, None, ctx))
    if kind is K.RELEASE_SEARCH_COMPLETED:
        return _search_completed(message, ctx)
    return []


@dataclass(frozen=True, slots=True)
class Place:
    """Where a file is: its correlation key and the path shown to people."""

    key: Key
    shown: str

    @classmethod
    def of(cls, absolute: str | None, relative: str | None, ctx: TranslateContext) -> Place | None:
        """The absolute path (mapped) when known, else the tail of the relative one."""
        if absolute:
            path = canonical_path(absolute, ctx.path_mappings)
            return cls(Key(KeyKind.PATH, path), path)
        if relative:
            path = canonical_path(relative)
            return cls(Key(KeyKind.PATH_TAIL, path_tail(path)), path)
        return None


def _shown(place: Place | None) -> str | None:
    return place.shown if place else None


def _file_keys(file_id: int | None, *places: Place | None) -> tuple[Key, ...]:
    keys = list(dict.fromkeys(place.key for place in places if place is not None))
    if file_id is not None:
        keys.append(Key(KeyKind.SHOKO_FILE, str(file_id)))
    return tuple(keys)


def _matched(file_id: int | None, place: Place | None) -> list[Event]:
    keys = _file_keys(file_id, place)
    if not keys:
        return []
    file_key = str(file_id) if file_id is not None else None
    return [Matched(source=SOURCE, keys=keys, file_id=file_key, path=_shown(place))]


def _match_result(message: ShokoMessage, ctx: TranslateContext) -> list[Event]:
    if message.kind is K.FILE_MATCHED:
        file = parse(FileEvent, message.payload)
        return _matched(file.file_id, Place.of(message.path, file.relative_path, ctx))
    missed = parse(FileNotMatched, message.payload)
    place = Place.of(message.path, missed.relative_path, ctx)
    if missed.cross_references or missed.has_cross_references:
        return _matched(missed.file_id, place)
    keys = _file_keys(missed.file_id, place)
    if not keys:
        return []
    if missed.is_udp_banned:
        text = "Shoko will try to identify the file again later (AniDB is busy)"
        return [Noted(source=SOURCE, keys=keys, message=text)]
    details: list[tuple[str, str]] = []
    if place:
        details.append(("path", place.shown))
    if missed.auto_match_attempts is not None:
        details.append(("attempts", str(missed.auto_match_attempts)))
    return [
        NeedsAttention(
            source=SOURCE,
            keys=keys,
            message="Shoko could not identify the file (AniDB does not know it yet)",
            details=tuple(details),
        )
    ]


def _relocated(message: ShokoMessage, ctx: TranslateContext) -> list[Event]:
    file: FileMoved | FileRenamed
    if message.kind is K.FILE_RENAMED:
        file = parse(FileRenamed, message.payload)
    elif message.kind is K.FILE_RELOCATED:
        file = parse(FileRelocated, message.payload)
    else:
        file = parse(FileMoved, message.payload)
    new = Place.of(message.path, file.relative_path, ctx)
    old = None
    if isinstance(file, FileMoved):
        old = Place.of(message.previous_path, file.previous_relative_path, ctx)
    elif message.previous_path:
        old = Place.of(message.previous_path, None, ctx)
    elif file.previous_file_name and file.relative_path:
        folder, _, _ = file.relative_path.replace("\\", "/").rpartition("/")
        previous = f"{folder}/{file.previous_file_name}" if folder else file.previous_file_name
        old = Place.of(None, previous, ctx)
    keys = _file_keys(file.file_id, old, new)
    if not keys:
        return []
    return [Noted(source=SOURCE, keys=keys, message=_relocated_words(file, message.kind))]


def _relocated_words(file: FileMoved | FileRenamed, kind: ShokoEventKind | None) -> str:
    name = (file.relative_path or "").replace("\\", "/").rpartition("/")[2]
    renamed = kind is K.FILE_RENAMED or (isinstance(file, FileRelocated) and not file.moved)
    verb = "renamed" if renamed else "moved"
    return f"Shoko {verb} the file to {name}" if name else f"Shoko {verb} the file"


def _search_completed(message: ShokoMessage, ctx: TranslateContext) -> list[Event]:
    search = parse(ReleaseSearchCompleted, message.payload)
    place = Place.of(message.path, None, ctx)
    if search.is_cancelled:
        return []
    if search.release_info is not None:
        return _matched(search.file_id, place)
    keys = _file_keys(search.file_id, place)
    if not keys:
        return []
    if search.exception_message:
        text = f"Shoko's search for the file failed: {search.exception_message}"
        return [Noted(source=SOURCE, keys=keys, message=text)]
    return [
        NeedsAttention(
            source=SOURCE,
            keys=keys,
            message="Shoko could not identify the file (AniDB does not know it yet)",
        )
    ]
