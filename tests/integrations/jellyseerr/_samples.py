"""Recorded Jellyseerr payloads from ``fixtures/``, for the tests in this folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> Any:
    """A fixture file, decoded."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))
