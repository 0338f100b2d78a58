"""The Sonarr/Radarr ``/api/v3`` resources both apps share, and the common API client.

Queue and history rows, commands, paging, system status: System.Text.Json
output (camelCase, nulls left out), read leniently like the webhook blocks in
``_arr``. ``ArrClient`` is the base of ``SonarrClient`` and ``RadarrClient``:
X-Api-Key auth, retries with backoff on ``Unreachable`` only, paging, commands,
and giving up on stalled or failed downloads before a new search. This module
knows only the wire format: it never imports ``status_tracker.core``.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

import httpx
import stamina
from pydantic import BaseModel, Field

from status_tracker.integrations._arr import (
    ArrModel,
    Loose,
    StatusMessage,
    status_messages_text,
    validate,
)
from status_tracker.integrations._http import ApiClient, get_json, send
from status_tracker.integrations.errors import BadPayload, RateLimited, Unreachable

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


# --- REST API resources --------------------------------------------------------------------


class QualityDefinition(ArrModel):
    """``{id, name, source, resolution}``."""

    id: int | None = None
    name: str | None = None
    source: str | None = None
    resolution: int | None = None


class QualityModel(ArrModel):
    """``{quality: {...}, revision: {...}}`` as the API sends it."""

    quality: Loose[QualityDefinition] = None

    @property
    def name(self) -> str | None:
        """The quality's name, e.g. ``Bluray-1080p``."""
        return self.quality.name if self.quality else None


class QueueStage(StrEnum):
    """Where a queue item is, reduced to what the tracker cares about."""

    PENDING = "pending"
    """Delayed or waiting for the client; nothing was sent yet (no download id)."""
    DOWNLOADING = "downloading"
    FINISHED = "finished"
    """The client is done; the import is waiting or running."""
    BLOCKED = "blocked"
    """The import needs a person."""
    FAILED = "failed"


class QueueRecordBase(ArrModel):
    """Fields of a queue row common to both apps (``sizeleft``/``timeleft`` are lower-case)."""

    id: int | None = None
    title: str | None = None
    quality: Loose[QualityModel] = None
    size: float | None = None
    sizeleft: float | None = None
    timeleft: str | None = None
    estimated_completion_time: Loose[datetime] = None
    added: Loose[datetime] = None
    status: str | None = None
    tracked_download_status: str | None = None
    tracked_download_state: str | None = None
    status_messages: Loose[list[StatusMessage]] = None
    error_message: str | None = None
    download_id: str | None = None
    protocol: str | None = None
    download_client: str | None = None
    indexer: str | None = None
    output_path: str | None = None

    @property
    def stage(self) -> QueueStage:
        """The row's ``QueueStage``, from its tracked-download state and status."""
        state = (self.tracked_download_state or "").lower()
        status = (self.status or "").lower()
        health = (self.tracked_download_status or "").lower()
        if state in ("failedpending", "failed") or status == "failed":
            return QueueStage.FAILED
        if state == "importblocked" or (state == "importpending" and health in _BAD):
            return QueueStage.BLOCKED
        if state in ("importpending", "importing", "imported") or status == "completed":
            return QueueStage.FINISHED
        if not self.download_id or status in ("delay", "downloadclientunavailable"):
            return QueueStage.PENDING
        return QueueStage.DOWNLOADING

    @property
    def stalled(self) -> bool:
        """True when the download failed or is stuck (a warning while downloading)."""
        stage = self.stage
        return stage is QueueStage.FAILED or (
            stage is QueueStage.DOWNLOADING and self.problem is not None
        )

    @property
    def problem(self) -> str | None:
        """What is wrong with the item in one line (client error or status messages), if any."""
        status = (self.status or "").lower()
        health = (self.tracked_download_status or "").lower()
        if status not in ("warning", "failed") and health not in _BAD:
            return None
        return (
            status_messages_text(self.status_messages)
            or (self.error_message or "").strip()
            or f"Download {health or status}"
        )

    @property
    def eta_seconds(self) -> int | None:
        """``timeleft`` in seconds (``"hh:mm:ss"`` or ``"d.hh:mm:ss"``)."""
        return parse_timespan(self.timeleft)

    @property
    def progress(self) -> float | None:
        """Fraction downloaded, 0.0–1.0, when the size is known."""
        if not self.size or self.size <= 0 or self.sizeleft is None:
            return None
        return min(1.0, max(0.0, 1.0 - self.sizeleft / self.size))


