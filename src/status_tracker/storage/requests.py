"""Request rows, their correlation keys and timelines, for the single writer. Never commits."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, delete, insert, select, tuple_, update

from status_tracker.core.correlate import Owner
from status_tracker.core.model import Key, KeyKind, Request, TimelineEntry
from status_tracker.storage import tables
from status_tracker.storage.codec import request_from_row, request_row


def owners(connection: Connection, keys: Sequence[Key]) -> dict[Key, Owner]:
    """The request owning each of ``keys`` (keys nobody owns are absent)."""
    if not keys:
        return {}
    rk, rq = tables.request_keys, tables.requests
    rows = connection.execute(
        select(rk.c.kind, rk.c.value, rq.c.id, rq.c.jellyseerr_request_id)
        .join(rq, rq.c.id == rk.c.request_id)
        .where(tuple_(rk.c.kind, rk.c.value).in_([(str(k.kind), k.value) for k in keys]))
    )
    return {Key(KeyKind(r.kind), r.value): Owner(r.id, r.jellyseerr_request_id) for r in rows}


def load(connection: Connection, request_id: int) -> Request | None:
    """One request by id."""
    row = connection.execute(
        select(tables.requests).where(tables.requests.c.id == request_id)
    ).first()
    return request_from_row(row) if row else None


def save(connection: Connection, request: Request) -> Request:
    """Insert or update a request; returns it with its id."""
    values = request_row(request)
    if request.id is None:
        new_id = connection.execute(insert(tables.requests).values(**values)).inserted_primary_key
        assert new_id is not None
        return _with_id(request, int(new_id[0]))
    connection.execute(
        update(tables.requests).where(tables.requests.c.id == request.id).values(**values)
    )
    return request


def _with_id(request: Request, request_id: int) -> Request:
    from dataclasses import replace

    return replace(request, id=request_id)


def attach_keys(connection: Connection, request_id: int, keys: Iterable[Key]) -> None:
    """Point every key at ``request_id`` (taking media keys over from older requests)."""
    rk = tables.request_keys
    for key in dict.fromkeys(keys):
        updated = connection.execute(
            update(rk)
            .where(rk.c.kind == str(key.kind), rk.c.value == key.value)
            .values(request_id=request_id)
        )
        if updated.rowcount == 0:
            connection.execute(
                insert(rk).values(request_id=request_id, kind=str(key.kind), value=key.value)
            )


def keys_of(connection: Connection, request_id: int) -> list[Key]:
    """Every key a request owns."""
    rk = tables.request_keys
    rows = connection.execute(select(rk.c.kind, rk.c.value).where(rk.c.request_id == request_id))
    return [Key(KeyKind(r.kind), r.value) for r in rows]


def add_timeline(connection: Connection, request_id: int, entries: Sequence[TimelineEntry]) -> None:
    """Append timeline entries."""
    if not entries:
        return
    connection.execute(
        insert(tables.timeline),
        [
            {
                "request_id": request_id,
                "state": str(e.state),
                "timestamp": e.timestamp,
                "source": e.source,
                "message": e.message,
                "details": json.dumps(e.details, separators=(",", ":"), default=str),
            }
            for e in entries
        ],
    )


def absorb(connection: Connection, keep: int, other: int) -> None:
    """Move ``other``'s keys and timeline to ``keep`` and delete ``other``."""
    for table in (tables.request_keys, tables.timeline):
        connection.execute(update(table).where(table.c.request_id == other).values(request_id=keep))
    connection.execute(delete(tables.requests).where(tables.requests.c.id == other))
