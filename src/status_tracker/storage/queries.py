"""Read-side queries for the API and pages: filtered lists, one request, its timeline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, func, not_, or_, select

from status_tracker.core.model import Request, TimelineEntry
from status_tracker.core.states import HISTORY, RequestState
from status_tracker.storage import tables
from status_tracker.storage.codec import request_from_row

rq = tables.requests


@dataclass(frozen=True, slots=True)
class Filters:
    """What the list pages and ``GET /api/requests`` filter on."""

    states: tuple[RequestState, ...] = ()
    user: str | None = None
    media_type: str | None = None
    q: str | None = None
    scope: str = "active"


def _in_history(failed_before: datetime) -> ColumnElement[bool]:
    return or_(
        rq.c.state.in_([str(s) for s in HISTORY]),
        and_(rq.c.state == str(RequestState.FAILED), rq.c.updated_at < failed_before),
    )


def _where(filters: Filters, failed_before: datetime) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.scope == "active":
        clauses.append(not_(_in_history(failed_before)))
    elif filters.scope == "history":
        clauses.append(_in_history(failed_before))
    if filters.states:
        clauses.append(rq.c.state.in_([str(s) for s in filters.states]))
    if filters.user:
        clauses.append(func.lower(rq.c.requested_by) == filters.user.lower())
    if filters.media_type:
        clauses.append(rq.c.media_type == filters.media_type)
    if filters.q:
        pattern = (
            "%"
            + filters.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            + "%"
        )
        clauses.append(func.lower(rq.c.title).like(pattern, escape="\\"))
    return clauses


def list_requests(
    connection: Connection,
    filters: Filters,
    failed_before: datetime,
    limit: int,
    offset: int,
    known_total: int | None = None,
) -> tuple[list[Request], int]:
    """A page of requests, most recently updated first, and the total that match
    (``known_total`` when the caller already knows it)."""
    clauses = _where(filters, failed_before)
    rows = connection.execute(
        select(rq)
        .where(*clauses)
        .order_by(rq.c.updated_at.desc(), rq.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    items = [request_from_row(r) for r in rows]
    if offset == 0 and len(items) < limit:
        return items, len(items)
    if known_total is not None:
        return items, known_total
    total = connection.execute(select(func.count()).select_from(rq).where(*clauses)).scalar_one()
    return items, int(total)


def get_request(connection: Connection, request_id: int) -> Request | None:
    """One request by id."""
    row = connection.execute(select(rq).where(rq.c.id == request_id)).first()
    return request_from_row(row) if row else None


def timeline(connection: Connection, request_id: int) -> list[TimelineEntry]:
    """A request's timeline, oldest first."""
    tl = tables.timeline
    rows = connection.execute(
        select(tl).where(tl.c.request_id == request_id).order_by(tl.c.timestamp, tl.c.id)
    )
    return [
        TimelineEntry(
            RequestState(r.state), r.timestamp, r.source, r.message, json.loads(r.details)
        )
        for r in rows
    ]


def users(connection: Connection) -> list[str]:
    """Every requester name, sorted case-insensitively."""
    rows = connection.execute(
        select(rq.c.requested_by).where(rq.c.requested_by.is_not(None)).distinct()
    )
    return sorted({r.requested_by for r in rows}, key=str.lower)


def count_all(connection: Connection) -> int:
    """How many requests are stored."""
    return int(connection.execute(select(func.count()).select_from(rq)).scalar_one())
