"""Talking to a running tracker the way Sonarr, Radarr and Jellyseerr do, and waiting for it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.support import Running


class Hooks:
    """POSTs webhook bodies and waits until the writer processed each new one."""

    def __init__(self, running: Running) -> None:
        self.running = running
        self.client = running.client()
        self.delivered: set[str] = set()

    def post(self, source: str, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
        """Deliver one body; wait for it to be processed when it is a new delivery."""
        response = self.client.post(f"/hooks/{source}", json=body, **kwargs)
        if response.status_code == 202:
            delivery = response.json()["delivery_id"]
            if delivery not in self.delivered:
                self.delivered.add(delivery)
                self.running.wait_processed(len(self.delivered))
        return response

    def requests(self) -> list[dict[str, Any]]:
        """Every request (active and history), most recently updated first."""
        items: list[dict[str, Any]] = self.client.get("/api/requests?scope=all").json()["items"]
        return items

    def only(self) -> dict[str, Any]:
        """The one request there is (fails when there are more or none)."""
        [request] = self.requests()
        return request

    def timeline(self, request_id: int) -> list[dict[str, Any]]:
        """A request's timeline, oldest first."""
        items: list[dict[str, Any]] = self.client.get(
            f"/api/requests/{request_id}/timeline"
        ).json()["items"]
        return items

    def messages(self, request_id: int) -> list[str]:
        """The timeline's messages, oldest first."""
        return [entry["message"] for entry in self.timeline(request_id)]

    def health(self, name: str) -> dict[str, Any]:
        """``/api/health``'s entry for one integration."""
        entry: dict[str, Any] = self.client.get("/api/health").json()["integrations"][name]
        return entry

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()


def wait_for(check: Callable[[], Any], what: str, timeout: float = 10.0) -> Any:
    """Call ``check`` until it returns something truthy; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class StepClock:
    """A clock a test moves by hand: deterministic timestamps for snapshots."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move forward (``minutes=5``…) and return the new time."""
        self.now += timedelta(**delta)
        return self.now

    def stamp(self) -> str:
        """The current time the way Sonarr/Radarr write it (``…Z``)."""
        return self.now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
