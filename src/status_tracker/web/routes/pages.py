"""The HTML pages (CONTRACT §6): dashboard ``/``, detail ``/requests/{id}``, ``/history``.

Pages are rendered on the server from the same Request JSON the API returns, with the
templates in ``web/templates`` (autoescaped; ``_name.html`` fragments are shared with the
live stream in ``ui_stream``). Filters are plain GET parameters named as in the API
(``user``, ``state``, ``media_type``, ``q``); bad values are ignored, not refused.

"My requests": a non-empty ``user=`` is remembered in a cookie; a list page opened
without ``user`` redirects to the same URL with the remembered user, so the URL always
shows what is filtered. ``user=`` (empty, what "Everyone" and "Clear filters" send)
forgets it.

``POST /requests/{id}/retry`` is the no-JavaScript form for ``POST /api/requests/{id}/retry``
(``routes.retry``): it runs the same code and answers 303 to the detail page, which then
says what happened. Cross-site posts are refused.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from status_tracker.config import Settings
from status_tracker.core.states import RequestState, can_retry
from status_tracker.runtime.lifespan import Tracker
from status_tracker.schema import request_json, timeline_json
from status_tracker.storage import queries
from status_tracker.web import presenters
from status_tracker.web.deps import ReaderDep, TrackerDep
from status_tracker.web.routes import retry as retry_api

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(env=presenters.environment())

DASHBOARD_LIMIT = 100
"""Cards on the dashboard at most (most recently updated first); filters narrow the list."""
HISTORY_PAGE_SIZE = 20
USER_COOKIE = "user"
USER_COOKIE_SECONDS = 400 * 86_400
MAX_TEXT = 200
LIVE_STATES_EXCLUDED = frozenset({"completed", "declined"})
"""Detail pages of these requests open no stream: nothing changes them any more."""
RETRY_NOTICES = {
    "sent": "A new search was sent. This page updates as soon as something is found.",
    "refused": "Nothing was sent: this request cannot be searched again now, or Sonarr or "
    "Radarr does not have it.",
    "unreachable": "Sonarr or Radarr could not be reached. Try again in a moment.",
    "unconfigured": "Sonarr or Radarr is not configured, so nothing was sent.",
    "error": "Something went wrong while sending the new search. Try again in a moment.",
}
_RETRY_OUTCOMES = {409: "refused", 502: "unreachable", 503: "unconfigured"}


# --- filters and the remembered user -------------------------------------------------------


def page_filters(
    user: str | None, state: str | None, media_type: str | None, q: str | None
) -> dict[str, str | None]:
    """The filters a page shows and links with; unknown states and types are dropped."""
    states: list[str] = []
    for part in (state or "").split(","):
        value = part.strip().lower()
        if value in RequestState._value2member_map_ and value not in states:
            states.append(value)
    return {
        "user": (user or "").strip()[:MAX_TEXT] or None,
        "state": ",".join(states) or None,
        "media_type": media_type if media_type in ("movie", "tv") else None,
        "q": (q or "").strip()[:MAX_TEXT] or None,
    }


def query_filters(filters: dict[str, str | None], scope: str) -> queries.Filters:
    """The storage filters for page filters."""
    states = tuple(RequestState(s) for s in (filters["state"] or "").split(",") if s)
    return queries.Filters(
        states=states,
        user=filters["user"],
        media_type=filters["media_type"],
        q=filters["q"],
        scope=scope,
    )


def _remembered_redirect(
    request: Request, path: str, filters: dict[str, str | None], page: int = 1
) -> Response | None:
    """Redirect to the remembered user's URL when ``user`` is absent and a user is remembered."""
    remembered = request.cookies.get(USER_COOKIE, "").strip()
    if "user" in request.query_params or not remembered:
        return None
    target = presenters.page_url(path, {**filters, "user": remembered[:MAX_TEXT]}, page)
    return RedirectResponse(target, status_code=303)


