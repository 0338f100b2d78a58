"""Sonarr v3 wire models: webhook bodies and the ``/api/v3`` resources the client reads.

Webhooks: ``eventType`` is PascalCase, fields camelCase, nulls left out, unknown
keys ignored. ImportComplete has no ``eventType`` of its own: it arrives as
``"Download"`` with ``episodeFiles[]`` and without ``episodeFile``; ``parse_webhook``
tells the two apart. Event types we don't track parse as ``Ignored``.
This module knows only Sonarr's wire format; it never imports ``status_tracker.core``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import Field

from status_tracker.integrations._arr import (
    ArrModel,
    CustomFormatInfo,
    DownloadInfo,
    Envelope,
    EventType,
    Ignored,
    Image,
    Language,
    Loose,
    MediaFile,
    Release,
    StatusMessage,
    Test,
    event_type_of,
    known_event,
    validate,
)
from status_tracker.integrations._arr_api import HistoryRecordBase, QueueRecordBase


class Series(ArrModel):
    """``series`` on every webhook (and the API's series resource, which has more)."""

    id: int
    title: str | None = None
    title_slug: str | None = None
    path: str | None = None
    tvdb_id: int | None = None
    tv_maze_id: int | None = None
    tmdb_id: int | None = None
    imdb_id: str | None = None
    type: str | None = None
    year: int | None = None
    genres: Loose[list[str]] = None
    images: Loose[list[Image]] = None
    tags: Loose[list[str]] = None
    original_language: Loose[Language] = None


class Episode(ArrModel):
    """An entry of ``episodes[]`` (no absolute number, even for anime)."""

    id: int | None = None
    season_number: int
    episode_number: int
    title: str | None = None
    air_date: str | None = None
    air_date_utc: Loose[datetime] = None
    series_id: int | None = None
    tvdb_id: int | None = None


class SonarrEvent(Envelope):
    """Fields every tracked Sonarr event has."""

    series: Series
    episodes: list[Episode] = Field(default_factory=list)
    download_client: str | None = None
    download_client_type: str | None = None
    download_id: str | None = None
    release: Loose[Release] = None


class Grab(SonarrEvent):
    """A release was sent to the download client."""

    custom_format_info: Loose[CustomFormatInfo] = None


class Download(SonarrEvent):
    """One episode file was imported (a season pack sends one per file)."""

    episode_file: MediaFile
    is_upgrade: bool = False
    deleted_files: Loose[list[MediaFile]] = None
    custom_format_info: Loose[CustomFormatInfo] = None


class ImportComplete(SonarrEvent):
    """Every file of one release is imported (``eventType`` is still ``Download``)."""

    episode_files: list[MediaFile]
    file_count: int | None = None
    source_path: str | None = None
    destination_path: str | None = None


class ManualInteractionRequired(SonarrEvent):
    """A tracked download cannot be imported without a person."""

    download_info: Loose[DownloadInfo] = None
    download_status: str | None = None
    download_status_messages: Loose[list[StatusMessage]] = None
    custom_format_info: Loose[CustomFormatInfo] = None


SonarrWebhook = Grab | Download | ImportComplete | ManualInteractionRequired | Test | Ignored


def parse_webhook(body: Mapping[str, Any]) -> SonarrWebhook:
    """The typed webhook for ``body``; ``BadPayload`` when a tracked event lacks what it needs."""
    data = dict(body) if isinstance(body, Mapping) else body
    event_type = event_type_of(data, "sonarr")
    match known_event(event_type):
        case EventType.TEST:
            return validate(Test, data, "sonarr Test")
        case EventType.GRAB:
            return validate(Grab, data, "sonarr Grab")
        case EventType.DOWNLOAD if "episodeFiles" in data and "episodeFile" not in data:
            return validate(ImportComplete, data, "sonarr ImportComplete")
        case EventType.DOWNLOAD:
            return validate(Download, data, "sonarr Download")
        case EventType.MANUAL_INTERACTION_REQUIRED:
            return validate(ManualInteractionRequired, data, "sonarr ManualInteractionRequired")
    return validate(Ignored, data, f"sonarr {event_type}")


# --- API resources ------------------------------------------------------------------------


class SeasonStatistics(ArrModel):
    """Counts Sonarr keeps per season."""

    episode_file_count: int | None = None
    episode_count: int | None = None
    total_episode_count: int | None = None


class Season(ArrModel):
    """A season of a library series."""

    season_number: int
    monitored: bool | None = None
    statistics: Loose[SeasonStatistics] = None


class LibrarySeries(Series):
    """``GET /api/v3/series?tvdbId=``: a series in Sonarr's library."""

    monitored: bool | None = None
    seasons: Loose[list[Season]] = None


class LibraryEpisode(ArrModel):
    """``GET /api/v3/episode?seriesId=``: one episode with its file state."""

    id: int | None = None
    series_id: int | None = None
    season_number: int
    episode_number: int
    title: str | None = None
    air_date_utc: Loose[datetime] = None
    has_file: bool = False
    monitored: bool | None = None


class QueueRecord(QueueRecordBase):
    """A queue row: one per episode, all rows of a season pack share ``download_id``."""

    series_id: int | None = None
    episode_id: int | None = None
    season_number: int | None = None
    series: Loose[Series] = None
    episode: Loose[Episode] = None


class HistoryRecord(HistoryRecordBase):
    """A history row: one per episode (a season pack grab writes one row per episode)."""

    series_id: int | None = None
    episode_id: int | None = None
    series: Loose[Series] = None
    episode: Loose[Episode] = None
