"""``GET /ui/sse``: the pages' live stream — ready-to-swap HTML fragments, not JSON.

Dashboard (``?user=&state=&media_type=&q=``, the page's filters):
  ``event: request-{id}`` with ``_request_card.html`` replaces a card already shown;
  ``event: new-request`` with a card puts a request that is new (or just entered the
  filters) on top; ``event: request-{id}`` with ``_request_removed.html`` drops a card that
  left the filters (moved to history, changed state, merged into another).
Detail page (``?id=N``): ``event: request-N`` (the card; the page re-fetches itself).
``event: reload``: the page cannot catch up and must reload. ``event: ready``: caught up.

Catching up: the page passes ``after=`` (the bus position when it was rendered); a
reconnecting browser sends ``Last-Event-ID``. Both read ``<run>-<event id>``, where the run
token is new each time the server starts (event ids restart too). Changes after that
position are replayed from the bus's memory, or ``reload`` is sent when they are gone or
the position is from another run. A dashboard stream starts from the cards the page shows
(the same query as the page); replayed changes, and those committed while that query ran,
may or may not be on the page yet, so a matching one comes as ``new-request`` (the page
drops an older copy of that card) and one that no longer matches is removed.

Each change is rendered once, whatever the number of open pages: ``Fragments`` keeps the
encoded frames by event id and every stream writes the same bytes.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from sse_starlette import EventSourceResponse

from status_tracker.core.model import Request as TrackedRequest
from status_tracker.core.states import HISTORY, RequestState
from status_tracker.runtime.bus import Change
from status_tracker.runtime.lifespan import Tracker
from status_tracker.storage import queries
from status_tracker.web.deps import TrackerDep
from status_tracker.web.routes.pages import (
    DASHBOARD_LIMIT,
    page_filters,
    query_filters,
    run_token,
    templates,
)

router = APIRouter(include_in_schema=False)

PING_SECONDS = 15
SEND_TIMEOUT = 10.0
CACHE_SIZE = 512
RELOAD = b"event: reload\ndata: reload\n\n"
READY = b"retry: 2000\nevent: ready\ndata: ready\n\n"
"""Sent once the stream has caught up: from here on, every change arrives live.
Also sets the browser's reconnect delay to 2 s."""


def _frame(event: str, event_id: str, html: str) -> bytes:
    """One SSE frame; multi-line HTML becomes one ``data:`` line per line (never empty)."""
    lines = html.strip().splitlines() or [" "]
    data = "".join(f"data: {line}\n" for line in lines)
    return f"event: {event}\nid: {event_id}\n{data}\n".encode()


class Fragments:
    """Frames per event id, rendered and encoded once, shared by every stream."""

    def __init__(self, tracker: Tracker, run: str) -> None:
        self.tracker = tracker
        self.run = run
        self._frames: OrderedDict[tuple[int, str, int], bytes] = OrderedDict()
        self.renders = 0
        """How many cards were rendered (for tests)."""

    def _cached(self, key: tuple[int, str, int]) -> bytes | None:
        found = self._frames.get(key)
        if found is not None:
            self._frames.move_to_end(key)
        return found

    def _store(self, key: tuple[int, str, int], frame: bytes) -> bytes:
        self._frames[key] = frame
        if len(self._frames) > CACHE_SIZE:
            self._frames.popitem(last=False)
        return frame

    def _card(self, change: Change) -> str:
        key = (change.event_id, "card", 0)
        found = self._cached(key)
        if found is not None:
            return found.decode()
        self.renders += 1
        html = templates.get_template("_request_card.html").render(
            r=json.loads(change.json), now=self.tracker.clock()
        )
        self._store(key, html.encode())
        return html

    def update(self, change: Change) -> bytes:
        """``request-{id}`` with the card (swapped in place, or the detail page's trigger)."""
        key = (change.event_id, "update", 0)
        found = self._cached(key)
        if found is not None:
            return found
        event = f"request-{change.request.id}"
        return self._store(key, _frame(event, self._id(change), self._card(change)))

    def new(self, change: Change) -> bytes:
        """``new-request`` with the card (goes on top of the list)."""
        key = (change.event_id, "new", 0)
        found = self._cached(key)
        if found is not None:
            return found
        return self._store(key, _frame("new-request", self._id(change), self._card(change)))

    def removed(self, change: Change, request_id: int) -> bytes:
        """``request-{id}`` with the removed marker for ``request_id``."""
        key = (change.event_id, "removed", request_id)
        found = self._cached(key)
        if found is not None:
            return found
        html = templates.get_template("_request_removed.html").render(r={"id": request_id})
        return self._store(key, _frame(f"request-{request_id}", self._id(change), html))

    def _id(self, change: Change) -> str:
        return f"{self.run}-{change.event_id}"


def fragments(request: Request, tracker: Tracker) -> Fragments:
    """This app's shared fragment cache (created on first use)."""
    state = request.app.state
    found: Fragments | None = getattr(state, "ui_fragments", None)
    if found is None:
        found = Fragments(tracker, run_token(request.app))
        state.ui_fragments = found
    return found