def _remember(request: Request, response: Response, user: str | None) -> None:
    if "user" not in request.query_params:
        return
    if user:
        if request.cookies.get(USER_COOKIE) != user:
            response.set_cookie(
                USER_COOKIE, user, max_age=USER_COOKIE_SECONDS, httponly=True, samesite="lax"
            )
    elif USER_COOKIE in request.cookies:
        response.delete_cookie(USER_COOKIE, httponly=True, samesite="lax")


def run_token(app: Any) -> str:
    """A random token for this run of the app: live-update positions carry it, so a page
    from before a restart is told to reload instead of trusting event ids that restarted."""
    token: str | None = getattr(app.state, "ui_run", None)
    if token is None:
        token = secrets.token_hex(4)
        app.state.ui_run = token
    return token


def stream_position(request: Request, tracker: Tracker) -> str:
    """Where live updates are now, as ``<run>-<last event id>`` (the pages' ``after=``)."""
    return f"{run_token(request.app)}-{tracker.bus.last_id}"


def _timed(response: Response, started: float) -> Response:
    """Add ``Server-Timing: page;dur=<ms>`` (reading the database and rendering)."""
    elapsed = (time.perf_counter() - started) * 1000
    response.headers["Server-Timing"] = f'page;dur={elapsed:.2f};desc="read and render"'
    return response


def _base_url(settings: Settings, request: Request) -> str:
    return str(settings.public_url or request.base_url).rstrip("/")


# --- pages -----------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def dashboard(
    request: Request,
    tracker: TrackerDep,
    connection: ReaderDep,
    user: str | None = None,
    state: str | None = None,
    media_type: str | None = None,
    q: str | None = None,
) -> Response:
    """Active requests, most recently updated first, updated live over ``/ui/sse``."""
    started = time.perf_counter()
    filters = page_filters(user, state, media_type, q)
    redirect = _remembered_redirect(request, "/", filters)
    if redirect is not None:
        return redirect
    after = stream_position(request, tracker)  # before reading: later commits are replayed
    now = tracker.clock()
    items, total = queries.list_requests(
        connection,
        query_filters(filters, "active"),
        now - tracker.failed_before,
        DASHBOARD_LIMIT,
        0,
    )
    empty_install = not items and queries.count_all(connection) == 0
    response = templates.TemplateResponse(
        request,
        "index.html",
        {
            "filters": filters,
            "users": queries.users(connection),
            "live": True,
            "stream_after": after,
            "requests": [request_json(r) for r in items],
            "total": total,
            "empty_install": empty_install,
            "base_url": _base_url(tracker.settings, request),
            "secret_required": tracker.settings.webhook_secret is not None,
            "now": now,
        },
    )
    _remember(request, response, filters["user"])
    return _timed(response, started)


