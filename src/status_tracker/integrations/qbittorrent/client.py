"""qBittorrent WebUI API client (4.1+ and 5.x): a login session and one merged ``sync/maindata``.

The session lives in httpx's cookie jar, so its name does not matter (``SID`` up to
5.1, ``QBT_SID_<port>`` from 5.2). Login answers ``200 Ok.`` / ``200 Fails.`` up to
5.1 and ``401`` for bad credentials from 5.2; both become ``AuthFailed``. Any other
call answered 401/403 means the session expired (or the daemon restarted): the
client logs in again once and retries, then gives up with ``AuthFailed``. Without a
username the client never logs in (the WebUI's localhost/subnet bypass).

``maindata()`` makes exactly one HTTP call: ``sync/maindata?rid=<last rid>``. It
merges the partial torrent dicts into the torrents it already knows, drops
``torrents_removed`` and starts over on ``full_update``, so callers always get the
whole torrent list however small the delta was.

Errors are the integration tree only: refused/timeouts/5xx → ``Unreachable``, bad
credentials → ``AuthFailed``, unreadable answers → ``BadPayload``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any

import httpx

from status_tracker.integrations._http import make_client, send
from status_tracker.integrations.errors import AuthFailed, BadPayload, IntegrationError, Unreachable
from status_tracker.integrations.qbittorrent.payloads import (
    MainData,
    MainDataDelta,
    TorrentSnapshot,
)

log = logging.getLogger(__name__)

LOGIN = "/api/v2/auth/login"
LOGOUT = "/api/v2/auth/logout"
MAINDATA = "/api/v2/sync/maindata"
INFO = "/api/v2/torrents/info"
LOGOUT_TIMEOUT_S = 1.0


class QbittorrentClient:
    """An async client for one qBittorrent WebUI; keeps the session, ``rid`` and torrent map."""

    def __init__(
        self,
        url: str,
        username: str | None = None,
        password: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self._username = username or None
        self._password = password or ""
        self._http = make_client(self.url, transport=transport)
        self._login_lock = asyncio.Lock()
        self._logged_in = False
        self._rid = 0
        self._raw: dict[str, dict[str, Any]] = {}
        self._torrents: dict[str, TorrentSnapshot] = {}

    async def __aenter__(self) -> QbittorrentClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def login(self) -> None:
        """Open a session now (otherwise the first call does it). ``AuthFailed`` if refused."""
        async with self._login_lock:
            if not self._logged_in:
                await self._login()

    async def _login(self) -> None:
        if self._username is None:
            self._logged_in = True
            return
        form = {"username": self._username, "password": self._password}
        try:
            response = await send(self._http, "POST", LOGIN, data=form)
        except AuthFailed as exc:
            raise AuthFailed(self._refused_message()) from exc
        if response.status_code == 200 and response.text.strip() == "Ok.":
            self._logged_in = True
            log.debug("logged in to qBittorrent at %s", self.url)
            return
        if response.status_code == 200:
            raise AuthFailed(self._refused_message())
        raise Unreachable(
            f"{self.url}{LOGIN}: HTTP {response.status_code} (is this the qBittorrent WebUI URL?)"
        )

    def _refused_message(self) -> str:
        return (
            f"{self.url}: qBittorrent refused the login for {self._username!r} "
            "(wrong username or password, or this address is banned)"
        )

    async def _call(
        self, method: str, path: str, params: Callable[[], dict[str, Any]] | None = None
    ) -> httpx.Response:
        """Send with the session; on 401/403 log in again once and resend."""
        if not self._logged_in:
            await self.login()
        try:
            return await send(self._http, method, path, params=params() if params else None)
        except AuthFailed as exc:
            self._session_lost()
            if self._username is None:
                raise AuthFailed(
                    f"{self.url}: qBittorrent wants a login; set the username and password"
                ) from exc
        log.info("qBittorrent session at %s expired; logging in again", self.url)
        await self.login()
        try:
            return await send(self._http, method, path, params=params() if params else None)
        except AuthFailed as exc:
            self._session_lost()
            raise AuthFailed(f"{self.url}{path}: still forbidden after a new login") from exc

    def _session_lost(self) -> None:
        self._logged_in = False
        self._rid = 0

    async def _json(self, path: str, params: Callable[[], dict[str, Any]] | None = None) -> Any:
        response = await self._call("GET", path, params)
        if response.status_code == 404:
            raise Unreachable(f"{self.url}{path}: HTTP 404 (is this the qBittorrent WebUI URL?)")
        if response.status_code >= 400:
            raise BadPayload(f"{self.url}{path}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise BadPayload(f"{self.url}{path}: not JSON") from exc

    async def version(self) -> str:
        """The application version, e.g. ``v4.5.2``."""
        response = await self._call("GET", "/api/v2/app/version")
        if response.status_code != 200:
            raise BadPayload(f"{self.url}/api/v2/app/version: HTTP {response.status_code}")
        return response.text.strip()

    async def maindata(self) -> MainData:
        """One ``sync/maindata`` call, merged into the torrents known so far."""
        delta = MainDataDelta.parse(await self._json(MAINDATA, lambda: {"rid": self._rid}))
        removed: set[str] = set()
        if delta.full_update:
            removed.update(self._raw)
            self._raw.clear()
            self._torrents.clear()
        for torrent_id in delta.torrents_removed:
            key = torrent_id.lower()
            if self._raw.pop(key, None) is not None:
                self._torrents.pop(key, None)
                removed.add(key)
        changed: set[str] = set()
        for torrent_id, fields in delta.torrents.items():
            key = torrent_id.lower()
            raw = self._raw.setdefault(key, {})
            raw.update(fields)
            self._torrents[key] = TorrentSnapshot.from_fields(key, raw)
            changed.add(key)
        self._rid = delta.rid
        return MainData(
            rid=delta.rid,
            full_update=delta.full_update,
            torrents=dict(self._torrents),
            changed=frozenset(changed),
            removed=frozenset(removed - changed),
        )

    async def torrents(self, hashes: Iterable[str] | None = None) -> dict[str, TorrentSnapshot]:
        """``torrents/info`` for these torrent IDs (any case), or all with None; one call.

        Cheaper for the server than ``maindata`` when few of many torrents matter, but
        it matches only the torrent ID (a hybrid torrent's v1 hash finds nothing).
        """
        wanted = None if hashes is None else "|".join(h.strip().lower() for h in hashes)
        if wanted == "":
            return {}
        params = {"hashes": wanted} if wanted else {}
        body = await self._json(INFO, lambda: params)
        if not isinstance(body, list):
            raise BadPayload(f"{self.url}{INFO}: expected a list")
        return {
            item["hash"].lower(): TorrentSnapshot.from_fields(item["hash"], item)
            for item in body
            if isinstance(item, dict) and isinstance(item.get("hash"), str)
        }

    async def close(self) -> None:
        """Log out (best effort, bounded) and close the connection pool."""
        try:
            if self._logged_in and self._username is not None:
                await send(self._http, "POST", LOGOUT, timeout=LOGOUT_TIMEOUT_S)
        except IntegrationError as exc:
            log.debug("qBittorrent logout at %s failed: %s", self.url, exc)
        finally:
            self._logged_in = False
            await self._http.aclose()
