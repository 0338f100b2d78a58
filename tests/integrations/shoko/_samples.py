"""Recorded Shoko SignalR frames from ``fixtures/`` (each ``{"target", "arguments"}``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = sorted(path.stem for path in FIXTURES.glob("*.json"))


def load(name: str) -> dict[str, Any]:
    """One recorded frame, decoded."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def payload(name: str) -> dict[str, Any]:
    """The argument object of one recorded frame."""
    argument: dict[str, Any] = load(name)["arguments"][0]
    return argument
