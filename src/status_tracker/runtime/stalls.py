"""Stall detection: a request that sits too long in one state is flagged, in plain words.

Once at start and then every ``CHECK_SECONDS``, active requests without a
problem shown already are compared with the limits from the settings
(``TRACKER_STALL_*_HOURS``), counting from their last change of any kind (a
progress sample counts). A stalled request gets a ``NeedsAttention`` through
the writer like any other event — its state does not move, and the Retry
button (failed and stalled requests) becomes useful. The next real change
clears the message.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Connection

from status_tracker.config import Settings
from status_tracker.core.events import NeedsAttention
from status_tracker.core.model import Request
from status_tracker.core.states import RequestState
from status_tracker.runtime.lifespan import Tracker
from status_tracker.storage import queries, requests

log = logging.getLogger(__name__)

CHECK_SECONDS = 60.0
S = RequestState


def limits(settings: Settings) -> dict[RequestState, timedelta]:
    """How long each state may go without news."""
    searching = timedelta(hours=settings.stall_searching_hours)
    downloading = timedelta(hours=settings.stall_downloading_hours)
    importing = timedelta(hours=settings.stall_importing_hours)
    return {
        S.SEARCHING: searching,
        S.INDEXED: searching,
        S.DOWNLOADING: downloading,
        S.DOWNLOAD_DONE: importing,
        S.IMPORTING: importing,
        S.ANIME_INDEXING: importing,
    }


WORDS = {
    S.SEARCHING: "no release found yet",
    S.INDEXED: "the download has not started",
    S.DOWNLOADING: "the download is not moving",
    S.DOWNLOAD_DONE: "downloaded but not added to the library",
    S.IMPORTING: "not in the library yet",
    S.ANIME_INDEXING: "still matching",
}


def message(request: Request, now: datetime) -> str:
    """ "Stalled: no release found yet (2 days)" — what the card says."""
    idle = now - request.updated_at
    span = f"{idle.days} days" if idle.days >= 2 else f"{int(idle.total_seconds() // 3600)} h"
    return f"Stalled: {WORDS[request.state]} ({span})"


def stalled(
    connection: Connection, settings: Settings, now: datetime, failed_before: datetime
) -> list[NeedsAttention]:
    """One event for each active request that went quiet for longer than its limit."""
    bounds = limits(settings)
    found: list[NeedsAttention] = []
    active, _ = queries.list_requests(
        connection, queries.Filters(scope="active"), failed_before, 10_000, 0
    )
    for request in active:
        limit = bounds.get(request.state)
        if limit is None or request.error or request.id is None:
            continue
        if now - request.updated_at > limit:
            keys = tuple(requests.keys_of(connection, request.id))
            found.append(NeedsAttention(source="tracker", keys=keys, message=message(request, now)))
    return found


async def watch(tracker: Tracker, every: float = CHECK_SECONDS) -> None:
    """Flag stalled requests at start and then every ``every`` seconds, until cancelled."""
    while True:
        now = tracker.clock()
        query = partial(
            stalled, settings=tracker.settings, now=now, failed_before=now - tracker.failed_before
        )
        try:
            events = await tracker.read(query)
        except Exception:
            log.exception("stall check failed")
            events = []
        for event in events:
            log.info("%s", event.message)
            await tracker.submit([event])
        await asyncio.sleep(every)
