"""``GET /api/sse``: every committed change as ``event: request`` (CONTRACT §5).

Each change's JSON was serialised once by the writer; here it is only framed.
A reconnecting client sends ``Last-Event-ID`` and gets what it missed from the
bus's memory, or one ``resync`` event when that is gone. A client that cannot
keep up gets ``resync`` instead of a backlog; it never slows anyone else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query
from sse_starlette import EventSourceResponse, ServerSentEvent

from status_tracker.runtime.bus import Bus, Change
from status_tracker.web.deps import TrackerDep

router = APIRouter(prefix="/api", tags=["live"])

PING_SECONDS = 15
SEND_TIMEOUT = 10.0


RESYNC_EVENT = ServerSentEvent(data="{}", event="resync")


async def changes(
    bus: Bus, last_event_id: str | None, only: int | None
) -> AsyncIterator[tuple[Change | None, bool]]:
    """Replay then live changes as ``(change, False)``; ``(None, True)`` means resync."""
    with bus.subscribe() as subscription:
        if last_event_id and last_event_id.isdigit():
            missed = bus.replay(int(last_event_id))
            if missed is None:
                yield None, True
            else:
                for change in missed:
                    if only is None or change.request.id == only:
                        yield change, False
        async for live in subscription:
            if live is None:
                yield None, True
            elif only is None or live.request.id == only:
                yield live, False


@router.get(
    "/sse",
    summary="Live updates (text/event-stream)",
    response_description="`event: request` with a Request object per committed change; "
    "`event: resync` when the client must reload; a ping at least every 15 s.",
)
async def sse(
    tracker: TrackerDep,
    id: Annotated[int | None, Query(description="Only this request")] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> EventSourceResponse:
    """Stream request changes."""

    async def frames() -> AsyncIterator[ServerSentEvent | bytes]:
        async for change, resync in changes(tracker.bus, last_event_id, id):
            yield RESYNC_EVENT if resync or change is None else change.frame

    return EventSourceResponse(frames(), ping=PING_SECONDS, send_timeout=SEND_TIMEOUT)
