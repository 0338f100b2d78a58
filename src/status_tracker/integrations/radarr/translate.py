"""Radarr → core events: webhooks, and queue/history rows for reconciliation.

Every event carries the movie's keys (``radarr_movie``, ``tmdb``, ``imdb``), the
lower-cased ``download`` id when there is one, and a ``path`` key for the
imported file (canonical, after ``TRACKER_PATH_MAPPINGS``). Titles are only
shown, never matched on. A movie is one file, so its ``Download`` is the whole
release: ``Imported(complete=True)``. Test and untracked event types give no events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from status_tracker.core.events import (
    DownloadFinished,
    Event,
    Failed,
    Grabbed,
    Imported,
    NeedsAttention,
    Progressed,
)
from status_tracker.core.ids import canonical_path, info_hash, to_int, to_text
from status_tracker.core.model import Key, KeyKind, MediaInfo, MediaType
from status_tracker.integrations._arr import (
    DownloadInfo,
    Release,
    poster_of,
    protocol_of,
    status_messages_text,
)
from status_tracker.integrations._arr_api import HistoryEvent, QueueStage
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.radarr import payloads as wire

SOURCE = "radarr"


def translate(body: Mapping[str, Any], ctx: TranslateContext) -> list[Event]:
    """Core events for one Radarr webhook body (``[]`` for Test and untracked types)."""
    hook = wire.parse_webhook(body)
    match hook:
        case wire.Grab():
            return [_grabbed(hook)]
        case wire.Download():
            return [_imported(hook, ctx)]
        case wire.ManualInteractionRequired():
            return [_needs_attention(hook)]
    return []


def _grabbed(hook: wire.Grab) -> Grabbed:
    release = hook.release or Release()
    download_id = _download_id(hook.download_id)
    return Grabbed(
        source=SOURCE,
        keys=movie_keys(hook.movie, hook.remote_movie, download_id=download_id),
        media=media_of(hook.movie, hook.remote_movie),
        download_id=download_id,
        quality=to_text(release.quality),
        indexer=to_text(release.indexer),
        release_title=to_text(release.release_title),
        size_bytes=release.size or None,
        protocol=protocol_of(None, hook.download_client_type),
    )


def _imported(hook: wire.Download, ctx: TranslateContext) -> Imported:
    download_id = _download_id(hook.download_id)
    path = to_text(hook.movie_file.path)
    folder = to_text(hook.movie.folder_path)
    if path is None and folder and hook.movie_file.relative_path:
        path = f"{folder.rstrip('/')}/{hook.movie_file.relative_path}"
    if path is None:
        raise BadPayload("radarr Download: movieFile has no path")
    canonical = canonical_path(path, ctx.path_mappings)
    release = hook.release or Release()
    return Imported(
        source=SOURCE,
        keys=movie_keys(hook.movie, hook.remote_movie, download_id=download_id, paths=(canonical,)),
        media=media_of(hook.movie, hook.remote_movie),
        occurred_at=hook.movie_file.date_added,
        download_id=download_id,
        paths=(canonical,),
        quality=to_text(hook.movie_file.quality) or to_text(release.quality),
        upgrade=hook.is_upgrade,
        complete=True,
    )


def _needs_attention(hook: wire.ManualInteractionRequired) -> NeedsAttention:
    download_id = _download_id(hook.download_id)
    info = hook.download_info or DownloadInfo()
    details = {
        "download_id": download_id,
        "title": to_text(info.title),
        "quality": to_text(info.quality),
        "status": to_text(hook.download_status),
    }
    return NeedsAttention(
        source=SOURCE,
        keys=movie_keys(hook.movie, download_id=download_id),
        media=media_of(hook.movie),
        message=attention_message(status_messages_text(hook.download_status_messages)),
        details=tuple((name, value) for name, value in details.items() if value),
    )


def attention_message(text: str | None) -> str:
    """``Needs attention: <what Radarr said>``."""
    return f"Needs attention: {text or 'Radarr could not import this download automatically'}"


# --- building blocks -----------------------------------------------------------------------


def media_of(movie: wire.Movie | None, remote: wire.RemoteMovie | None = None) -> MediaInfo:
    """What the movie block says about the title (0 ids and years mean unknown)."""
    if movie is None:
        return MediaInfo(media_type=MediaType.MOVIE)
    return MediaInfo(
        media_type=MediaType.MOVIE,
        title=to_text(movie.title),
        year=movie.year or None,
        tmdb_id=movie.tmdb_id or (remote.tmdb_id if remote else None) or None,
        imdb_id=to_text(movie.imdb_id) or (to_text(remote.imdb_id) if remote else None),
        poster_url=poster_of(movie.images),
    )


def movie_keys(
    movie: wire.Movie | None,
    remote: wire.RemoteMovie | None = None,
    *,
    movie_id: int | None = None,
    download_id: str | None = None,
    paths: Iterable[str] = (),
) -> tuple[Key, ...]:
    """Correlation keys: the movie's ids, the download, then each path."""
    keys: list[Key] = []
    media = media_of(movie, remote) if movie is not None else None
    radarr_id = movie.id if movie is not None else movie_id
    if radarr_id:
        keys.append(Key(KeyKind.RADARR_MOVIE, str(radarr_id)))
    if media is not None and media.tmdb_id:
        keys.append(Key(KeyKind.TMDB, str(media.tmdb_id)))
    if media is not None and media.imdb_id:
        keys.append(Key(KeyKind.IMDB, media.imdb_id))
    if download_id:
        keys.append(Key(KeyKind.DOWNLOAD, download_id))
    keys.extend(Key(KeyKind.PATH, path) for path in paths)
    return tuple(dict.fromkeys(keys))


