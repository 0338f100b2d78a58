"""Jellyseerr → core events, from a webhook delivery or from an API request record.

Webhook ``notification_type`` → event:

    MEDIA_PENDING, MEDIA_AUTO_REQUESTED   Requested
    MEDIA_APPROVED                        Approved
    MEDIA_AUTO_APPROVED                   Approved(automatic=True)
    MEDIA_DECLINED                        Declined
    MEDIA_FAILED                          Failed (Jellyseerr could not hand it to Sonarr/Radarr)
    MEDIA_AVAILABLE                       MadeAvailable
    TEST_NOTIFICATION, ISSUE_*, others    nothing (stored only)

4K requests give the same events; their own ``request_id`` keeps them apart.
Correlation keys: ``jellyseerr_request`` (request id), ``tmdb``, ``tvdb``. The
title and year come from ``subject`` ("Title (Year)"), never used to correlate.

``events_for_request`` does the same for one ``GET /api/v1/request`` record, for
reconciliation: the event its request status implies, then ``MadeAvailable``
when the media is in the library.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from status_tracker.core.events import (
    Approved,
    Declined,
    Event,
    Failed,
    MadeAvailable,
    Requested,
)
from status_tracker.core.ids import guid, info_hash
from status_tracker.core.model import Key, KeyKind, MediaInfo, MediaType
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.jellyseerr.payloads import (
    JellyseerrRequestRecord,
    JellyseerrWebhook,
    MediaRequestStatus,
    MediaStatus,
    parse_webhook,
    split_subject,
)

log = logging.getLogger(__name__)

SOURCE = "jellyseerr"


_SERVICE = {MediaType.MOVIE: "Radarr", MediaType.TV: "Sonarr"}


def failure_reason(media_type: MediaType | None) -> str:
    """What a failed Jellyseerr request means, in words a user understands."""
    service = _SERVICE[media_type] if media_type else "Sonarr/Radarr"
    return f"Could not be sent to {service}"


def _media_type(*hints: str | None) -> MediaType | None:
    for hint in hints:
        text = (hint or "").lower()
        if text == "movie":
            return MediaType.MOVIE
        if text in ("tv", "series", "show"):
            return MediaType.TV
    return None


def _event_media_type(event: str | None) -> MediaType | None:
    """``New Series Request`` → tv, ``Movie Request Approved`` → movie."""
    words = (event or "").lower().split()
    if "series" in words:
        return MediaType.TV
    if "movie" in words:
        return MediaType.MOVIE
    return None


def _id_keys(request_id: int | None, tmdb_id: int | None, tvdb_id: int | None) -> list[Key]:
    keys: list[Key] = []
    if request_id is not None:
        keys.append(Key(KeyKind.JELLYSEERR_REQUEST, str(request_id)))
    if tmdb_id is not None:
        keys.append(Key(KeyKind.TMDB, str(tmdb_id)))
    if tvdb_id is not None:
        keys.append(Key(KeyKind.TVDB, str(tvdb_id)))
    return keys


# --- webhook ---------------------------------------------------------------------------------


_Build = Callable[[JellyseerrWebhook, dict[str, Any]], Event]


def _requested(hook: JellyseerrWebhook, common: dict[str, Any]) -> Event:
    return Requested(**common, seasons=hook.requested_seasons)


def _approved(hook: JellyseerrWebhook, common: dict[str, Any]) -> Event:
    return Approved(
        **common,
        seasons=hook.requested_seasons,
        automatic=hook.notification_type == "MEDIA_AUTO_APPROVED",
    )


def _declined(hook: JellyseerrWebhook, common: dict[str, Any]) -> Event:
    return Declined(**common)


def _failed(hook: JellyseerrWebhook, common: dict[str, Any]) -> Event:
    media: MediaInfo = common["media"]
    return Failed(**common, reason=failure_reason(media.media_type))


def _available(hook: JellyseerrWebhook, common: dict[str, Any]) -> Event:
    return MadeAvailable(**common)


_BUILDERS: dict[str, _Build] = {
    "MEDIA_PENDING": _requested,
    "MEDIA_AUTO_REQUESTED": _requested,
    "MEDIA_APPROVED": _approved,
    "MEDIA_AUTO_APPROVED": _approved,
    "MEDIA_DECLINED": _declined,
    "MEDIA_FAILED": _failed,
    "MEDIA_AVAILABLE": _available,
}


def translate(body: Mapping[str, Any], ctx: TranslateContext) -> list[Event]:
    """Events for one webhook delivery; ``[]`` for tests, issues and unknown types."""
    hook = parse_webhook(body)
    build = _BUILDERS.get(hook.notification_type)
    if build is None:
        log.debug("Jellyseerr %s: nothing to track", hook.notification_type)
        return []
    media, request = hook.media, hook.request
    tmdb_id = media.tmdb_id if media else None
    tvdb_id = media.tvdb_id if media else None
    keys = _id_keys(request.request_id if request else None, tmdb_id, tvdb_id)
    if not keys:
        raise BadPayload(
            f"Jellyseerr {hook.notification_type} carries no request_id, tmdbId or tvdbId; "
            "the webhook template needs its {{media}} and {{request}} objects"
        )
    seasons = hook.requested_seasons
    media_type = _media_type(media.media_type if media else None) or _event_media_type(hook.event)
    if media_type is None and seasons:
        media_type = MediaType.TV
    title, year = split_subject(hook.subject)
    common: dict[str, Any] = {
        "source": SOURCE,
        "keys": tuple(keys),
        "media": MediaInfo(
            media_type=media_type,
            title=title,
            year=year,
            tmdb_id=tmdb_id,
            tvdb_id=tvdb_id,
            poster_url=hook.image,
        ),
        "requested_by": request.requested_by_username if request else None,
    }
    return [build(hook, common)]


# --- API records (reconciliation) ------------------------------------------------------------


def _record_keys(record: JellyseerrRequestRecord, media_type: MediaType | None) -> list[Key]:
    media = record.media
    if media is None:
        return _id_keys(record.id, None, None)
    keys = _id_keys(record.id, media.tmdb_id, media.tvdb_id)
    if media.imdb_id:
        keys.append(Key(KeyKind.IMDB, media.imdb_id))
    # A 4K request usually lives on a second Radarr/Sonarr whose ids mean nothing to ours.
    if not record.is4k and media.external_service_id is not None:
        kind = KeyKind.SONARR_SERIES if media_type is MediaType.TV else KeyKind.RADARR_MOVIE
        keys.append(Key(kind, str(media.external_service_id)))
    jellyfin_id = media.jellyfin_media_id_4k if record.is4k else media.jellyfin_media_id
    if jellyfin_id:
        keys.append(Key(KeyKind.JELLYFIN_ITEM, guid(jellyfin_id)))
    downloads = media.download_status_4k if record.is4k else media.download_status
    for download in downloads:
        if download.download_id:
            key = Key(KeyKind.DOWNLOAD, info_hash(download.download_id))
            if key not in keys:
                keys.append(key)
    return keys


def _in_library(record: JellyseerrRequestRecord) -> bool:
    """The media (or, for a series, every requested season) is available."""
    if record.media_status == MediaStatus.AVAILABLE:
        return True
    media, wanted = record.media, record.season_numbers
    if media is None or not wanted or record.media_status != MediaStatus.PARTIALLY_AVAILABLE:
        return False
    status = {
        season.season_number: season.status4k if record.is4k else season.status
        for season in media.seasons
    }
    return all(status.get(number) == MediaStatus.AVAILABLE for number in wanted)


def events_for_request(record: JellyseerrRequestRecord) -> list[Event]:
    """The events one API request record implies, oldest step first."""
    media = record.media
    media_type = _media_type(record.type, media.media_type if media else None)
    info = MediaInfo(
        media_type=media_type,
        tmdb_id=media.tmdb_id if media else None,
        tvdb_id=media.tvdb_id if media else None,
        imdb_id=media.imdb_id if media else None,
    )
    keys = tuple(_record_keys(record, media_type))
    requested_by = record.requested_by.name if record.requested_by else None
    seasons = record.season_numbers

    def at(when: datetime | None) -> dict[str, Any]:
        return {"source": SOURCE, "keys": keys, "media": info, "occurred_at": when}

    events: list[Event] = []
    status = record.status
    if status == MediaRequestStatus.PENDING:
        events.append(
            Requested(**at(record.created_at), requested_by=requested_by, seasons=seasons)
        )
    elif status == MediaRequestStatus.APPROVED:
        events.append(Approved(**at(record.updated_at), requested_by=requested_by, seasons=seasons))
    elif status == MediaRequestStatus.COMPLETED:
        events.append(Approved(**at(record.created_at), requested_by=requested_by, seasons=seasons))
    elif status == MediaRequestStatus.DECLINED:
        return [Declined(**at(record.updated_at), requested_by=requested_by)]
    elif status == MediaRequestStatus.FAILED:
        events.append(
            Failed(
                **at(record.updated_at),
                requested_by=requested_by,
                reason=failure_reason(media_type),
            )
        )
    else:
        log.debug("Jellyseerr request %s has unknown status %r", record.id, status)
    if status == MediaRequestStatus.COMPLETED or _in_library(record):
        added = media.media_added_at if media else None
        events.append(MadeAvailable(**at(added or record.updated_at)))
    return events
