"""The lenient scalars every wire model reads numbers and text with."""

from __future__ import annotations

import pytest

from status_tracker.integrations._lenient import integer, text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (603, 603),
        ("603", 603),
        (" -7 ", -7),
        (4.0, 4),
        (4.5, None),
        ("", None),
        ("--5", None),
        ("²", None),
        ("12a", None),
        (True, None),
        (None, None),
        ({"id": 1}, None),
    ],
)
def test_integer(value: object, expected: int | None) -> None:
    assert integer(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Heat ", "Heat"),
        ("", None),
        ("   ", None),
        (None, None),
        (12, "12"),
        (False, "false"),
        (["x"], None),
        ({"a": 1}, None),
    ],
)
def test_text(value: object, expected: str | None) -> None:
    assert text(value) == expected
