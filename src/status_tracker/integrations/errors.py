"""The error tree every integration raises, classified once at the loop boundary.

    IntegrationError
    ├── Unreachable          connection refused, timeout, 5xx: retry with backoff
    │   └── RateLimited      429 / Retry-After: wait ``retry_after`` seconds, then retry
    ├── AuthFailed           401/403, bad API key or password: stop, show it, don't hammer
    └── BadPayload           the other side sent something we cannot read: record it, carry on

Protocol modules (``payloads``, ``client``) raise only these.
"""

from __future__ import annotations


class IntegrationError(Exception):
    """Base of every error an integration raises."""


class Unreachable(IntegrationError):
    """The service could not be reached or answered with a server error."""


class RateLimited(Unreachable):
    """The service asked us to slow down."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthFailed(IntegrationError):
    """The service refused our credentials."""


class BadPayload(IntegrationError):
    """The data cannot be understood (wrong shape, missing required field)."""
