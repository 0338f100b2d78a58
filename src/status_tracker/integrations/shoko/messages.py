"""Shoko Server event messages: SignalR targets, argument models and the hook body.

Shoko pushes one argument object per SignalR invocation. Stable v5 names its
targets ``ShokoEvent:FileMatched`` and writes PascalCase keys (``FileID``); v4
wrote camelCase (``fileID``, ``crossRefs``); v6 dev builds use ``file:hashed``,
``file:relocated``, ``release:saved`` and ``release:search.completed`` (there is
no FileMatched in v6). Keys are therefore read case-insensitively and every
field is optional and lenient.

The body of ``POST /hooks/shoko`` (and what the listener hands on) is::

    {"event": "FileMatched", "payload": {...}, "path": "/abs/file.mkv", "previous_path": "..."}

``event`` may be the short name (``FileMatched``), the SignalR target
(``ShokoEvent:FileMatched``, ``file:relocated``) in any case. ``path`` and
``previous_path`` are optional absolute paths (Shoko only sends a path relative
to its import folder). The SignalR frame form ``{"target": ..., "arguments":
[{...}]}`` is accepted too, and so is the bare argument object when its fields
tell the event apart (see ``infer_kind``). This module knows Shoko's format
only; it raises ``BadPayload`` and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from status_tracker.integrations._lenient import integer as _int
from status_tracker.integrations._lenient import text as _text
from status_tracker.integrations.errors import BadPayload

M = TypeVar("M", bound=BaseModel)


class ShokoEventKind(StrEnum):
    """The Shoko events we can read, named as v5 names them (v6 names map onto these)."""

    ON_CONNECTED = "OnConnected"
    FILE_DETECTED = "FileDetected"
    FILE_HASHED = "FileHashed"
    FILE_MATCHED = "FileMatched"
    FILE_NOT_MATCHED = "FileNotMatched"
    FILE_RENAMED = "FileRenamed"
    FILE_MOVED = "FileMoved"
    FILE_RELOCATED = "FileRelocated"
    FILE_DELETED = "FileDeleted"
    RELEASE_SAVED = "ReleaseSaved"
    RELEASE_REMOVED = "ReleaseRemoved"
    RELEASE_SEARCH_COMPLETED = "ReleaseSearchCompleted"
    SERIES_UPDATED = "SeriesUpdated"
    EPISODE_UPDATED = "EpisodeUpdated"
    MOVIE_UPDATED = "MovieUpdated"


_V6_TARGETS: dict[str, ShokoEventKind] = {
    "file:detected": ShokoEventKind.FILE_DETECTED,
    "file:hashed": ShokoEventKind.FILE_HASHED,
    "file:relocated": ShokoEventKind.FILE_RELOCATED,
    "file:deleted": ShokoEventKind.FILE_DELETED,
    "release:saved": ShokoEventKind.RELEASE_SAVED,
    "release:removed": ShokoEventKind.RELEASE_REMOVED,
    "release:search.completed": ShokoEventKind.RELEASE_SEARCH_COMPLETED,
}
_SHORT_NAMES: dict[str, ShokoEventKind] = {kind.value.lower(): kind for kind in ShokoEventKind}

SIGNALR_TARGETS: tuple[str, ...] = tuple(
    f"ShokoEvent:{kind.value}"
    for kind in ShokoEventKind
    if kind
    not in (
        ShokoEventKind.FILE_RELOCATED,
        ShokoEventKind.RELEASE_SAVED,
        ShokoEventKind.RELEASE_REMOVED,
        ShokoEventKind.RELEASE_SEARCH_COMPLETED,
    )
)
"""The v5 targets of the ``shoko`` feed (what the listener subscribes to)."""

TRACKED_KINDS: frozenset[ShokoEventKind] = frozenset(
    {
        ShokoEventKind.FILE_MATCHED,
        ShokoEventKind.FILE_NOT_MATCHED,
        ShokoEventKind.FILE_RENAMED,
        ShokoEventKind.FILE_MOVED,
        ShokoEventKind.FILE_RELOCATED,
        ShokoEventKind.FILE_DELETED,
        ShokoEventKind.RELEASE_SAVED,
        ShokoEventKind.RELEASE_SEARCH_COMPLETED,
    }
)
"""The events ``translate`` turns into something; the listener passes on only these."""


def event_kind(name: str) -> ShokoEventKind | None:
    """``ShokoEvent:FileMatched``, ``FileMatched``, ``file:hashed`` … → the kind, or None."""
    text = name.strip().lower()
    if text in _V6_TARGETS:
        return _V6_TARGETS[text]
    if text.startswith("shokoevent:"):
        text = text.removeprefix("shokoevent:")
    elif ":" in text:
        return None
    return _SHORT_NAMES.get(text)


# --- lenient scalars -------------------------------------------------------------------------


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int):
        return bool(value)
    return None


def _objects(value: object) -> list[object]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _object(value: object) -> object:
    return value if isinstance(value, Mapping) else None


Int = Annotated[int | None, BeforeValidator(_int)]
Text = Annotated[str | None, BeforeValidator(_text)]
Flag = Annotated[bool | None, BeforeValidator(_flag)]


def _aka(*names: str) -> Any:
    """A field read from the first of ``names`` (lower-case keys) present."""
    return Field(default=None, validation_alias=AliasChoices(*names))


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


# --- argument models (keys lower-cased before validation) ------------------------------------


class CrossReference(_Lenient):
    """One file → episode link (v5/v6 ``CrossReferences[]``, v4 ``crossRefs[]``)."""

    episode_id: Int = _aka("episodeid")
    anidb_episode_id: Int = _aka("anidbepisodeid")
    series_id: Int = _aka("seriesid")
    anidb_anime_id: Int = _aka("anidbanimeid")
    group_id: Int = _aka("groupid")


class FileDetected(_Lenient):
    """A new file appeared in an import folder (not hashed yet, so no FileID)."""

    relative_path: Text = _aka("relativepath")
    import_folder_id: Int = _aka("importfolderid", "managedfolderid")


class FileEvent(_Lenient):
    """The common shape of FileHashed / FileMatched / FileDeleted (and the base of the rest)."""

    file_id: Int = _aka("fileid")
    file_location_id: Int = _aka("filelocationid")
    import_folder_id: Int = _aka("importfolderid", "managedfolderid")
    relative_path: Text = _aka("relativepath")
    cross_references: Annotated[list[CrossReference], BeforeValidator(_objects)] = Field(
        default_factory=list, validation_alias=AliasChoices("crossreferences", "crossrefs")
    )


class FileNotMatched(FileEvent):
    """AniDB did not (re)match the file; with cross-references it is still recognised."""

    auto_match_attempts: Int = _aka("automatchattempts")
    has_cross_references: Flag = _aka("hascrossreferences")
    is_udp_banned: Flag = _aka("isudpbanned")


class FileRenamed(FileEvent):
    """Shoko renamed the file in place; ``relative_path`` is the new one."""

    file_name: Text = _aka("filename")
    previous_file_name: Text = _aka("previousfilename")


class FileMoved(FileEvent):
    """Shoko moved the file (v5), possibly to another import folder."""

    previous_relative_path: Text = _aka("previousrelativepath")
    previous_import_folder_id: Int = _aka("previousimportfolderid", "previousmanagedfolderid")


class FileRelocated(FileMoved):
    """v6 ``file:relocated``: a move and/or a rename."""

    moved: Flag = None
    renamed: Flag = None


class ReleaseCrossReference(_Lenient):
    """v6 release cross-reference: provider ids as strings (``anidb_episode``, ``anidb_anime``)."""

    provider_ids: Annotated[dict[str, Any], BeforeValidator(_object)] = Field(
        default_factory=dict, validation_alias=AliasChoices("providerids")
    )


class ReleaseInfo(_Lenient):
    """v6 release (what a file was recognised as)."""

    id: Text = None
    provider_name: Text = _aka("providername")
    original_filename: Text = _aka("originalfilename")
    cross_references: Annotated[list[ReleaseCrossReference], BeforeValidator(_objects)] = Field(
        default_factory=list, validation_alias=AliasChoices("crossreferences")
    )


class ReleaseSaved(_Lenient):
    """v6 ``release:saved`` / ``release:removed``: no path, only the FileID."""

    file_id: Int = _aka("fileid")
    release: Annotated[ReleaseInfo | None, BeforeValidator(_object)] = None


class ReleaseSearchCompleted(_Lenient):
    """v6 ``release:search.completed``: ``release_info`` is None when nothing matched."""

    file_id: Int = _aka("fileid")
    is_saved: Flag = _aka("issaved")
    is_automatic: Flag = _aka("isautomatic")
    is_cancelled: Flag = _aka("iscancelled")
    exception_message: Text = _aka("exceptionmessage")
    release_info: Annotated[ReleaseInfo | None, BeforeValidator(_object)] = _aka("releaseinfo")


class ImportFolder(_Lenient):
    """``GET /api/v3/ImportFolder`` (v5) / ``ManagedFolder`` (v6) item."""

    id: Int = None
    name: Text = None
    path: Text = None


MODELS: dict[ShokoEventKind, type[BaseModel]] = {
    ShokoEventKind.FILE_DETECTED: FileDetected,
    ShokoEventKind.FILE_HASHED: FileEvent,
    ShokoEventKind.FILE_MATCHED: FileEvent,
    ShokoEventKind.FILE_DELETED: FileEvent,
    ShokoEventKind.FILE_NOT_MATCHED: FileNotMatched,
    ShokoEventKind.FILE_RENAMED: FileRenamed,
    ShokoEventKind.FILE_MOVED: FileMoved,
    ShokoEventKind.FILE_RELOCATED: FileRelocated,
    ShokoEventKind.RELEASE_SAVED: ReleaseSaved,
    ShokoEventKind.RELEASE_REMOVED: ReleaseSaved,
    ShokoEventKind.RELEASE_SEARCH_COMPLETED: ReleaseSearchCompleted,
}
"""The argument model of each event we read (the others are stored and ignored)."""


def lower_keys(value: Any) -> Any:
    """``value`` with every mapping key lower-cased, recursively."""
    if isinstance(value, Mapping):
        return {str(key).lower(): lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [lower_keys(item) for item in value]
    return value


def parse(model: type[M], payload: Mapping[str, Any]) -> M:
    """Validate one argument object (any key case) as ``model``; ``BadPayload`` if impossible."""
    try:
        return model.model_validate(lower_keys(payload))
    except ValidationError as exc:
        raise BadPayload(f"Shoko {model.__name__}: {exc.error_count()} bad field(s)") from exc


# --- the hook body ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShokoMessage:
    """One Shoko event as read from a hook body: its name, kind, argument and known paths."""

    event: str
    kind: ShokoEventKind | None
    payload: Mapping[str, Any]
    path: str | None = None
    previous_path: str | None = None


def infer_kind(payload: Mapping[str, Any]) -> ShokoEventKind | None:
    """The event a bare argument object must be, or None when several events share its shape."""
    keys = {str(key).lower() for key in payload}
    if keys & {"previousfilename", "filename"}:
        return ShokoEventKind.FILE_RENAMED
    if "previousrelativepath" in keys:
        relocated = bool(keys & {"moved", "renamed"})
        return ShokoEventKind.FILE_RELOCATED if relocated else ShokoEventKind.FILE_MOVED
    if keys & {"automatchattempts", "hascrossreferences", "isudpbanned"}:
        return ShokoEventKind.FILE_NOT_MATCHED
    if "releaseinfo" in keys:
        return ShokoEventKind.RELEASE_SEARCH_COMPLETED
    if keys & {"hashes", "isnewvideo", "isnewfile", "usedexistinghashes"}:
        return ShokoEventKind.FILE_HASHED
    if "crossrefs" in keys:
        return ShokoEventKind.FILE_MATCHED  # v4: only FileMatched carried cross-references
    if "relativepath" in keys and "fileid" not in keys:
        return ShokoEventKind.FILE_DETECTED
    return None


def read_body(body: Mapping[str, Any]) -> ShokoMessage:
    """Read a ``/hooks/shoko`` body in any accepted form (see the module docstring)."""
    top = {str(key).lower(): value for key, value in body.items()}
    name = _text(top.get("event")) or _text(top.get("target"))
    if name is None:
        if "event" in top or "target" in top:
            raise BadPayload("Shoko hook body: 'event' must name the event")
        kind = infer_kind(body)
        if kind is None:
            raise BadPayload(
                "Shoko hook body: cannot tell which event this is; "
                'send {"event": "<name>", "payload": {...}}'
            )
        return ShokoMessage(kind.value, kind, body, _text(top.get("path")))
    if "payload" in top:
        payload = top["payload"]
    else:
        arguments = top.get("arguments")
        payload = arguments[0] if isinstance(arguments, list) and arguments else None
    if payload is None:
        payload = {}
    if not isinstance(payload, Mapping):
        raise BadPayload(f"Shoko hook body: the {name} payload must be a JSON object")
    return ShokoMessage(
        name,
        event_kind(name),
        payload,
        _text(top.get("path")),
        _text(top.get("previous_path")),
    )


def hook_body(
    target: str,
    payload: Mapping[str, Any],
    *,
    path: str | None = None,
    previous_path: str | None = None,
) -> dict[str, Any]:
    """The canonical hook body for one SignalR invocation (what ``read_body`` reads back)."""
    kind = event_kind(target)
    body: dict[str, Any] = {"event": kind.value if kind else target, "payload": dict(payload)}
    if path:
        body["path"] = path
    if previous_path:
        body["previous_path"] = previous_path
    return body


def absolute_path(folder: str, relative: str) -> str:
    """Join an import folder location and a relative path the way Shoko does."""
    if not folder:
        return relative
    separator = "\\" if "\\" in folder and "/" not in folder else "/"
    return folder.rstrip("/\\") + separator + relative.lstrip("/\\")
