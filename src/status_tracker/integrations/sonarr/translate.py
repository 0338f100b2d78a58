"""Sonarr → core events: webhooks, and queue/history rows for reconciliation.

Every event carries the series' keys (``sonarr_series``, ``tvdb``, ``tmdb``,
``imdb``), the lower-cased ``download`` id when there is one, and a ``path`` key
per imported file (canonical, after ``TRACKER_PATH_MAPPINGS``). Titles are only
shown, never matched on. Test and untracked event types give no events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from status_tracker.core.events import (
    DownloadFinished,
    EpisodesExpected,
    Event,
    Failed,
    Grabbed,
    Imported,
    NeedsAttention,
    Progressed,
)
from status_tracker.core.ids import canonical_path, info_hash, to_int, to_text
from status_tracker.core.model import Episode, Key, KeyKind, MediaInfo, MediaType
from status_tracker.integrations._arr import (
    DownloadInfo,
    MediaFile,
    Release,
    poster_of,
    protocol_of,
    status_messages_text,
)
from status_tracker.integrations._arr_api import HistoryEvent, QueueStage
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.sonarr import payloads as wire
from status_tracker.integrations.sonarr.client import EpisodeCount

SOURCE = "sonarr"


def translate(body: Mapping[str, Any], ctx: TranslateContext) -> list[Event]:
    """Core events for one Sonarr webhook body (``[]`` for Test and untracked types)."""
    hook = wire.parse_webhook(body)
    match hook:
        case wire.Grab():
            return [_grabbed(hook)]
        case wire.Download():
            return [_imported(hook, ctx)]
        case wire.ImportComplete():
            return [_import_complete(hook, ctx)]
        case wire.ManualInteractionRequired():
            return [_needs_attention(hook)]
    return []


def _grabbed(hook: wire.Grab) -> Grabbed:
    release = hook.release or Release()
    download_id = _download_id(hook.download_id)
    return Grabbed(
        source=SOURCE,
        keys=series_keys(hook.series, download_id=download_id),
        media=media_of(hook.series),
        download_id=download_id,
        quality=to_text(release.quality),
        indexer=to_text(release.indexer),
        release_title=to_text(release.release_title),
        size_bytes=release.size,
        protocol=protocol_of(None, hook.download_client_type),
        episodes=episodes_of(hook.episodes),
    )


def _imported(hook: wire.Download, ctx: TranslateContext) -> Imported:
    download_id = _download_id(hook.download_id)
    path = file_path(hook.episode_file, hook.series.path, ctx)
    release = hook.release or Release()
    return Imported(
        source=SOURCE,
        keys=series_keys(hook.series, download_id=download_id, paths=(path,)),
        media=media_of(hook.series),
        occurred_at=hook.episode_file.date_added,
        download_id=download_id,
        paths=(path,),
        episodes=episodes_of(hook.episodes),
        quality=to_text(hook.episode_file.quality) or to_text(release.quality),
        upgrade=hook.is_upgrade,
    )


def _import_complete(hook: wire.ImportComplete, ctx: TranslateContext) -> Imported:
    if not hook.episode_files:
        raise BadPayload("sonarr ImportComplete: episodeFiles is empty")
    download_id = _download_id(hook.download_id)
    paths = tuple(dict.fromkeys(file_path(f, hook.series.path, ctx) for f in hook.episode_files))
    qualities = [q for f in hook.episode_files if (q := to_text(f.quality))]
    added = [f.date_added for f in hook.episode_files if f.date_added is not None]
    return Imported(
        source=SOURCE,
        keys=series_keys(hook.series, download_id=download_id, paths=paths),
        media=media_of(hook.series),
        occurred_at=max(added) if added else None,
        download_id=download_id,
        paths=paths,
        episodes=episodes_of(hook.episodes),
        quality=qualities[0] if qualities else None,
        complete=True,
    )


def _needs_attention(hook: wire.ManualInteractionRequired) -> NeedsAttention:
    download_id = _download_id(hook.download_id)
    info = hook.download_info or DownloadInfo()
    text = status_messages_text(hook.download_status_messages)
    details = {
        "download_id": download_id,
        "title": to_text(info.title),
        "quality": to_text(info.quality),
        "status": to_text(hook.download_status),
    }
    return NeedsAttention(
        source=SOURCE,
        keys=series_keys(hook.series, download_id=download_id),
        media=media_of(hook.series),
        message=attention_message(text),
        details=tuple((name, value) for name, value in details.items() if value),
    )


def attention_message(text: str | None) -> str:
    """``Needs attention: <what Sonarr said>``."""
    return f"Needs attention: {text or 'Sonarr could not import this download automatically'}"


# --- building blocks -----------------------------------------------------------------------


def media_of(series: wire.Series | None) -> MediaInfo:
    """What the series block says about the title (0 ids and years mean unknown)."""
    if series is None:
        return MediaInfo(media_type=MediaType.TV)
    return MediaInfo(
        media_type=MediaType.TV,
        title=to_text(series.title),
        year=series.year or None,
        tmdb_id=series.tmdb_id or None,
        tvdb_id=series.tvdb_id or None,
        imdb_id=to_text(series.imdb_id),
        poster_url=poster_of(series.images),
    )


def series_keys(
    series: wire.Series | None,
    *,
    series_id: int | None = None,
    download_id: str | None = None,
    paths: Iterable[str] = (),
) -> tuple[Key, ...]:
    """Correlation keys: the series' ids, the download, then each path."""
    keys: list[Key] = []
    sonarr_id = series.id if series is not None else series_id
    if sonarr_id:
        keys.append(Key(KeyKind.SONARR_SERIES, str(sonarr_id)))
    if series is not None:
        if series.tvdb_id:
            keys.append(Key(KeyKind.TVDB, str(series.tvdb_id)))
        if series.tmdb_id:
            keys.append(Key(KeyKind.TMDB, str(series.tmdb_id)))
        if imdb := to_text(series.imdb_id):
            keys.append(Key(KeyKind.IMDB, imdb))
    if download_id:
        keys.append(Key(KeyKind.DOWNLOAD, download_id))
    keys.extend(Key(KeyKind.PATH, path) for path in paths)
    return tuple(dict.fromkeys(keys))


