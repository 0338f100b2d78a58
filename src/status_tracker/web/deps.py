"""FastAPI dependencies: the running ``Tracker`` and a read-only database connection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection

from status_tracker.runtime.lifespan import Tracker


async def get_tracker(request: Request) -> Tracker:
    """The tracker this app runs (async, so FastAPI calls it inline, not in a thread)."""
    tracker: Tracker = request.app.state.tracker
    return tracker


TrackerDep = Annotated[Tracker, Depends(get_tracker)]


def get_reader(tracker: TrackerDep) -> Iterator[Connection]:
    """A read-only connection for one request."""
    with tracker.database.reader.connect() as connection:
        yield connection


ReaderDep = Annotated[Connection, Depends(get_reader)]
