"""Security headers on every HTTP response: ``SecurityHeaders`` (pure ASGI middleware).

The pages load only our own files: ``Content-Security-Policy: default-src 'self'`` with no
inline scripts or styles, no framing (``frame-ancestors 'none'``), no MIME sniffing and
no referrer sent to other sites (a "Watch now" link does not tell Jellyfin where it came
from; ``same-origin`` rather than ``no-referrer``, which would make the browser send
``Origin: null`` on our own forms, whose origin the retry form checks). Headers a route
set itself are kept. (FastAPI's ``/docs`` and ``/redoc`` viewers are turned off: they load
from a CDN. The schema itself is at ``/openapi.json``.)

Pure ASGI rather than ``BaseHTTPMiddleware``, so streamed responses (SSE) pass untouched.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'"
)
HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


class SecurityHeaders:
    """Adds ``HEADERS`` to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS:
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
