"""Connecting and migrating: engines for the one writer and for readers.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so readers never
block the writer. The writer's transactions start with ``BEGIN IMMEDIATE`` and
may use savepoints (one per delivery); readers use plain deferred transactions.
Migrations (Alembic) run on every start and are a no-op when up to date.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True, slots=True)
class Database:
    """The two engines of one database."""

    url: str
    writer: Engine
    reader: Engine

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.writer.dispose()
        self.reader.dispose()


def normalise_url(url: str) -> str:
    """Pick our drivers: pysqlite for SQLite, psycopg 3 for PostgreSQL."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=5, max_overflow=5
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def connect(url: str) -> Database:
    """Open the database at ``url`` (creating a SQLite file's folder if needed)."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return Database(
            url, _sqlite_engine(url, immediate=True), _sqlite_engine(url, immediate=False)
        )
    engine = create_engine(url, pool_pre_ping=True)
    return Database(url, engine, engine)


def migrate(database: Database) -> None:
    """Bring the schema up to date."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.writer.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def ping(database: Database) -> bool:
    """True when the database answers a trivial query."""
    try:
        with database.reader.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
