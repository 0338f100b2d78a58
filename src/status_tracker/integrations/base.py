"""What an integration is: a name, a webhook translator and an optional background loop.

``registry.INTEGRATIONS`` lists one ``Integration`` per service; the web app and
the lifespan read its fields directly. Nothing is discovered.

A webhook translator takes the decoded JSON object (or form fields) and a
``TranslateContext`` and returns core events; an empty list means "stored,
nothing to do" (test events, event types we don't track). It raises
``BadPayload`` when the body cannot be understood.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from status_tracker.core.events import Event
from status_tracker.core.ids import PathMappings
from status_tracker.core.model import Request


@dataclass(frozen=True, slots=True)
class TranslateContext:
    """Settings a translator needs: path mappings and the public Jellyfin URL."""

    path_mappings: PathMappings = ()
    jellyfin_public_url: str | None = None


Translator = Callable[[Mapping[str, Any], TranslateContext], list[Event]]


class HealthSink(Protocol):
    """Where a loop reports whether its service answers (shown on /api/health)."""

    def ok(self) -> None:
        """The last call succeeded."""

    def failed(self, status: str, message: str) -> None:
        """The last call failed; ``status`` is ``unreachable`` or ``auth_failed``."""


class Host(Protocol):
    """What a background loop may use: submit events, read active requests, report health."""

    async def submit(self, events: Sequence[Event]) -> None:
        """Hand events to the single writer (they are applied in order)."""

    async def deliver(self, source: str, body: Mapping[str, Any]) -> int:
        """Store a body as if it had been POSTed to ``/hooks/<source>``; returns its id."""

    async def active_requests(self) -> list[Request]:
        """Requests not yet in history, as the writer last committed them."""

    def health(self, name: str) -> HealthSink:
        """The health record of integration ``name``."""

    def changes(self) -> AbstractContextManager[AsyncIterator[Request | None]]:
        """Committed changes while the ``with`` block lasts (None: some were missed)."""


Background = Callable[[Any, Host], Coroutine[Any, Any, None]]
"""``background(settings, host)``: a long-running loop; it must never raise for outages."""


@dataclass(frozen=True, slots=True)
class Integration:
    """One upstream service."""

    name: str
    title: str
    translate: Translator
    background: Background | None = None
    accepts_form: bool = False
    """Whether ``/hooks/<name>`` also takes form-encoded bodies (qBittorrent's curl line)."""
    required_fields: tuple[str, ...] = ()
    """Fields a delivery must carry, else 400 and nothing is stored."""
