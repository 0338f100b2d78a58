"""Events: what a service told us, translated into the domain. Past tense, frozen.

Every event carries its ``source`` (the service that said it), the time it says
it happened (or None, and the pipeline's clock is used), its correlation keys and
what it knows about the title. Each class names the step it stands for in
``STEP``; ``machine.apply`` does the rest. Don't subclass these outside this file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from status_tracker.core.model import Episode, Key, MediaInfo
from status_tracker.core.states import RequestState


@dataclass(frozen=True, kw_only=True, slots=True)
class Event:
    """Common fields of every event."""

    STEP: ClassVar[RequestState | None] = None
    CREATES: ClassVar[bool] = False
    """Whether this event may start tracking a request nobody has seen yet (an event that
    carries a Jellyseerr request id always may: the request exists there)."""

    source: str
    requested_by: str | None = None
    """The requester's user name, when the service knows it (Jellyseerr)."""
    keys: tuple[Key, ...] = ()
    media: MediaInfo = MediaInfo()  # noqa: RUF009 - frozen, shared safely
    occurred_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Requested(Event):
    """Someone asked for a title (Jellyseerr MEDIA_PENDING)."""

    STEP = RequestState.REQUESTED
    CREATES = True
    seasons: tuple[int, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Approved(Event):
    """The request was approved (by an admin or automatically); searching starts."""

    STEP = RequestState.APPROVED
    CREATES = True
    seasons: tuple[int, ...] = ()
    automatic: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class Declined(Event):
    """An admin declined the request."""

    STEP = RequestState.DECLINED
    CREATES = True
    reason: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Failed(Event):
    """Something failed for good until someone retries."""

    STEP = RequestState.FAILED
    CREATES = True
    reason: str
    download_id: str | None = None
    """The download that failed, when one did; the request fails only if none other is left."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RetryRequested(Event):
    """A new search was sent upstream."""

    STEP = RequestState.SEARCHING


@dataclass(frozen=True, kw_only=True, slots=True)
class Grabbed(Event):
    """A release was found and sent to the download client."""

    STEP = RequestState.INDEXED
    CREATES = True
    download_id: str | None = None
    quality: str | None = None
    indexer: str | None = None
    release_title: str | None = None
    size_bytes: int | None = None
    protocol: str | None = None
    episodes: tuple[Episode, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Progressed(Event):
    """A progress sample for one download; never written to the timeline per sample."""

    STEP = RequestState.DOWNLOADING
    download_id: str
    progress: float | None = None
    size_bytes: int | None = None
    downloaded_bytes: int | None = None
    speed_bps: int | None = None
    eta_seconds: int | None = None
    status: str | None = None
    problem: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class DownloadFinished(Event):
    """The download client finished a download."""

    STEP = RequestState.DOWNLOAD_DONE
    download_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Imported(Event):
    """Files were imported into the library folder (per file, or the whole batch)."""

    STEP = RequestState.IMPORTING
    CREATES = True
    download_id: str | None = None
    paths: tuple[str, ...] = ()
    episodes: tuple[Episode, ...] = ()
    quality: str | None = None
    upgrade: bool = False
    complete: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class Matched(Event):
    """Shoko matched an imported file to an anime: the library is being indexed."""

    STEP = RequestState.ANIME_INDEXING
    file_id: str | None = None
    path: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class MadeAvailable(Event):
    """The media server has it: ready to watch."""

    STEP = RequestState.AVAILABLE
    watch_url: str | None = None
    episodes: tuple[Episode, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Watched(Event):
    """The requester started watching it."""

    STEP = RequestState.COMPLETED
    user: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NeedsAttention(Event):
    """A problem a person has to look at; the state does not change."""

    message: str
    details: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class EpisodesExpected(Event):
    """How many episodes the request wants, from the series' own data."""

    count: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Noted(Event):
    """Something worth a timeline line that changes nothing (e.g. a file renamed)."""

    message: str
    step: RequestState | None = None


__all__ = [
    "Approved",
    "Declined",
    "DownloadFinished",
    "Episode",
    "EpisodesExpected",
    "Event",
    "Failed",
    "Grabbed",
    "Imported",
    "MadeAvailable",
    "Matched",
    "NeedsAttention",
    "Noted",
    "Progressed",
    "Requested",
    "RetryRequested",
    "Watched",
]
