"""Lenient scalars for wire models: services send numbers as strings, "" for nothing,
objects where a value was expected. These read what can be read and give None for
the rest, so one odd field never rejects a whole payload.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_INT = re.compile(r"-?[0-9]+")


def text(value: object) -> str | None:
    """A trimmed string, or None for missing, empty or structured values."""
    if value is None or isinstance(value, Mapping | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    trimmed = str(value).strip()
    return trimmed or None


def integer(value: object) -> int | None:
    """An integer from an int, a whole float or a decimal string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INT.fullmatch(value.strip()):
        return int(value.strip())
    return None