def episodes_of(episodes: Iterable[wire.Episode | None]) -> tuple[Episode, ...]:
    """Season/episode numbers, sorted, without repeats."""
    found = {Episode(e.season_number, e.episode_number) for e in episodes if e is not None}
    return tuple(sorted(found))


def file_path(file: MediaFile, folder: str | None, ctx: TranslateContext) -> str:
    """The canonical library path of an imported file (``path``, else folder + relativePath)."""
    path = to_text(file.path)
    if path is None and folder and file.relative_path:
        path = f"{folder.rstrip('/')}/{file.relative_path}"
    if path is None:
        raise BadPayload("sonarr: an imported file has no path")
    return canonical_path(path, ctx.path_mappings)


def _download_id(value: str | None) -> str | None:
    text = to_text(value)
    return info_hash(text) if text else None


# --- reconciliation: queue and history rows ------------------------------------------------


def from_queue(records: Iterable[wire.QueueRecord]) -> list[Event]:
    """Events for the queue, one group per download id (rows without one are skipped).

    Each download gives ``Grabbed`` (all its episodes), then by stage: ``Progressed``
    while downloading (``problem`` set when stalled or warned), ``DownloadFinished``
    once the client is done, ``DownloadFinished`` + ``NeedsAttention`` when the import
    is blocked, ``Failed`` when Sonarr gave the download up.
    """
    events: list[Event] = []
    for download_id, rows in _group_by_download(records).items():
        first = rows[0]
        keys = series_keys(first.series, series_id=first.series_id, download_id=download_id)
        common: dict[str, Any] = {"source": SOURCE, "keys": keys, "media": media_of(first.series)}
        events.append(
            Grabbed(
                **common,
                download_id=download_id,
                quality=first.quality.name if first.quality else None,
                indexer=to_text(first.indexer),
                release_title=to_text(first.title),
                size_bytes=int(first.size) if first.size else None,
                protocol=protocol_of(first.protocol),
                episodes=episodes_of(row.episode for row in rows),
            )
        )
        events.extend(_queue_stage_events(first, download_id, common))
    return events