def _download_id(value: str | None) -> str | None:
    text = to_text(value)
    return info_hash(text) if text else None


# --- reconciliation: queue and history rows ------------------------------------------------


def from_queue(records: Iterable[wire.QueueRecord]) -> list[Event]:
    """Events for the queue, one group per (download id, movie); rows without an id are skipped.

    Each gives ``Grabbed``, then by stage: ``Progressed`` while downloading
    (``problem`` set when stalled or warned), ``DownloadFinished`` once the client
    is done, ``DownloadFinished`` + ``NeedsAttention`` when the import is blocked,
    ``Failed`` when Radarr gave the download up.
    """
    events: list[Event] = []
    seen: set[tuple[str, int | None]] = set()
    for row in records:
        download_id = _download_id(row.download_id)
        if download_id is None or (download_id, row.movie_id) in seen:
            continue
        seen.add((download_id, row.movie_id))
        keys = movie_keys(row.movie, movie_id=row.movie_id, download_id=download_id)
        common: dict[str, Any] = {"source": SOURCE, "keys": keys, "media": media_of(row.movie)}
        events.append(
            Grabbed(
                **common,
                download_id=download_id,
                quality=row.quality.name if row.quality else None,
                indexer=to_text(row.indexer),
                release_title=to_text(row.title),
                size_bytes=int(row.size) if row.size else None,
                protocol=protocol_of(row.protocol),
            )
        )
        events.extend(_queue_stage_events(row, download_id, common))
    return events


def _queue_stage_events(
    row: wire.QueueRecord, download_id: str, common: dict[str, Any]
) -> list[Event]:
    match row.stage:
        case QueueStage.FAILED:
            reason = f"Download failed: {row.problem}" if row.problem else "Download failed"
            return [Failed(**common, reason=reason, download_id=download_id)]
        case QueueStage.BLOCKED:
            details = (("download_id", download_id),)
            return [
                DownloadFinished(**common, download_id=download_id),
                NeedsAttention(**common, message=attention_message(row.problem), details=details),
            ]
        case QueueStage.FINISHED:
            return [DownloadFinished(**common, download_id=download_id)]
        case QueueStage.DOWNLOADING:
            size = int(row.size) if row.size else None
            left = int(row.sizeleft) if row.sizeleft is not None else None
            return [
                Progressed(
                    **common,
                    download_id=download_id,
                    progress=row.progress,
                    size_bytes=size,
                    downloaded_bytes=size - left if size is not None and left is not None else None,
                    eta_seconds=row.eta_seconds,
                    status=to_text(row.status),
                    problem=row.problem,
                )
            ]
    return []


def from_history(records: Iterable[wire.HistoryRecord], ctx: TranslateContext) -> list[Event]:
    """Events for history rows, in the order given: ``grabbed`` → ``Grabbed``,
    ``downloadFolderImported`` → ``Imported(complete=True)``, ``downloadFailed`` →
    ``Failed``. Other rows give nothing.
    """
    events: list[Event] = []
    for record in records:
        if event := _history_event(record, ctx):
            events.append(event)
    return events


def _history_event(record: wire.HistoryRecord, ctx: TranslateContext) -> Event | None:
    download_id = _download_id(record.download_id)
    keys = movie_keys(record.movie, movie_id=record.movie_id, download_id=download_id)
    common: dict[str, Any] = {
        "source": SOURCE,
        "keys": keys,
        "media": media_of(record.movie),
        "occurred_at": record.date,
    }
    quality = record.quality.name if record.quality else None
    match record.event_type:
        case HistoryEvent.GRABBED:
            return Grabbed(
                **common,
                download_id=download_id,
                quality=quality,
                indexer=record.datum("indexer"),
                release_title=to_text(record.source_title),
                size_bytes=to_int(record.datum("size")),
                protocol=protocol_of(record.datum("protocol")),
            )
        case HistoryEvent.DOWNLOAD_FOLDER_IMPORTED:
            imported = record.datum("importedPath")
            paths = (canonical_path(imported, ctx.path_mappings),) if imported else ()
            common["keys"] = keys + tuple(Key(KeyKind.PATH, path) for path in paths)
            return Imported(
                **common, download_id=download_id, paths=paths, quality=quality, complete=True
            )
        case HistoryEvent.DOWNLOAD_FAILED:
            message = record.datum("message")
            reason = f"Download failed: {message}" if message else "Download failed"
            return Failed(**common, reason=reason, download_id=download_id)
    return None


def latest_date(records: Iterable[wire.HistoryRecord]) -> datetime | None:
    """The newest ``date`` among history rows: where the next catch-up can resume."""
    dates = [record.date for record in records if record.date is not None]
    return max(dates) if dates else None
