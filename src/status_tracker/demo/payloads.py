"""Webhook bodies in the exact shapes the real services send (see tests' fixtures)."""

from __future__ import annotations

from typing import Any

TMDB_IMAGE = "https://image.tmdb.org/t/p/w600_and_h900_bestv2"

EVENT_WORDS = {
    "MEDIA_PENDING": "New {kind} Request",
    "MEDIA_APPROVED": "{kind} Request Approved",
    "MEDIA_AUTO_APPROVED": "{kind} Request Automatically Approved",
    "MEDIA_AVAILABLE": "{kind} Request Now Available",
    "MEDIA_FAILED": "{kind} Request Failed",
    "MEDIA_DECLINED": "{kind} Request Declined",
}


def jellyseerr(
    notification_type: str,
    *,
    title: str,
    year: int,
    media_type: str,
    tmdb_id: int,
    request_id: int,
    user: str,
    tvdb_id: int | None = None,
    seasons: str | None = None,
    poster: str = "",
) -> dict[str, Any]:
    """A Jellyseerr webhook body rendered from its default JSON template (all strings)."""
    kind = "Movie" if media_type == "movie" else "Series"
    return {
        "notification_type": notification_type,
        "event": EVENT_WORDS[notification_type].format(kind=kind),
        "subject": f"{title} ({year})",
        "message": "",
        "image": f"{TMDB_IMAGE}{poster}" if poster else "",
        "media": {
            "media_type": media_type,
            "tmdbId": str(tmdb_id),
            "tvdbId": str(tvdb_id) if tvdb_id else "",
            "status": "PROCESSING",
            "status4k": "UNKNOWN",
        },
        "request": {
            "request_id": str(request_id),
            "requestedBy_email": f"{user}@example.com",
            "requestedBy_username": user,
            "requestedBy_avatar": "",
            "requestedBy_settings_discordId": "",
            "requestedBy_settings_telegramChatId": "",
        },
        "issue": None,
        "comment": None,
        "extra": [{"name": "Requested Seasons", "value": seasons}] if seasons else [],
    }
