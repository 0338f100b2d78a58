"""Request rows, their correlation keys and timelines, for the single writer. Never commits.

Statements are built once at import and executed with parameters, so the writer
pays SQLAlchemy's compilation cost once, not per delivery.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import Connection, bindparam, delete, insert, select, text, update

from status_tracker.core.correlate import Owner
from status_tracker.core.model import Key, KeyKind, Request, TimelineEntry
from status_tracker.storage import tables
from status_tracker.storage.codec import request_from_row, request_row

rk, rq, tl = tables.request_keys, tables.requests, tables.timeline

_OWNERS = (
    select(rk.c.kind, rk.c.value, rq.c.id, rq.c.jellyseerr_request_id)
    .join(rq, rq.c.id == rk.c.request_id)
    .where(
        rk.c.kind.in_(bindparam("kinds", expanding=True)),
        rk.c.value.in_(bindparam("values", expanding=True)),
    )
)
"""Both IN lists use the (kind, value) index; pairs that don't belong together are dropped."""
_LOAD = select(rq).where(rq.c.id == bindparam("request_id"))
_INSERT = insert(rq)
_UPDATE = update(rq).where(rq.c.id == bindparam("request_id"))
_INSERT_TIMELINE = insert(tl)
_UPSERT_KEY = text(
    "INSERT INTO request_keys (request_id, kind, value) VALUES (:request_id, :kind, :value)"
    " ON CONFLICT (kind, value) DO UPDATE SET request_id = excluded.request_id"
)


@contextmanager
def savepoint(connection: Connection) -> Iterator[None]:
    """A savepoint around one unit of work: undone alone if it raises."""
    connection.exec_driver_sql("SAVEPOINT unit")
    try:
        yield
    except BaseException:
        connection.exec_driver_sql("ROLLBACK TO SAVEPOINT unit")
        connection.exec_driver_sql("RELEASE SAVEPOINT unit")
        raise
    connection.exec_driver_sql("RELEASE SAVEPOINT unit")


def owners(connection: Connection, keys: Sequence[Key]) -> dict[Key, Owner]:
    """The request owning each of ``keys`` (keys nobody owns are absent)."""
    if not keys:
        return {}
    wanted = set(keys)
    params = {
        "kinds": sorted({str(k.kind) for k in keys}),
        "values": sorted({k.value for k in keys}),
    }
    found = {}
    for row in connection.execute(_OWNERS, params):
        key = Key(KeyKind(row.kind), row.value)
        if key in wanted:
            found[key] = Owner(row.id, row.jellyseerr_request_id)
    return found


def load(connection: Connection, request_id: int) -> Request | None:
    """One request by id."""
    row = connection.execute(_LOAD, {"request_id": request_id}).first()
    return request_from_row(row) if row else None


_SERIES = select(rq).where(
    rq.c.tvdb_id == bindparam("tvdb_id"),
    rq.c.media_type == "tv",
    rq.c.state.not_in(["completed", "declined"]),
)


def series_requests(connection: Connection, tvdb_id: int) -> list[Request]:
    """Every request for one series that is not in history."""
    return [request_from_row(r) for r in connection.execute(_SERIES, {"tvdb_id": tvdb_id})]


def save(connection: Connection, request: Request) -> Request:
    """Insert or update a request; returns it with its id."""
    values = request_row(request)
    if request.id is None:
        new_id = connection.execute(_INSERT, values).inserted_primary_key
        assert new_id is not None
        return replace(request, id=int(new_id[0]))
    connection.execute(_UPDATE, {**values, "request_id": request.id})
    return request


def attach_keys(
    connection: Connection,
    request_id: int,
    keys: Iterable[Key],
    known: Mapping[Key, Owner] | None = None,
) -> None:
    """Point every key at ``request_id`` (taking media keys over from older requests).

    ``known`` is what ``owners`` returned for these keys; keys it already shows as
    this request's are not written again.
    """
    known = known or {}
    rows = [
        {"request_id": request_id, "kind": str(key.kind), "value": key.value}
        for key in dict.fromkeys(keys)
        if key not in known or known[key].id != request_id
    ]
    if rows:
        connection.execute(_UPSERT_KEY, rows)


def keys_of(connection: Connection, request_id: int) -> list[Key]:
    """Every key a request owns."""
    rows = connection.execute(select(rk.c.kind, rk.c.value).where(rk.c.request_id == request_id))
    return [Key(KeyKind(r.kind), r.value) for r in rows]


def add_timeline(connection: Connection, request_id: int, entries: Sequence[TimelineEntry]) -> None:
    """Append timeline entries."""
    if not entries:
        return
    connection.execute(
        _INSERT_TIMELINE,
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
    for table in (rk, tl):
        connection.execute(update(table).where(table.c.request_id == other).values(request_id=keep))
    connection.execute(delete(rq).where(rq.c.id == other))
