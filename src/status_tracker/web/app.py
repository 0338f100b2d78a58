"""``create_app(settings)``: the FastAPI app with every router, included by name."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from status_tracker import __version__
from status_tracker.config import Settings
from status_tracker.integrations.base import Integration
from status_tracker.registry import INTEGRATIONS
from status_tracker.runtime import stalls
from status_tracker.runtime.lifespan import Tracker
from status_tracker.runtime.pipeline import Clock, utcnow
from status_tracker.web import presenters
from status_tracker.web.routes import api, hooks, pages, posters, retry, stream, ui_stream
from status_tracker.web.security import SecurityHeaders


def create_app(
    settings: Settings,
    integrations: Sequence[Integration] = INTEGRATIONS,
    clock: Clock = utcnow,
    extra_tasks: Sequence[Callable[[Tracker], Coroutine[Any, Any, None]]] = (),
) -> FastAPI:
    """Build the app; the database is migrated and loops start when it starts.

    ``extra_tasks`` run beside the service while it is up (the demo's simulator).
    """
    tracker = Tracker(settings, integrations, clock)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with tracker.run():
            tasks = [asyncio.create_task(task(tracker)) for task in (stalls.watch, *extra_tasks)]
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    app = FastAPI(
        title="Status Tracker",
        version=__version__,
        summary="Where is my request? Live status from Jellyseerr to Jellyfin.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.tracker = tracker
    app.include_router(hooks.router)  # /hooks/{source}
    app.include_router(api.router)  # /api/requests, /api/health
    app.include_router(retry.router)  # POST /api/requests/{id}/retry
    app.include_router(stream.router)  # /api/sse
    app.include_router(pages.router)  # /, /history, /requests/{id} (+ /retry form)
    app.include_router(ui_stream.router)  # /ui/sse
    app.include_router(posters.router)  # /posters/{id}
    app.mount("/static", StaticFiles(directory=presenters.STATIC_DIR), name="static")
    app.add_middleware(SecurityHeaders)  # CSP, nosniff, referrer, framing
    return app
