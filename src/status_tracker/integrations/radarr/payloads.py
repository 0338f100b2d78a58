"""Radarr v3 wire models: webhook bodies and the ``/api/v3`` resources the client reads.

Webhooks: ``eventType`` is PascalCase, fields camelCase, nulls left out, unknown
keys ignored. Radarr has no ImportComplete: one movie file imported is one
``Download``. Event types we don't track parse as ``Ignored``.
This module knows only Radarr's wire format; it never imports ``status_tracker.core``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


class Movie(ArrModel):
    """``movie`` on every webhook (and the API's movie resource, which has more).

    ``release_date`` is the physical release date; ``"9999-12-31"`` means unknown.
    """

    id: int
    title: str | None = None
    year: int | None = None
    release_date: str | None = None
    folder_path: str | None = None
    tmdb_id: int | None = None
    imdb_id: str | None = None
    overview: str | None = None
    genres: Loose[list[str]] = None
    images: Loose[list[Image]] = None
    tags: Loose[list[str]] = None
    original_language: Loose[Language] = None


class RemoteMovie(ArrModel):
    """``remoteMovie``: the movie as the release was parsed (Grab, Download, Test)."""

    tmdb_id: int | None = None
    imdb_id: str | None = None
    title: str | None = None
    year: int | None = None


class MovieFile(MediaFile):
    """``movieFile``; ``indexer_flags`` is a flags string such as ``"G_Freeleech"``."""

    indexer_flags: str | None = None


class RadarrEvent(Envelope):
    """Fields every tracked Radarr event has."""

    movie: Movie
    download_client: str | None = None
    download_client_type: str | None = None
    download_id: str | None = None
    release: Loose[Release] = None
    custom_format_info: Loose[CustomFormatInfo] = None


class Grab(RadarrEvent):
    """A release was sent to the download client."""

    remote_movie: Loose[RemoteMovie] = None


class Download(RadarrEvent):
    """The movie file was imported (``is_upgrade`` when it replaced an older file)."""

    remote_movie: Loose[RemoteMovie] = None
    movie_file: MovieFile
    is_upgrade: bool = False
    deleted_files: Loose[list[MovieFile]] = None


class ManualInteractionRequired(RadarrEvent):
    """A tracked download cannot be imported without a person."""

    download_info: Loose[DownloadInfo] = None
    download_status: str | None = None
    download_status_messages: Loose[list[StatusMessage]] = None


RadarrWebhook = Grab | Download | ManualInteractionRequired | Test | Ignored


def parse_webhook(body: Mapping[str, Any]) -> RadarrWebhook:
    """The typed webhook for ``body``; ``BadPayload`` when a tracked event lacks what it needs."""
    data = dict(body) if isinstance(body, Mapping) else body
    event_type = event_type_of(data, "radarr")
    match known_event(event_type):
        case EventType.TEST:
            return validate(Test, data, "radarr Test")
        case EventType.GRAB:
            return validate(Grab, data, "radarr Grab")
        case EventType.DOWNLOAD:
            return validate(Download, data, "radarr Download")
        case EventType.MANUAL_INTERACTION_REQUIRED:
            return validate(ManualInteractionRequired, data, "radarr ManualInteractionRequired")
    return validate(Ignored, data, f"radarr {event_type}")


# --- API resources ------------------------------------------------------------------------


class LibraryMovie(ArrModel):
    """``GET /api/v3/movie?tmdbId=``: a movie in Radarr's library."""

    id: int
    title: str | None = None
    year: int | None = None
    tmdb_id: int | None = None
    imdb_id: str | None = None
    path: str | None = None
    monitored: bool | None = None
    has_file: bool | None = None
    images: Loose[list[Image]] = None


class QueueRecord(QueueRecordBase):
    """A queue row: one per download."""

    movie_id: int | None = None
    movie: Loose[Movie] = None


class HistoryRecord(HistoryRecordBase):
    """A history row of one movie."""

    movie_id: int | None = None
    movie: Loose[Movie] = None
