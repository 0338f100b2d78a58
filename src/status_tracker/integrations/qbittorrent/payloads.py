"""qBittorrent wire models: torrents from ``sync/maindata`` and the run-on-finish hook form.

``sync/maindata?rid=N`` answers with a delta: new torrents in full, known ones as
partial dicts, ``torrents_removed`` for the gone ones, ``full_update: true`` when
the server starts over (rid 0, a new session, a rid it no longer knows). Torrent
dicts carry no ``hash`` key; the hash is the map key. Field sets vary by version
(``content_path`` from WebAPI 2.6.1, ``infohash_v1``/``infohash_v2`` from 4.4,
more in 5.x), so every field is optional, numbers may be strings, junk reads as
the field's default and unknown keys are ignored.

Hashes: ``hash`` is the torrent ID, which for hybrid and v2-only torrents is the
v2 SHA-256 truncated to 40 hex, not the v1 info-hash; ``info_hashes`` lists every
spelling a torrent may be known by. ``eta`` 8640000 means "infinite/unknown".

This module knows the vendor's format only; it raises ``BadPayload`` and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from status_tracker.integrations.errors import BadPayload

INFINITE_ETA = 8640000
"""``eta`` value qBittorrent sends for "no estimate" (100 days)."""

_HASH = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")


def _int_or(default: int) -> Callable[[Any], int]:
    def coerce(value: Any) -> int:
        if isinstance(value, bool):
            return default
        if isinstance(value, int):
            return value
        try:
            number = float(value.strip()) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            return default
        return int(number) if number == number and abs(number) != float("inf") else default

    return coerce


def _float_or(default: float) -> Callable[[Any], float]:
    def coerce(value: Any) -> float:
        if isinstance(value, bool):
            return default
        try:
            number = float(value.strip()) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            return default
        return number if number == number and abs(number) != float("inf") else default

    return coerce


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value)


Int0 = Annotated[int, BeforeValidator(_int_or(0))]
Float0 = Annotated[float, BeforeValidator(_float_or(0.0))]
Eta = Annotated[int, BeforeValidator(_int_or(INFINITE_ETA))]
Text = Annotated[str, BeforeValidator(_text)]


def usable_hash(value: str) -> str | None:
    """A 40- or 64-hex info-hash in lower case, or None (``"-"``, ``""``, junk)."""
    text = value.strip()
    return text.lower() if _HASH.match(text) else None


class TorrentSnapshot(BaseModel):
    """One torrent as last reported (the merged ``sync/maindata`` fields)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    hash: str
    """Torrent ID, lower-case (v1 hash, or truncated v2 for hybrid/v2 torrents)."""
    name: Text = ""
    state: Text = "unknown"
    progress: Float0 = 0.0
    size: Int0 = 0
    """Bytes of the wanted files (0 before a magnet has its metadata)."""
    total_size: Int0 = 0
    """Bytes of all files (-1 before a magnet has its metadata)."""
    downloaded: Int0 = 0
    completed: Int0 = 0
    amount_left: Int0 = 0
    dlspeed: Int0 = 0
    upspeed: Int0 = 0
    eta: Eta = INFINITE_ETA
    save_path: Text = ""
    content_path: Text = ""
    category: Text = ""
    tags: Text = ""
    infohash_v1: Text = ""
    infohash_v2: Text = ""
    num_seeds: Int0 = 0
    num_leechs: Int0 = 0
    added_on: Int0 = 0
    completion_on: Int0 = 0

    @property
    def info_hashes(self) -> tuple[str, ...]:
        """Every usable lower-case hash of this torrent: ID, v1, full v2 (no duplicates)."""
        found: list[str] = []
        for value in (self.hash, self.infohash_v1, self.infohash_v2):
            hashed = usable_hash(value)
            if hashed and hashed not in found:
                found.append(hashed)
        return tuple(found)

    @classmethod
    def from_fields(cls, torrent_id: str, fields: Mapping[str, Any]) -> TorrentSnapshot:
        """Build from a ``sync/maindata`` / ``torrents/info`` dict; ``BadPayload`` if unusable."""
        try:
            return cls.model_validate({**fields, "hash": torrent_id.strip().lower()})
        except ValidationError as exc:
            raise BadPayload(f"qBittorrent torrent {torrent_id!r}: {exc}") from exc


class MainDataDelta(BaseModel):
    """One ``sync/maindata`` answer as sent (only the parts we use)."""

    model_config = ConfigDict(extra="ignore")

    rid: int
    full_update: bool = False
    torrents: dict[str, dict[str, Any]] = Field(default_factory=dict)
    torrents_removed: list[str] = Field(default_factory=list)

    @classmethod
    def parse(cls, body: Any) -> MainDataDelta:
        """Validate a decoded answer; ``BadPayload`` when it is not a maindata object."""
        try:
            return cls.model_validate(body)
        except ValidationError as exc:
            raise BadPayload(f"qBittorrent sync/maindata: {exc}") from exc


@dataclass(frozen=True, slots=True)
class MainData:
    """The merged view after one ``sync/maindata`` call.

    ``torrents`` is every torrent the server has, by lower-case torrent ID;
    ``changed`` the IDs whose fields arrived in this answer (all of them on a full
    update); ``removed`` the IDs that disappeared since the previous call.
    """

    rid: int
    full_update: bool
    torrents: Mapping[str, TorrentSnapshot]
    changed: frozenset[str]
    removed: frozenset[str]


class FinishedHook(BaseModel):
    """The "Run external program on torrent finished" body (JSON or form, CONTRACT §3.3).

    The documented command sends ``hash`` (%I: v1 hash, ``-`` for v2-only torrents),
    ``name`` (%N), ``path`` (%F), ``save_path`` (%D), ``category`` (%L) and ``size``
    (%Z). ``id`` (%K) and ``hash_v2`` (%J) are read too when a user adds them, and
    ``content_path`` is accepted for ``path``. Form values may arrive as lists.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    hash: Text
    id: Text = ""
    hash_v2: Text = ""
    name: Text = ""
    path: Text = Field(default="", validation_alias=AliasChoices("path", "content_path"))
    save_path: Text = ""
    category: Text = ""
    size: Annotated[int | None, BeforeValidator(_int_or(-1))] = None

    @model_validator(mode="before")
    @classmethod
    def _first_of_lists(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {
                key: (value[0] if value else "") if isinstance(value, list | tuple) else value
                for key, value in data.items()
            }
        return data

    @property
    def info_hashes(self) -> tuple[str, ...]:
        """Usable lower-case hashes: torrent ID first, then v1, then v2 (no duplicates)."""
        found: list[str] = []
        for value in (self.id, self.hash, self.hash_v2):
            hashed = usable_hash(value)
            if hashed and hashed not in found:
                found.append(hashed)
        return tuple(found)

    @property
    def size_bytes(self) -> int | None:
        """``%Z`` as a number; None when absent or -1 (no metadata yet)."""
        return self.size if self.size is not None and self.size >= 0 else None

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> FinishedHook:
        """Validate a hook body; ``BadPayload`` when ``hash`` is missing or nothing is usable."""
        if "hash" not in body:
            raise BadPayload("qBittorrent hook: missing 'hash'")
        try:
            hook = cls.model_validate(body)
        except ValidationError as exc:
            raise BadPayload(f"qBittorrent hook: {exc}") from exc
        if not hook.info_hashes:
            raise BadPayload(f"qBittorrent hook: no usable info-hash in {hook.hash!r}")
        return hook
