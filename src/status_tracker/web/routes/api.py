"""The JSON API (CONTRACT §4): requests, one request, its timeline, health, retry."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from status_tracker import __version__
from status_tracker.core.model import Request, TimelineEntry
from status_tracker.core.states import RequestState
from status_tracker.schema import (
    HealthOut,
    RequestDetailOut,
    RequestListOut,
    TimelineOut,
    request_json,
    timeline_json,
)
from status_tracker.storage import db, queries
from status_tracker.web.deps import TrackerDep

router = APIRouter(prefix="/api", tags=["api"])

STATES = ", ".join(s.value for s in RequestState)


def parse_states(state: str | None, status: str | None) -> tuple[RequestState, ...]:
    """Parse ``state=`` (or its alias ``status=``), a comma list; 422 names the bad value."""
    name, text = ("state", state) if state is not None else ("status", status)
    if text is None:
        return ()
    states: list[RequestState] = []
    for part in text.split(","):
        value = part.strip().lower()
        if not value:
            continue
        try:
            states.append(RequestState(value))
        except ValueError:
            raise HTTPException(
                422, f"{name}: unknown state {part.strip()!r}; expected one of: {STATES}"
            ) from None
    return tuple(states)


def list_filters(
    state: str | None,
    status: str | None,
    user: str | None,
    media_type: str | None,
    q: str | None,
    scope: str,
) -> queries.Filters:
    """Filters from query parameters (shared by the API and the pages)."""
    return queries.Filters(
        states=parse_states(state, status),
        user=(user or "").strip() or None,
        media_type=media_type or None,
        q=(q or "").strip() or None,
        scope=scope,
    )


@router.get("/requests", response_model=RequestListOut, summary="List requests")
async def list_requests(
    tracker: TrackerDep,
    state: Annotated[str | None, Query(description=f"Comma list of: {STATES}")] = None,
    status: Annotated[str | None, Query(description="Alias of `state`")] = None,
    user: Annotated[str | None, Query(description="Requester, case-insensitive")] = None,
    media_type: Literal["movie", "tv"] | None = None,
    q: Annotated[str | None, Query(description="Title contains")] = None,
    scope: Literal["active", "history", "all"] = "active",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    """Active requests by default, most recently updated first."""
    filters = list_filters(state, status, user, media_type, q, scope)
    failed_before = (tracker.clock() - tracker.failed_before).replace(second=0, microsecond=0)
    key = (filters, failed_before)
    known = tracker.cached_total(key)
    at = tracker.bus.last_id

    def query(connection: Connection) -> dict[str, Any]:
        items, total = queries.list_requests(
            connection, filters, failed_before, limit, offset, known
        )
        return {"items": [request_json(r) for r in items], "total": total}

    body = await tracker.read(query)
    tracker.remember_total(key, body["total"], at)
    return JSONResponse({**body, "limit": limit, "offset": offset})


@router.get(
    "/requests/{request_id}",
    response_model=RequestDetailOut,
    responses={404: {"description": "Unknown request"}},
    summary="One request with its timeline",
)
async def get_request(request_id: int, tracker: TrackerDep) -> Any:
    """One request and its timeline, oldest entry first."""
    request, entries = await tracker.read(lambda c: _with_timeline(c, request_id))
    if request is None:
        raise HTTPException(404, f"request {request_id} not found")
    return JSONResponse({**request_json(request), "timeline": [timeline_json(e) for e in entries]})


@router.get(
    "/requests/{request_id}/timeline",
    response_model=TimelineOut,
    responses={404: {"description": "Unknown request"}},
    summary="A request's timeline",
)
async def get_timeline(request_id: int, tracker: TrackerDep) -> Any:
    """The timeline alone, oldest entry first."""
    request, entries = await tracker.read(lambda c: _with_timeline(c, request_id))
    if request is None:
        raise HTTPException(404, f"request {request_id} not found")
    return JSONResponse({"items": [timeline_json(e) for e in entries]})


def _with_timeline(
    connection: Connection, request_id: int
) -> tuple[Request | None, list[TimelineEntry]]:
    request = queries.get_request(connection, request_id)
    return request, queries.timeline(connection, request_id) if request else []


@router.get(
    "/health",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "The database is unusable"}},
    summary="Service and integration health",
)
async def health(tracker: TrackerDep) -> Any:
    """``ok`` when the database and every enabled integration answer, else ``degraded``."""
    database_ok = await asyncio.to_thread(db.ping, tracker.database)
    integrations = {name: h.as_json() for name, h in tracker.healths.items()}
    bad = any(i["status"] in ("unreachable", "auth_failed") for i in integrations.values())
    body = {
        "status": "ok" if database_ok and not bad else "degraded",
        "version": __version__,
        "database": "ok" if database_ok else "unavailable",
        "integrations": integrations,
    }
    return JSONResponse(body, status_code=200 if database_ok else 503)
