"""Initial schema: requests, correlation keys, timeline and the inbox.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from status_tracker.storage.tables import UTCDateTime

revision = "0001"
down_revision = None


def upgrade() -> None:
    """Create the four tables."""
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("media_type", sa.String(10), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("year", sa.Integer),
        sa.Column("requested_by", sa.Text),
        sa.Column("tmdb_id", sa.Integer),
        sa.Column("tvdb_id", sa.Integer),
        sa.Column("jellyseerr_request_id", sa.Integer),
        sa.Column("is_anime", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("state_changed_at", UTCDateTime, nullable=False),
        sa.Column("completed_at", UTCDateTime),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_requests_updated_at", "requests", ["updated_at"])
    op.create_index("ix_requests_state_updated_at", "requests", ["state", "updated_at"])
    op.create_table(
        "request_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.UniqueConstraint("kind", "value", name="uq_request_keys_kind_value"),
    )
    op.create_index("ix_request_keys_request_id", "request_keys", ["request_id"])
    op.create_table(
        "timeline",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("timestamp", UTCDateTime, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
    )
    op.create_index("ix_timeline_request_id_timestamp", "timeline", ["request_id", "timestamp"])
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("dedup_key", sa.String(64), nullable=False, unique=True),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.Column("processed_at", UTCDateTime),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_inbox_unprocessed", "inbox", ["processed_at", "id"])
