"""Alembic migrations, applied on every start by ``storage.db.migrate``."""
