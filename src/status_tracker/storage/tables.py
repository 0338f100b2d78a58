"""The schema as SQLAlchemy Core tables (migrations in ``migrations/versions``).

Times are stored as ISO 8601 text in UTC, which sorts correctly and reads the
same on SQLite and PostgreSQL. A request's scalar fields that the API filters
and sorts on are columns; the rest (episodes, downloads, facts…) is one JSON
document in ``data``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as ISO 8601 text in UTC."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        """Aware datetime → UTC ISO text."""
        if value is None:
            return None
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """ISO text → aware datetime."""
        if value is None:
            return None
        return datetime.fromisoformat(str(value))


metadata = MetaData()

requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(20), nullable=False),
    Column("media_type", String(10), nullable=False),
    Column("title", Text),
    Column("year", Integer),
    Column("requested_by", Text),
    Column("tmdb_id", Integer),
    Column("tvdb_id", Integer),
    Column("jellyseerr_request_id", Integer),
    Column("is_anime", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("state_changed_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    Column("data", Text, nullable=False, default="{}"),
    Index("ix_requests_updated_at", "updated_at"),
    Index("ix_requests_state_updated_at", "state", "updated_at"),
)

request_keys = Table(
    "request_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", Integer, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("value", Text, nullable=False),
    UniqueConstraint("kind", "value", name="uq_request_keys_kind_value"),
    Index("ix_request_keys_request_id", "request_id"),
)

timeline = Table(
    "timeline",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", Integer, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
    Column("state", String(20), nullable=False),
    Column("timestamp", UTCDateTime, nullable=False),
    Column("source", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("details", Text, nullable=False, default="{}"),
    Index("ix_timeline_request_id_timestamp", "request_id", "timestamp"),
)

inbox = Table(
    "inbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(32), nullable=False),
    Column("dedup_key", String(64), nullable=False, unique=True),
    Column("content_type", String(100), nullable=False),
    Column("body", Text, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("processed_at", UTCDateTime),
    Column("error", Text),
    Index("ix_inbox_unprocessed", "processed_at", "id"),
)