def matches(request: TrackedRequest, filters: queries.Filters, failed_before: datetime) -> bool:
    """Whether the dashboard with ``filters`` lists ``request`` (as ``queries.list_requests``)."""
    state = request.state
    if state in HISTORY or (state is RequestState.FAILED and request.updated_at < failed_before):
        return False
    if filters.states and state not in filters.states:
        return False
    if filters.user and (request.requested_by or "").lower() != filters.user.lower():
        return False
    if filters.media_type and str(request.media_type) != filters.media_type:
        return False
    return not filters.q or filters.q.lower() in (request.title or "").lower()


class DashboardView:
    """What one dashboard page shows, and the frames that keep it in step with changes."""

    def __init__(self, filters: queries.Filters, shown: set[int], frames: Fragments) -> None:
        self.filters = filters
        self.shown = shown
        self.frames = frames

    def frames_for(self, change: Change, failed_before: datetime, unsure: bool) -> Iterator[bytes]:
        """Frames for one change; ``unsure``: the page may or may not show it yet."""
        request_id = change.request.id
        assert request_id is not None
        for gone in change.extra.get("removed", ()):
            if gone in self.shown or unsure:
                self.shown.discard(gone)
                yield self.frames.removed(change, gone)
        if matches(change.request, self.filters, failed_before):
            if request_id in self.shown and not unsure and not change.created:
                yield self.frames.update(change)
            else:
                self.shown.add(request_id)
                yield self.frames.new(change)
        elif request_id in self.shown or unsure:
            self.shown.discard(request_id)
            yield self.frames.removed(change, request_id)


def _shown(tracker: Tracker, filters: queries.Filters) -> set[int]:
    with tracker.database.reader.connect() as connection:
        items, _ = queries.list_requests(
            connection, filters, tracker.clock() - tracker.failed_before, DASHBOARD_LIMIT, 0
        )
    return {r.id for r in items if r.id is not None}


FOREIGN = -1
"""A position from another run of the server (or garbage): the page must reload."""


def parse_position(text: str | None, run: str) -> int | None:
    """The event id in ``<run>-<id>`` if it is from this run, ``FOREIGN`` if not, else None."""
    if not text:
        return None
    token, _, number = text.strip().rpartition("-")
    return int(number) if token == run and number.isdigit() else FOREIGN


def _replay(tracker: Tracker, position: int | None) -> list[Change] | None:
    if position is None:
        return []
    return None if position == FOREIGN else tracker.bus.replay(position)


async def dashboard_frames(
    tracker: Tracker, frames: Fragments, filters: queries.Filters, position: int | None
) -> AsyncIterator[bytes]:
    """Replay since ``position``, then live frames for one dashboard."""
    bus = tracker.bus
    with bus.subscribe() as subscription:
        missed = _replay(tracker, position)
        if missed is None:
            yield RELOAD
            missed = []
        view = DashboardView(filters, await asyncio.to_thread(_shown, tracker, filters), frames)
        settled = bus.last_id
        """Changes up to here may or may not be in the snapshot the view started from."""
        failed_before = tracker.clock() - tracker.failed_before
        for past in missed:
            for frame in view.frames_for(past, failed_before, unsure=True):
                yield frame
        yield READY
        async for live in subscription:
            if live is None:
                yield RELOAD
                continue
            failed_before = tracker.clock() - tracker.failed_before
            unsure = live.event_id <= settled
            for frame in view.frames_for(live, failed_before, unsure):
                yield frame


async def detail_frames(
    tracker: Tracker, frames: Fragments, request_id: int, position: int | None
) -> AsyncIterator[bytes]:
    """Replay since ``position``, then live frames for one detail page."""
    with tracker.bus.subscribe() as subscription:
        missed = _replay(tracker, position)
        if missed is None:
            yield RELOAD
            missed = []
        for past in missed:
            if request_id in past.extra.get("removed", ()):
                yield RELOAD
            elif past.request.id == request_id:
                yield frames.update(past)
        yield READY
        async for live in subscription:
            if live is None or request_id in live.extra.get("removed", ()):
                yield RELOAD
            elif live.request.id == request_id:
                yield frames.update(live)


@router.get("/ui/sse")
async def ui_sse(
    request: Request,
    tracker: TrackerDep,
    user: str | None = None,
    state: str | None = None,
    media_type: str | None = None,
    q: str | None = None,
    id: Annotated[int | None, Query(description="Only this request (detail page)")] = None,
    after: Annotated[str | None, Query(description="Position the page was rendered at")] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> EventSourceResponse:
    """HTML fragments for the open page, as changes are committed."""
    frames = fragments(request, tracker)
    position = parse_position(last_event_id or after, frames.run)
    if id is not None:
        stream = detail_frames(tracker, frames, id, position)
    else:
        filters = query_filters(page_filters(user, state, media_type, q), "active")
        stream = dashboard_frames(tracker, frames, filters, position)
    return EventSourceResponse(stream, ping=PING_SECONDS, send_timeout=SEND_TIMEOUT)