_BAD = ("warning", "error")


_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d+):(\d{2}):(\d{2})(?:\.\d+)?$")


def parse_timespan(value: str | None) -> int | None:
    """A .NET TimeSpan string (``"00:12:34"``, ``"1.02:03:04"``, ``"00:00:01.5"``) in seconds."""
    match = _TIMESPAN.match((value or "").strip())
    if match is None:
        return None
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


class HistoryRecordBase(ArrModel):
    """Fields of a history row common to both apps; ``data`` keys are camelCase strings."""

    id: int | None = None
    source_title: str | None = None
    quality: Loose[QualityModel] = None
    date: Loose[datetime] = None
    download_id: str | None = None
    event_type: str
    data: Loose[dict[str, str | None]] = None

    def datum(self, key: str) -> str | None:
        """``data[key]`` (case-insensitive), stripped, or None when missing or empty."""
        for name, value in (self.data or {}).items():
            if name.casefold() == key.casefold() and value and value.strip():
                return value.strip()
        return None


H = TypeVar("H", bound=HistoryRecordBase)


def oldest_first(records: list[H]) -> list[H]:
    """History rows sorted by date (then id), oldest first; undated rows lead."""
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(records, key=lambda record: (record.date or epoch, record.id or 0))


class HistoryEvent(StrEnum):
    """History ``eventType`` names the tracker reads (same spelling in both apps)."""

    GRABBED = "grabbed"
    DOWNLOAD_FOLDER_IMPORTED = "downloadFolderImported"
    DOWNLOAD_FAILED = "downloadFailed"


class Command(ArrModel):
    """A command as ``POST /api/v3/command`` and ``GET /api/v3/command/{id}`` return it."""

    id: int
    name: str | None = None
    command_name: str | None = None
    status: str | None = None
    result: str | None = None
    message: str | None = None
    queued: Loose[datetime] = None
    started: Loose[datetime] = None
    ended: Loose[datetime] = None
    trigger: str | None = None


class SystemStatus(ArrModel):
    """The few fields of ``/api/v3/system/status`` we show."""

    app_name: str | None = None
    instance_name: str | None = None
    version: str | None = None


class Page(ArrModel, Generic[M]):
    """A paged response: ``{page, pageSize, totalRecords, records[]}``."""

    page: int = 1
    page_size: int = 0
    total_records: int = 0
    records: list[M] = Field(default_factory=list)


