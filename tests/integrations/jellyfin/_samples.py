"""Recorded Jellyfin webhook plugin bodies from ``fixtures/``, for the tests in this folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

MOVIE_ID = "6a1f0c2e3b4d4e5f8a9b0c1d2e3f4a5b"
EPISODE_ID = "0c9e7d215f3a4b8c9d2e7a6b5c4d3e2f"
SERIES_ID = "b71c2a908e4f4d3aa1b2c3d4e5f60718"
SERVER_ID = "f3b1c2d4e5a6478b9c0d1e2f3a4b5c6d"


def load(name: str) -> dict[str, Any]:
    """One recorded body, decoded."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data
