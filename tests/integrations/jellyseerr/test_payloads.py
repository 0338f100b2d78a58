"""Jellyseerr wire models: the parts translate does not show."""

from __future__ import annotations

import pytest

from status_tracker.integrations.jellyseerr.payloads import (
    parse_request,
    parse_seasons,
    parse_status,
    parse_webhook,
    split_subject,
)

from ._samples import load


@pytest.mark.parametrize(
    ("name", "is_4k"),
    [
        ("media_4k_approved_movie.json", True),
        ("media_4k_available_movie.json", True),
        ("media_approved_tv.json", False),
        ("test_notification.json", False),
    ],
)
def test_4k_is_read_from_the_event(name: str, is_4k: bool) -> None:
    assert parse_webhook(load(name)).is_4k is is_4k


def test_webhook_keeps_media_status_names() -> None:
    hook = parse_webhook(load("media_4k_approved_movie.json"))
    assert hook.media is not None
    assert (hook.media.status, hook.media.status4k) == ("AVAILABLE", "PROCESSING")


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        (True, True),
        ("true", True),
        (" True ", True),
        (1, True),
        ("false", False),
        (0, False),
        (None, False),
        ([], False),
    ],
)
def test_flags(value: object, flag: bool) -> None:
    assert parse_request({"id": 1, "is4k": value}).is4k is flag
    assert parse_status({"updateAvailable": value}).update_available is flag


def test_naive_timestamps_are_utc() -> None:
    record = parse_request({"id": 1, "createdAt": "2025-05-01T18:22:10"})
    assert record.created_at is not None
    assert record.created_at.utcoffset() is not None
    assert record.created_at.isoformat() == "2025-05-01T18:22:10+00:00"


def test_helpers_on_plain_values() -> None:
    assert split_subject(None) == (None, None)
    assert split_subject("Alien (1979)") == ("Alien", 1979)
    assert parse_seasons(None) == ()
    assert parse_seasons("10, 9") == (9, 10)
