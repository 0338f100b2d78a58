"""Per-integration health, as shown on ``/api/health``.

Loops report each outcome; a change of status is logged once (WARNING when a
service goes down, INFO when it recovers), never once per poll.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)


@dataclass(slots=True)
class IntegrationHealth:
    """Health of one integration: ok, unreachable, auth_failed, disabled or unknown."""

    name: str
    enabled: bool
    status: str = "unknown"
    last_success: datetime | None = None
    last_error: str | None = None

    def ok(self) -> None:
        """Record a successful call."""
        if self.status not in ("ok", "unknown"):
            log.info("%s: recovered", self.name)
        self.status = "ok"
        self.last_success = datetime.now(UTC)

    def failed(self, status: str, message: str) -> None:
        """Record a failed call; logs only when the status changes."""
        if status != self.status:
            log.warning("%s: %s (%s)", self.name, status.replace("_", " "), message)
        self.status = status
        self.last_error = message

    def as_json(self) -> dict[str, Any]:
        """The shape CONTRACT §4 gives for one integration."""
        return {
            "enabled": self.enabled,
            "status": self.status if self.enabled else "disabled",
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "last_error": self.last_error,
        }
