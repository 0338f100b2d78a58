"""The JSON shapes of CONTRACT §4 and the one function that builds a Request's JSON.

Used by the API (response models, for the OpenAPI schema) and by the writer,
which serialises each change once for every SSE subscriber.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from status_tracker.core import summary
from status_tracker.core.model import Request, TimelineEntry
from status_tracker.core.states import LABELS


class DownloadOut(BaseModel):
    """Totals over the downloads still running."""

    speed_bps: int | None
    eta_seconds: int | None
    size_bytes: int | None
    downloaded_bytes: int | None


class EpisodesOut(BaseModel):
    """TV episode counts."""

    total: int
    downloaded: int
    imported: int
    available: int


class RequestOut(BaseModel):
    """One request (CONTRACT §4)."""

    id: int
    title: str | None
    year: int | None
    media_type: str
    state: str
    state_label: str
    progress: float | None
    download: DownloadOut | None
    episodes: EpisodesOut | None
    quality: str | None
    requested_by: str | None
    is_anime: bool
    tmdb_id: int | None
    tvdb_id: int | None
    jellyseerr_request_id: int | None
    download_ids: list[str]
    watch_url: str | None
    poster_url: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


class TimelineEntryOut(BaseModel):
    """One timeline entry."""

    state: str
    label: str
    timestamp: datetime
    source: str
    message: str
    details: dict[str, Any]


class RequestDetailOut(RequestOut):
    """One request with its timeline."""

    timeline: list[TimelineEntryOut]


class RequestListOut(BaseModel):
    """A page of requests."""

    items: list[RequestOut]
    total: int
    limit: int
    offset: int


class TimelineOut(BaseModel):
    """A request's timeline, oldest first."""

    items: list[TimelineEntryOut]


class IntegrationHealthOut(BaseModel):
    """Health of one integration."""

    enabled: bool
    status: str
    last_success: datetime | None
    last_error: str | None


class HealthOut(BaseModel):
    """``GET /api/health``."""

    status: str
    version: str
    database: str
    integrations: dict[str, IntegrationHealthOut]


def request_json(request: Request) -> dict[str, Any]:
    """The CONTRACT §4 Request object as plain JSON-ready data."""
    assert request.id is not None
    download = summary.download_summary(request)
    episodes = summary.episode_counts(request)
    return {
        "id": request.id,
        "title": request.title,
        "year": request.year,
        "media_type": str(request.media_type),
        "state": str(request.state),
        "state_label": LABELS[request.state],
        "progress": summary.progress(request),
        "download": _plain(download) if download else None,
        "episodes": _plain(episodes) if episodes else None,
        "quality": request.quality,
        "requested_by": request.requested_by,
        "is_anime": request.is_anime,
        "tmdb_id": request.tmdb_id,
        "tvdb_id": request.tvdb_id,
        "jellyseerr_request_id": request.jellyseerr_request_id,
        "download_ids": sorted(request.downloads),
        "watch_url": request.watch_url,
        "poster_url": f"/posters/{request.id}" if request.poster_url else None,
        "error": request.error,
        "created_at": request.created_at.isoformat(),
        "updated_at": request.updated_at.isoformat(),
        "completed_at": request.completed_at.isoformat() if request.completed_at else None,
    }


def _plain(value: Any) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__slots__}


def timeline_json(entry: TimelineEntry) -> dict[str, Any]:
    """One timeline entry as JSON-ready data."""
    return {
        "state": str(entry.state),
        "label": LABELS[entry.state],
        "timestamp": entry.timestamp.isoformat(),
        "source": entry.source,
        "message": entry.message,
        "details": entry.details,
    }
