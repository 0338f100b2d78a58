"""Recorded Sonarr payloads from ``fixtures/``, and a way to give them other ids and titles."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> Any:
    """A fixture file, decoded."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def vary(
    body: dict[str, Any],
    *,
    series_id: int,
    tvdb_id: int,
    tmdb_id: int,
    title: str,
    download_id: str | None,
) -> dict[str, Any]:
    """A copy of a webhook body about another series and download."""
    copied: dict[str, Any] = copy.deepcopy(body)
    series = copied["series"]
    series.update(id=series_id, tvdbId=tvdb_id, tmdbId=tmdb_id, title=title)
    for episode in copied.get("episodes", []):
        episode["seriesId"] = series_id
    if download_id is None:
        copied.pop("downloadId", None)
    else:
        copied["downloadId"] = download_id
    return copied
