"""Value objects: a request, its downloads and episodes, its timeline and its keys.

These are plain frozen dataclasses. ``machine.apply`` returns new ones; storage
turns them into rows and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from status_tracker.core.states import RequestState


class MediaType(StrEnum):
    """Film or series."""

    MOVIE = "movie"
    TV = "tv"


class KeyKind(StrEnum):
    """Kinds of correlation key. Identity kinds name one request; media kinds name a title."""

    JELLYSEERR_REQUEST = "jellyseerr_request"
    TMDB = "tmdb"
    TVDB = "tvdb"
    IMDB = "imdb"
    SONARR_SERIES = "sonarr_series"
    RADARR_MOVIE = "radarr_movie"
    DOWNLOAD = "download"
    PATH = "path"
    PATH_TAIL = "path_tail"
    """The last three parts of a path (series/season/file), for services that mount differently."""
    JELLYFIN_ITEM = "jellyfin_item"
    SHOKO_FILE = "shoko_file"


MEDIA_KINDS: frozenset[KeyKind] = frozenset(
    {KeyKind.TMDB, KeyKind.TVDB, KeyKind.IMDB, KeyKind.SONARR_SERIES, KeyKind.RADARR_MOVIE}
)
"""Keys shared by every request for the same title (a re-request reuses them)."""


class Key(NamedTuple):
    """One correlation key, e.g. ``Key(KeyKind.TMDB, "603")``."""

    kind: KeyKind
    value: str


class Episode(NamedTuple):
    """A TV episode number."""

    season: int
    number: int


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What an event knows about the title; unknown fields are None."""

    media_type: MediaType | None = None
    title: str | None = None
    year: int | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    imdb_id: str | None = None
    poster_url: str | None = None


@dataclass(frozen=True, slots=True)
class Download:
    """One download (torrent or NZB) of a request, as last reported."""

    download_id: str
    size_bytes: int | None = None
    downloaded_bytes: int | None = None
    speed_bps: int | None = None
    eta_seconds: int | None = None
    progress: float | None = None
    status: str | None = None
    episodes: tuple[Episode, ...] = ()
    done: bool = False


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One thing that happened, in words a user understands."""

    state: RequestState
    timestamp: datetime
    source: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Request:
    """A request as the pipeline knows it. ``id`` is None until it is stored."""

    id: int | None
    media_type: MediaType
    state: RequestState
    created_at: datetime
    updated_at: datetime
    state_changed_at: datetime
    title: str | None = None
    year: int | None = None
    requested_by: str | None = None
    poster_url: str | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    imdb_id: str | None = None
    jellyseerr_request_id: int | None = None
    quality: str | None = None
    is_anime: bool = False
    error: str | None = None
    watch_url: str | None = None
    completed_at: datetime | None = None
    seasons: tuple[int, ...] = ()
    expected_episodes: int | None = None
    episodes: dict[Episode, RequestState] = field(default_factory=dict)
    downloads: dict[str, Download] = field(default_factory=dict)
    facts: frozenset[str] = frozenset()
    """Fingerprints of timeline entries already recorded, so a repeated fact adds nothing."""
