"""``POST /hooks/{source}``: authenticate, check, store durably, answer 202.

Nothing slow happens here: the body is checked to be a JSON object (or a form
for sources that accept one), handed to the writer's inbox and answered as soon
as it is on disk. Processing happens afterwards in the writer.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from status_tracker.runtime.lifespan import Tracker
from status_tracker.storage.inbox import Delivery

router = APIRouter(tags=["webhooks"])

MAX_BODY = 1024 * 1024
FORM = "application/x-www-form-urlencoded"


class Accepted(BaseModel):
    """The answer to an accepted delivery."""

    accepted: bool
    delivery_id: str


class HookError(BaseModel):
    """Why a delivery was refused; nothing was stored."""

    error: str


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def secret_matches(request: Request, secret: str) -> bool:
    """True when any accepted form of authentication carries ``secret`` (CONTRACT §3.1)."""
    offered: list[str] = []
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer":
        offered.append(value.strip())
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
            offered.append(decoded.partition(":")[2])
        except (binascii.Error, UnicodeDecodeError):
            pass
    if authorization:
        offered.append(authorization.strip())
    offered.append(request.headers.get("x-webhook-secret", ""))
    offered.append(request.query_params.get("token", ""))
    expected = secret.encode()
    matched = False
    for candidate in offered:
        matched |= hmac.compare_digest(candidate.encode(), expected)
    return matched


async def _read_limited(request: Request) -> bytes | None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit():
        return await request.body() if int(declared) <= MAX_BODY else None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/hooks/{source}",
    status_code=202,
    response_model=Accepted,
    summary="Receive a webhook from Jellyseerr, Sonarr, Radarr, qBittorrent, Jellyfin or Shoko",
    responses={
        400: {"model": HookError, "description": "Body is not a JSON object (or form)"},
        401: {"model": HookError, "description": "Missing or wrong webhook secret"},
        404: {"model": HookError, "description": "Unknown source"},
        413: {"model": HookError, "description": "Body larger than 1 MiB"},
    },
)
async def receive(source: str, request: Request) -> Any:
    """Store the delivery durably and answer 202; repeats get the first delivery's id."""
    tracker: Tracker = request.app.state.tracker
    integration = tracker.integrations.get(source)
    if integration is None:
        known = ", ".join(tracker.integrations)
        return _error(404, f"unknown source {source!r}; expected one of: {known}")
    secret = tracker.settings.webhook_secret
    if secret and not secret_matches(request, secret):
        return _error(401, "missing or wrong webhook secret")
    raw = await _read_limited(request)
    if raw is None:
        return _error(413, "body larger than 1 MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _error(400, "body is not UTF-8 text")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fields: dict[str, Any]
    if content_type == FORM and integration.accepts_form:
        fields = dict(parse_qsl(text, keep_blank_values=True))
        if not fields:
            return _error(400, "body is an empty form")
        kind = FORM
    else:
        try:
            value = json.loads(text)
        except ValueError:
            return _error(
                400, "body is not JSON" + (" or a form" if integration.accepts_form else "")
            )
        if not isinstance(value, dict):
            return _error(400, "body must be a JSON object")
        fields = value
        kind = "application/json"
    missing = [
        name for name in integration.required_fields if not str(fields.get(name, "")).strip()
    ]
    if missing:
        return _error(400, f"missing required field: {', '.join(missing)}")
    delivery = Delivery(source, kind, text, tracker.clock())
    delivery_id, _ = await tracker.pipeline.accept(delivery)
    return JSONResponse({"accepted": True, "delivery_id": str(delivery_id)}, status_code=202)
