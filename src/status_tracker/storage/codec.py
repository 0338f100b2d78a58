"""Turning core ``Request`` objects into rows and back (the ``data`` JSON document)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from status_tracker.core.model import Download, Episode, MediaType, Request
from status_tracker.core.states import RequestState


def _episode_key(episode: Episode) -> str:
    return f"{episode.season}x{episode.number}"


def _parse_episode(text: str) -> Episode:
    season, _, number = text.partition("x")
    return Episode(int(season), int(number))


def request_row(request: Request) -> dict[str, Any]:
    """Column values for ``tables.requests`` (without ``id``)."""
    data = {
        "poster_url": request.poster_url,
        "imdb_id": request.imdb_id,
        "quality": request.quality,
        "error": request.error,
        "watch_url": request.watch_url,
        "seasons": list(request.seasons),
        "expected_episodes": request.expected_episodes,
        "episodes": {_episode_key(e): str(s) for e, s in sorted(request.episodes.items())},
        "downloads": {key: _download_json(d) for key, d in request.downloads.items()},
        "facts": sorted(request.facts),
    }
    return {
        "state": str(request.state),
        "media_type": str(request.media_type),
        "title": request.title,
        "year": request.year,
        "requested_by": request.requested_by,
        "tmdb_id": request.tmdb_id,
        "tvdb_id": request.tvdb_id,
        "jellyseerr_request_id": request.jellyseerr_request_id,
        "is_anime": request.is_anime,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        "state_changed_at": request.state_changed_at,
        "completed_at": request.completed_at,
        "data": json.dumps(data, separators=(",", ":")),
    }


def _download_json(download: Download) -> dict[str, Any]:
    return {
        "size_bytes": download.size_bytes,
        "downloaded_bytes": download.downloaded_bytes,
        "speed_bps": download.speed_bps,
        "eta_seconds": download.eta_seconds,
        "progress": download.progress,
        "status": download.status,
        "episodes": [_episode_key(e) for e in download.episodes],
        "done": download.done,
    }


def _download(key: str, raw: dict[str, Any]) -> Download:
    return Download(
        download_id=key,
        size_bytes=raw.get("size_bytes"),
        downloaded_bytes=raw.get("downloaded_bytes"),
        speed_bps=raw.get("speed_bps"),
        eta_seconds=raw.get("eta_seconds"),
        progress=raw.get("progress"),
        status=raw.get("status"),
        episodes=tuple(_parse_episode(e) for e in raw.get("episodes", ())),
        done=bool(raw.get("done")),
    )


def request_from_row(row: Any) -> Request:
    """A core ``Request`` from a ``tables.requests`` row."""
    data: dict[str, Any] = json.loads(row.data)
    created: datetime = row.created_at
    return Request(
        id=row.id,
        media_type=MediaType(row.media_type),
        state=RequestState(row.state),
        created_at=created,
        updated_at=row.updated_at,
        state_changed_at=row.state_changed_at,
        title=row.title,
        year=row.year,
        requested_by=row.requested_by,
        poster_url=data.get("poster_url"),
        tmdb_id=row.tmdb_id,
        tvdb_id=row.tvdb_id,
        imdb_id=data.get("imdb_id"),
        jellyseerr_request_id=row.jellyseerr_request_id,
        quality=data.get("quality"),
        is_anime=bool(row.is_anime),
        error=data.get("error"),
        watch_url=data.get("watch_url"),
        completed_at=row.completed_at,
        seasons=tuple(data.get("seasons", ())),
        expected_episodes=data.get("expected_episodes"),
        episodes={_parse_episode(k): RequestState(v) for k, v in data.get("episodes", {}).items()},
        downloads={k: _download(k, v) for k, v in data.get("downloads", {}).items()},
        facts=frozenset(data.get("facts", ())),
    )