def _queue_stage_events(
    row: wire.QueueRecord, download_id: str, common: dict[str, Any]
) -> list[Event]:
    match row.stage:
        case QueueStage.FAILED:
            reason = f"Download failed: {row.problem}" if row.problem else "Download failed"
            return [Failed(**common, reason=reason, download_id=download_id)]
        case QueueStage.BLOCKED:
            message = attention_message(row.problem)
            details = (("download_id", download_id),)
            return [
                DownloadFinished(**common, download_id=download_id),
                NeedsAttention(**common, message=message, details=details),
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


def _group_by_download(records: Iterable[wire.QueueRecord]) -> dict[str, list[wire.QueueRecord]]:
    groups: dict[str, list[wire.QueueRecord]] = {}
    for record in records:
        if download_id := _download_id(record.download_id):
            groups.setdefault(download_id, []).append(record)
    return groups


def from_history(records: Iterable[wire.HistoryRecord], ctx: TranslateContext) -> list[Event]:
    """Events for history rows, oldest first: ``grabbed`` → ``Grabbed`` (rows of one
    download merged), ``downloadFolderImported`` → ``Imported`` (one per file),
    ``downloadFailed`` → ``Failed``. Other rows give nothing.
    """
    groups: dict[tuple[str, ...], list[wire.HistoryRecord]] = {}
    for record in records:
        download_id = _download_id(record.download_id) or ""
        match record.event_type:
            case HistoryEvent.GRABBED if download_id:
                groups.setdefault(("grabbed", download_id), []).append(record)
            case HistoryEvent.DOWNLOAD_FOLDER_IMPORTED:
                path = record.datum("importedPath") or ""
                groups.setdefault(("imported", download_id, path), []).append(record)
            case HistoryEvent.DOWNLOAD_FAILED:
                groups.setdefault(("failed", download_id, str(record.id)), []).append(record)
    return [_history_event(kind[0], rows, ctx) for kind, rows in groups.items()]


def _history_event(kind: str, rows: Sequence[wire.HistoryRecord], ctx: TranslateContext) -> Event:
    first = rows[0]
    download_id = _download_id(first.download_id)
    episodes = episodes_of(row.episode for row in rows)
    quality = first.quality.name if first.quality else None
    media = media_of(first.series)
    if kind == "grabbed":
        return Grabbed(
            source=SOURCE,
            keys=series_keys(first.series, series_id=first.series_id, download_id=download_id),
            media=media,
            occurred_at=first.date,
            download_id=download_id,
            quality=quality,
            indexer=first.datum("indexer"),
            release_title=to_text(first.source_title),
            size_bytes=to_int(first.datum("size")),
            protocol=protocol_of(first.datum("protocol")),
            episodes=episodes,
        )
    if kind == "imported":
        imported = first.datum("importedPath")
        paths = (canonical_path(imported, ctx.path_mappings),) if imported else ()
        return Imported(
            source=SOURCE,
            keys=series_keys(
                first.series, series_id=first.series_id, download_id=download_id, paths=paths
            ),
            media=media,
            occurred_at=first.date,
            download_id=download_id,
            paths=paths,
            episodes=episodes,
            quality=quality,
        )
    message = first.datum("message")
    return Failed(
        source=SOURCE,
        keys=series_keys(first.series, series_id=first.series_id, download_id=download_id),
        media=media,
        occurred_at=first.date,
        reason=f"Download failed: {message}" if message else "Download failed",
        download_id=download_id,
    )


def episodes_expected(
    series: wire.Series, counts: Mapping[int, EpisodeCount], *, aired_only: bool = True
) -> EpisodesExpected:
    """How many episodes the requested seasons have (aired ones by default), as an event."""
    total = sum(count.aired if aired_only else count.total for count in counts.values())
    return EpisodesExpected(
        source=SOURCE, keys=series_keys(series), media=media_of(series), count=total
    )


def latest_date(records: Iterable[wire.HistoryRecord]) -> datetime | None:
    """The newest ``date`` among history rows: where the next catch-up can resume."""
    dates = [record.date for record in records if record.date is not None]
    return max(dates) if dates else None
