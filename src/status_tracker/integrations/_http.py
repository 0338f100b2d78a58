"""A shared httpx client factory that maps HTTP failures onto the integration error tree.

Every API client builds its ``httpx.AsyncClient`` here and sends through ``send``,
so timeouts, refused connections, 401/403 and 429 mean the same thing everywhere.
"""

from __future__ import annotations

from typing import Any, Self

import httpx

from status_tracker.integrations.errors import AuthFailed, BadPayload, RateLimited, Unreachable

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def make_client(
    base_url: str,
    headers: dict[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient for one service; ``transport`` lets tests put a fake server there."""
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/"),
        headers=headers or {},
        timeout=DEFAULT_TIMEOUT,
        transport=transport,
        follow_redirects=False,
    )


async def send(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """Send a request; raise ``Unreachable``/``RateLimited``/``AuthFailed`` on failure."""
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise Unreachable(f"{client.base_url}{url}: timed out") from exc
    except httpx.TransportError as exc:
        raise Unreachable(f"{client.base_url}{url}: {exc or type(exc).__name__}") from exc
    if response.status_code in (401, 403):
        raise AuthFailed(f"{client.base_url}{url}: HTTP {response.status_code} (check the API key)")
    if response.status_code == 429:
        retry_after = response.headers.get("Retry-After", "")
        raise RateLimited(
            f"{client.base_url}{url}: HTTP 429",
            float(retry_after) if retry_after.replace(".", "", 1).isdigit() else None,
        )
    if response.status_code >= 500:
        raise Unreachable(f"{client.base_url}{url}: HTTP {response.status_code}")
    return response


async def get_json(client: httpx.AsyncClient, url: str, **kwargs: Any) -> Any:
    """GET and decode JSON; a 4xx or undecodable body raises ``BadPayload``."""
    response = await send(client, "GET", url, **kwargs)
    if response.status_code >= 400:
        raise BadPayload(f"{client.base_url}{url}: HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise BadPayload(f"{client.base_url}{url}: not JSON") from exc


class ApiClient:
    """Base of our API clients: owns one ``AsyncClient``; use it as ``async with``."""

    def __init__(
        self,
        base_url: str,
        headers: dict[str, str],
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = make_client(base_url, headers, transport)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()
