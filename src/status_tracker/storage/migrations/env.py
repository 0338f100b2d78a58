"""Alembic environment: runs migrations on the connection ``storage.db.migrate`` passes in."""

from __future__ import annotations

from alembic import context

from status_tracker.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
