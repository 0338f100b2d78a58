"""The inbox: every accepted webhook body, on disk before we answer. Never commits.

A delivery's ``dedup_key`` is a hash of its source and body, so the same delivery
sent twice is stored once and answered with the first one's id. Rows without
``processed_at`` are processed on the next start (crash recovery).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from status_tracker.storage import tables


@dataclass(frozen=True, slots=True)
class Delivery:
    """One raw webhook delivery."""

    source: str
    content_type: str
    body: str
    received_at: datetime

    @property
    def dedup_key(self) -> str:
        """sha256 of source and body."""
        digest = hashlib.sha256(self.source.encode())
        digest.update(b"\0")
        digest.update(self.body.encode())
        return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class StoredDelivery:
    """A delivery with its inbox id."""

    id: int
    source: str
    content_type: str
    body: str
    received_at: datetime


def store(connection: Connection, deliveries: Sequence[Delivery]) -> list[tuple[int, bool]]:
    """Insert deliveries (ignoring repeats); returns ``(id, is_new)`` for each, in order."""
    if not deliveries:
        return []
    dialect = connection.dialect.name
    maker = pg_insert if dialect == "postgresql" else sqlite_insert
    keys = [d.dedup_key for d in deliveries]
    existing = _ids_for(connection, keys)
    fresh = {}
    for delivery, key in zip(deliveries, keys, strict=True):
        if key not in existing and key not in fresh:
            fresh[key] = delivery
    if fresh:
        statement = maker(tables.inbox).on_conflict_do_nothing(index_elements=["dedup_key"])
        connection.execute(
            statement,
            [
                {
                    "source": d.source,
                    "dedup_key": key,
                    "content_type": d.content_type,
                    "body": d.body,
                    "received_at": d.received_at,
                }
                for key, d in fresh.items()
            ],
        )
    ids = {**existing, **_ids_for(connection, list(fresh))}
    seen: set[str] = set()
    result = []
    for key in keys:
        result.append((ids[key], key in fresh and key not in seen))
        seen.add(key)
    return result


def _ids_for(connection: Connection, keys: Sequence[str]) -> dict[str, int]:
    if not keys:
        return {}
    ib = tables.inbox
    rows = connection.execute(select(ib.c.dedup_key, ib.c.id).where(ib.c.dedup_key.in_(keys)))
    return {r.dedup_key: r.id for r in rows}


def fetch(connection: Connection, ids: Sequence[int]) -> list[StoredDelivery]:
    """Deliveries by id, in id order."""
    ib = tables.inbox
    rows = connection.execute(
        select(ib.c.id, ib.c.source, ib.c.content_type, ib.c.body, ib.c.received_at)
        .where(ib.c.id.in_(ids))
        .order_by(ib.c.id)
    )
    return [StoredDelivery(r.id, r.source, r.content_type, r.body, r.received_at) for r in rows]


def unprocessed(connection: Connection, limit: int = 500, after: int = 0) -> list[int]:
    """Ids of deliveries not processed yet, oldest first."""
    ib = tables.inbox
    rows = connection.execute(
        select(ib.c.id)
        .where(ib.c.processed_at.is_(None), ib.c.id > after)
        .order_by(ib.c.id)
        .limit(limit)
    )
    return [r.id for r in rows]


_MARK = (
    update(tables.inbox)
    .where(tables.inbox.c.id == bindparam("delivery_id"))
    .values(processed_at=bindparam("at"), error=bindparam("error"))
)


def mark(connection: Connection, results: Sequence[tuple[int, datetime, str | None]]) -> None:
    """Record that deliveries were processed, and how each went: ``(id, when, error)``."""
    if results:
        connection.execute(
            _MARK, [{"delivery_id": i, "at": at, "error": error} for i, at, error in results]
        )