# --- API client ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard a client tries: attempts and total seconds per call, backoff, HTTP timeout.

    Only ``Unreachable`` (refused, timed out, 5xx) is retried; a 429 waits its
    ``Retry-After``. ``attempts=1`` turns retries off.
    """

    attempts: int = 4
    timeout: float = 30.0
    wait_initial: float = 0.5
    wait_max: float = 5.0
    request_timeout: float | None = None


@dataclass(frozen=True, slots=True)
class SearchSent:
    """What a retry did upstream: the library item, the search commands, the downloads dropped."""

    item_id: int
    commands: tuple[Command, ...]
    removed: tuple[str, ...] = ()


def _retry_on(exc: Exception) -> bool | float:
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        return exc.retry_after
    return isinstance(exc, Unreachable)


def utc_query_time(moment: datetime) -> str:
    """``moment`` as the API's query format, ``yyyy-MM-ddTHH:mm:ssZ``; it must be aware."""
    if moment.tzinfo is None:
        raise ValueError("history since: the date must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ArrClient(ApiClient):
    """Common base of the Sonarr and Radarr API clients (``/api/v3``).

    Use it as ``async with SonarrClient(url, key) as client: ...`` or call ``aclose``.
    ``transport`` lets tests put a fake server behind it; ``page_size`` is how many
    rows each page of a paged endpoint asks for.
    """

    APP = "arr"

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        page_size: int = 250,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.page_size = page_size
        super().__init__(base_url, {"X-Api-Key": api_key, "Accept": "application/json"}, transport)
        if self.retry.request_timeout is not None:
            self._http.timeout = httpx.Timeout(self.retry.request_timeout)
        self._caller = stamina.AsyncRetryingCaller(
            attempts=self.retry.attempts,
            timeout=self.retry.timeout,
            wait_initial=self.retry.wait_initial,
            wait_max=self.retry.wait_max,
        ).on(_retry_on)

    async def system_status(self) -> SystemStatus:
        """``GET /api/v3/system/status``: a cheap call that proves the URL and key work."""
        data = await self._get("/api/v3/system/status")
        return validate(SystemStatus, data, f"{self.APP} system/status")

    async def command(self, command_id: int) -> Command:
        """``GET /api/v3/command/{id}``: how a command sent earlier is doing."""
        data = await self._get(f"/api/v3/command/{command_id}")
        return validate(Command, data, f"{self.APP} command")

    async def queue(self) -> Sequence[QueueRecordBase]:
        """Every queue row (all pages); each app's client returns its own row model."""
        raise NotImplementedError

    async def remove_from_queue(
        self, queue_id: int, *, blocklist: bool = True, skip_redownload: bool = True
    ) -> None:
        """``DELETE /api/v3/queue/{id}``: drop a download from the client (and blocklist it)."""
        params = {
            "removeFromClient": "true",
            "blocklist": str(blocklist).lower(),
            "skipRedownload": str(skip_redownload).lower(),
            "changeCategory": "false",
        }
        await self._caller(self._delete_once, f"/api/v3/queue/{queue_id}", params)

    async def give_up_stalled(self, download_ids: Iterable[str]) -> tuple[str, ...]:
        """Remove and blocklist the queue rows of these downloads that failed or are stuck.

        Healthy downloads are left alone. Returns the download ids removed (lower-case);
        a season pack's rows share one id and are removed once.
        """
        wanted = {download_id.strip().lower() for download_id in download_ids}
        if not wanted:
            return ()
        removed: dict[str, None] = {}
        for row in await self.queue():
            download_id = (row.download_id or "").strip().lower()
            if download_id in wanted and download_id not in removed and row.stalled:
                if row.id is None:
                    continue
                await self.remove_from_queue(row.id)
                log.info("%s: gave up on stalled download %s", self.APP, download_id)
                removed[download_id] = None
        return tuple(removed)

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return await self._caller(get_json, self._http, path, params=params)

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        return await self._caller(self._post_once, path, body)

    async def _post_once(self, path: str, body: dict[str, Any]) -> Any:
        response = await send(self._http, "POST", path, json=body)
        if response.status_code >= 400:
            raise BadPayload(f"{self._http.base_url}{path}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise BadPayload(f"{self._http.base_url}{path}: not JSON") from exc

    async def _delete_once(self, path: str, params: dict[str, Any]) -> None:
        response = await send(self._http, "DELETE", path, params=params)
        if response.status_code >= 400 and response.status_code != 404:
            raise BadPayload(f"{self._http.base_url}{path}: HTTP {response.status_code}")

    async def _send_command(self, name: str, **fields: Any) -> Command:
        """``POST /api/v3/command``; the app drops a duplicate of a queued command itself."""
        data = await self._post("/api/v3/command", {"name": name, **fields})
        command = validate(Command, data, f"{self.APP} command {name}")
        log.info("%s: sent %s (command %s)", self.APP, name, command.id)
        return command

    async def _all_pages(self, path: str, params: dict[str, Any], model: type[M]) -> list[M]:
        """Every record of a paged endpoint, page after page."""
        records: list[M] = []
        page_number = 1
        last_page = 1
        while page_number <= last_page:
            data = await self._get(
                path, {**params, "page": page_number, "pageSize": self.page_size}
            )
            page = validate(Page[model], data, f"{self.APP} {path}")  # type: ignore[valid-type]
            records.extend(page.records)
            last_page = max(1, math.ceil(page.total_records / self.page_size))
            if not page.records:
                break
            page_number += 1
        return records
