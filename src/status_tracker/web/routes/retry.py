"""``POST /api/requests/{id}/retry`` (CONTRACT §4): search again in Sonarr or Radarr.

A request that failed, or that stalled before its download finished
(``core.states.can_retry``), is searched for again: Radarr gets ``MoviesSearch``,
Sonarr ``SeasonSearch`` for each requested season (``SeriesSearch`` when none were
requested). The movie or series is looked up by its tmdb/tvdb id when the request
does not know its Radarr/Sonarr id yet. Downloads of the request that failed or are
stuck in the queue are removed (and blocklisted) first, so the search can pick
another release. Then ``RetryRequested`` goes through the writer: the request is
back to ``searching`` with "Retry requested" on its timeline, and the answer is 202
with the request as it is now.

Errors: 404 unknown request; 409 not retryable, or the title is not in Sonarr/Radarr;
503 Sonarr/Radarr not configured; 502 unreachable, refused the API key, or answered
something unreadable (also shown on ``/api/health``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from status_tracker.core.events import RetryRequested
from status_tracker.core.model import Key, KeyKind, MediaType, Request
from status_tracker.core.states import LABELS, can_retry
from status_tracker.integrations._arr_api import RetryPolicy, SearchSent
from status_tracker.integrations.errors import AuthFailed, BadPayload, Unreachable
from status_tracker.integrations.radarr.client import RadarrClient
from status_tracker.integrations.sonarr.client import SonarrClient
from status_tracker.runtime.lifespan import Tracker
from status_tracker.schema import request_json
from status_tracker.storage import queries
from status_tracker.storage import requests as stored
from status_tracker.web.deps import TrackerDep

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["api"])

SOURCE = "tracker"
UPSTREAM_RETRY = RetryPolicy(attempts=2, timeout=15.0, wait_initial=0.5, wait_max=1.0)
"""A person is waiting for the answer: one quick second try, then 502."""
APPLY_TIMEOUT = 5.0
"""How long the answer waits for the writer to commit the retry."""


def _app_of(request: Request) -> tuple[str, str]:
    return ("sonarr", "Sonarr") if request.media_type is MediaType.TV else ("radarr", "Radarr")


def _load(tracker: Tracker, request_id: int) -> tuple[Request | None, list[Key]]:
    with tracker.database.reader.connect() as connection:
        request = queries.get_request(connection, request_id)
        keys = stored.keys_of(connection, request_id) if request is not None else []
    return request, keys


def _library_id(keys: list[Key], kind: KeyKind) -> int | None:
    for key in keys:
        if key.kind is kind and key.value.isascii() and key.value.isdigit():
            return int(key.value)
    return None


async def _search(
    tracker: Tracker, request: Request, keys: list[Key], name: str, title: str
) -> SearchSent | None:
    url = tracker.settings.url(name)
    api_key = getattr(tracker.settings, f"{name}_api_key", None)
    if url is None or not api_key:
        upper = name.upper()
        raise HTTPException(
            503,
            f"{title} is not configured: set TRACKER_{upper}_URL and TRACKER_{upper}_API_KEY "
            "to search again from here",
        )
    downloads = tuple(
        dict.fromkeys([*request.downloads, *(k.value for k in keys if k.kind is KeyKind.DOWNLOAD)])
    )
    health = tracker.health(name)
    try:
        if request.media_type is MediaType.TV:
            async with SonarrClient(url, api_key, retry=UPSTREAM_RETRY) as sonarr:
                sent = await sonarr.search_again(
                    series_id=_library_id(keys, KeyKind.SONARR_SERIES),
                    tvdb_id=request.tvdb_id,
                    seasons=request.seasons,
                    download_ids=downloads,
                )
        else:
            async with RadarrClient(url, api_key, retry=UPSTREAM_RETRY) as radarr:
                sent = await radarr.search_again(
                    movie_id=_library_id(keys, KeyKind.RADARR_MOVIE),
                    tmdb_id=request.tmdb_id,
                    download_ids=downloads,
                )
    except AuthFailed as exc:
        health.failed("auth_failed", str(exc))
        raise HTTPException(502, f"{title} refused the API key: {exc}") from None
    except Unreachable as exc:
        health.failed("unreachable", str(exc))
        raise HTTPException(502, f"{title} could not be reached: {exc}") from None
    except BadPayload as exc:
        raise HTTPException(502, f"{title} gave an answer we cannot read: {exc}") from None
    health.ok()
    return sent


def _not_in_library(request: Request, title: str) -> str:
    what, kind, number = (
        ("series", "TVDB", request.tvdb_id)
        if request.media_type is MediaType.TV
        else ("movie", "TMDB", request.tmdb_id)
    )
    if number is None:
        return f"the request has no {kind} id to find its {what} in {title} by"
    return f"{title} has no {what} with {kind} id {number}; add it in {title} first"


def _retry_keys(keys: list[Key]) -> tuple[Key, ...]:
    """The request's own keys, so the writer finds exactly it (TMDB keys are stored scoped
    by media type and would be scoped again, so they are left out)."""
    return tuple(key for key in keys if key.kind is not KeyKind.TMDB)


@router.post(
    "/requests/{request_id}/retry",
    status_code=202,
    responses={
        404: {"description": "Unknown request"},
        409: {"description": "Not retryable now, or not in Sonarr/Radarr"},
        502: {"description": "Sonarr/Radarr unreachable or refused the API key"},
        503: {"description": "Sonarr/Radarr not configured"},
    },
    summary="Search again for a failed or stalled request",
)
async def retry(request_id: int, tracker: TrackerDep) -> Any:
    """Send a new search upstream and move the request back to ``searching``."""
    request, keys = await asyncio.to_thread(_load, tracker, request_id)
    if request is None:
        raise HTTPException(404, f"request {request_id} not found")
    if not can_retry(request.state):
        raise HTTPException(
            409,
            f"request {request_id} is {LABELS[request.state].lower()} ({request.state}); "
            "only failed requests and ones not downloaded yet can be searched again",
        )
    name, title = _app_of(request)
    sent = await _search(tracker, request, keys, name, title)
    if sent is None:
        raise HTTPException(409, _not_in_library(request, title))
    log.info(
        "request %d: new search sent to %s (%s)",
        request_id,
        name,
        ", ".join(command.name or "command" for command in sent.commands),
    )
    event = RetryRequested(source=SOURCE, keys=_retry_keys(keys))
    updated = await _submit_and_wait(tracker, request_id, event) or request
    return JSONResponse(request_json(updated), status_code=202)


async def _submit_and_wait(
    tracker: Tracker, request_id: int, event: RetryRequested
) -> Request | None:
    """Hand the event to the writer and wait (briefly) for its change to be committed."""
    with tracker.changes() as changes:
        await tracker.submit([event])
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(APPLY_TIMEOUT):
                async for changed in changes:
                    if changed is not None and changed.id == request_id:
                        return changed
                    if changed is None:
                        break
    reloaded, _ = await asyncio.to_thread(_load, tracker, request_id)
    return reloaded