@router.get("/history", response_class=HTMLResponse)
def history(
    request: Request,
    tracker: TrackerDep,
    connection: ReaderDep,
    user: str | None = None,
    state: str | None = None,
    media_type: str | None = None,
    q: str | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """Completed, declined and long-failed requests, newest first, ``HISTORY_PAGE_SIZE`` a page."""
    started = time.perf_counter()
    filters = page_filters(user, state, media_type, q)
    redirect = _remembered_redirect(request, "/history", filters, page)
    if redirect is not None:
        return redirect
    now = tracker.clock()
    chosen = query_filters(filters, "history")
    failed_before = now - tracker.failed_before
    offset = (page - 1) * HISTORY_PAGE_SIZE
    items, total = queries.list_requests(
        connection, chosen, failed_before, HISTORY_PAGE_SIZE, offset
    )
    pages = max(1, math.ceil(total / HISTORY_PAGE_SIZE))
    if page > pages:
        page = pages
        items, _ = queries.list_requests(
            connection, chosen, failed_before, HISTORY_PAGE_SIZE, (page - 1) * HISTORY_PAGE_SIZE
        )
    response = templates.TemplateResponse(
        request,
        "history.html",
        {
            "filters": filters,
            "users": queries.users(connection),
            "live": False,
            "requests": [request_json(r) for r in items],
            "total": total,
            "page": page,
            "pages": pages,
            "now": now,
        },
    )
    _remember(request, response, filters["user"])
    return _timed(response, started)


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def detail(
    request_id: int,
    request: Request,
    tracker: TrackerDep,
    connection: ReaderDep,
    retry: str | None = None,
    hx_request: Annotated[str | None, Header()] = None,
) -> Response:
    """One request: its steps, its timeline, and Retry when it failed or stalled."""
    started = time.perf_counter()
    after = stream_position(request, tracker)
    found = queries.get_request(connection, request_id)
    if found is None:
        return not_found(request, f"There is no request #{request_id}.")
    r = request_json(found)
    timeline = [timeline_json(e) for e in queries.timeline(connection, request_id)]
    offered, reason = retry_offer(tracker.settings, r)
    context: dict[str, Any] = {
        "filters": page_filters(None, None, None, None),
        "users": [],
        "live": r["state"] not in LIVE_STATES_EXCLUDED,
        "stream_after": after,
        "r": r,
        "timeline": timeline,
        "steps": presenters.build_steps(r, timeline),
        "can_retry": offered,
        "retry_unavailable_reason": reason,
        "notice": RETRY_NOTICES.get(retry or ""),
        "now": tracker.clock(),
    }
    name = "_request_detail.html" if hx_request == "true" else "request.html"
    response = templates.TemplateResponse(request, name, context)
    response.headers["Vary"] = "HX-Request"
    return _timed(response, started)


def not_found(request: Request, message: str) -> Response:
    """The 404 page."""
    return templates.TemplateResponse(
        request,
        "not_found.html",
        {"filters": page_filters(None, None, None, None), "live": False, "message": message},
        status_code=404,
    )


# --- retry -----------------------------------------------------------------------------------


def retry_offer(settings: Settings, r: dict[str, Any]) -> tuple[bool, str | None]:
    """(show the Retry button, or else why not) for a failed or stalled request.

    Requests that are fine get neither a button nor a message.
    """
    state = RequestState(r["state"])
    stalled = r.get("error") and can_retry(state) and state is not RequestState.DECLINED
    if state is not RequestState.FAILED and not stalled:
        return False, None
    service = "sonarr" if r.get("media_type") == "tv" else "radarr"
    if not settings.url(service) or not getattr(settings, f"{service}_api_key", None):
        name = service.upper()
        return False, (
            f"{service.capitalize()} is not configured. Set TRACKER_{name}_URL and "
            f"TRACKER_{name}_API_KEY to search again from this page."
        )
    return True, None


def _same_origin(request: Request, settings: Settings, origin: str | None) -> bool:
    """Whether a form post comes from our own pages (behind a proxy too)."""
    if not origin:
        return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
    ours = {request.headers.get("host"), request.headers.get("x-forwarded-host")}
    if settings.public_url is not None:
        ours.add(urlsplit(str(settings.public_url)).netloc)
    return urlsplit(origin).netloc in ours - {None, ""}


@router.post("/requests/{request_id}/retry")
async def retry_form(
    request_id: int,
    request: Request,
    tracker: TrackerDep,
    origin: Annotated[str | None, Header()] = None,
) -> Response:
    """Send a new search through the JSON endpoint's logic, then show the detail page (303)."""
    if not _same_origin(request, tracker.settings, origin):
        return Response("cross-site form refused", status_code=403, media_type="text/plain")
    try:
        await retry_api.retry(request_id, tracker)
    except HTTPException as exc:
        if exc.status_code == 404:
            return not_found(request, f"There is no request #{request_id}.")
        outcome = _RETRY_OUTCOMES.get(exc.status_code, "error")
        log.info("retry of request %d from the page: %s", request_id, exc.detail)
    else:
        outcome = "sent"
    return RedirectResponse(f"/requests/{request_id}?retry={outcome}", status_code=303)
