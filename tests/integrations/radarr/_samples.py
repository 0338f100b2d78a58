"""Recorded Radarr payloads from ``fixtures/``, and a way to give them other ids and titles."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> Any:
    """A fixture file, decoded."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def vary(
    body: dict[str, Any], *, movie_id: int, tmdb_id: int, title: str, download_id: str | None
) -> dict[str, Any]:
    """A copy of a webhook body about another movie and download."""
    copied: dict[str, Any] = copy.deepcopy(body)
    copied["movie"].update(id=movie_id, tmdbId=tmdb_id, title=title)
    if "remoteMovie" in copied:
        copied["remoteMovie"].update(tmdbId=tmdb_id, title=title)
    if download_id is None:
        copied.pop("downloadId", None)
    else:
        copied["downloadId"] = download_id
    return copied


JELLYSEERR_MOVIE: dict[str, Any] = json.loads(
    (FIXTURES.parents[2] / "fixtures" / "jellyseerr" / "media_auto_approved_movie.json").read_text(
        encoding="utf-8"
    )
)


def jellyseerr_movie(
    notification: str, *, request_id: int, tmdb_id: int, user: str, subject: str | None = None
) -> dict[str, Any]:
    """A recorded Jellyseerr movie webhook (default template) about another request and film."""
    body: dict[str, Any] = copy.deepcopy(JELLYSEERR_MOVIE)
    body["notification_type"] = notification
    body["media"]["tmdbId"] = str(tmdb_id)
    body["request"].update(request_id=str(request_id), requestedBy_username=user)
    if subject is not None:
        body["subject"] = subject
    return body
