"""Jellyfin wire models: provider ids, lenient values, what is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.jellyfin.payloads import (
    JellyfinItem,
    item_added,
    parse_items,
    parse_notification,
)

from ._samples import load


def test_provider_ids_are_collected_without_empty_values() -> None:
    note = parse_notification(load("item_added_episode"))
    assert note.provider_ids == {"imdb": "tt28021245", "tvdb": "9953105"}
    assert note.series_provider_ids == {}


def test_series_provider_ids_in_either_spelling() -> None:
    body = {**load("item_added_episode"), "SeriesProvider_Tvdb": "1", "series_provider_tmdb": 2}
    assert parse_notification(body).series_provider_ids == {"tvdb": "1", "tmdb": "2"}


def test_send_all_properties_values() -> None:
    note = parse_notification(load("item_added_episode_send_all_properties"))
    assert (note.kind, note.item_kind, note.year) == ("itemadded", "episode", 2023)
    assert (note.season_number, note.episode_number, note.episode_number_end) == (1, 5, None)
    assert note.series_id == "b71c2a908e4f4d3aa1b2c3d4e5f60718"


def test_template_strings_and_empty_values() -> None:
    note = parse_notification(load("item_added_movie"))
    assert (note.year, note.season_number, note.series_id) == (2024, None, None)
    assert note.user is None


@pytest.mark.parametrize("body", [[], "ItemAdded", {"ItemId": "x"}, {"NotificationType": " "}])
def test_not_a_notification(body: object) -> None:
    with pytest.raises(BadPayload):
        parse_notification(body)


def test_items_skip_junk_records() -> None:
    items = parse_items(
        {"items": ["junk", {"Id": "a", "ProviderIds": {"Tmdb": ""}, "IndexNumber": "3"}]}
    )
    assert len(items) == 1
    assert (items[0].id, items[0].provider_ids, items[0].index_number) == ("a", {}, 3)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-08-22T21:40:12.5531289Z", datetime(2026, 8, 22, 21, 40, 12, 553128, tzinfo=UTC)),
        ("2026-08-22T21:40:12", datetime(2026, 8, 22, 21, 40, 12, tzinfo=UTC)),
        ("last tuesday", None),
        (12, None),
    ],
)
def test_item_dates(raw: object, expected: datetime | None) -> None:
    assert JellyfinItem.model_validate({"DateCreated": raw}).date_created == expected


def test_an_item_reads_back_as_the_notification_the_plugin_would_send() -> None:
    item = JellyfinItem.model_validate(
        {
            "Id": "0c9e7d215f3a4b8c9d2e7a6b5c4d3e2f",
            "Type": "Episode",
            "SeriesName": "Frieren",
            "SeriesId": "b71c2a908e4f4d3aa1b2c3d4e5f60718",
            "ParentIndexNumber": 1,
            "IndexNumber": 5,
            "IndexNumberEnd": 6,
            "Path": "/media/anime/Frieren/Season 01/S01E05-06.mkv",
            "ProviderIds": {"Tvdb": "9953105"},
        }
    )
    note = parse_notification(
        item_added(item, "f3b1c2d4e5a6478b9c0d1e2f3a4b5c6d", {"tvdb": "424536"})
    )
    assert (note.kind, note.item_kind, note.series_name) == ("itemadded", "episode", "Frieren")
    assert (note.season_number, note.episode_number, note.episode_number_end) == (1, 5, 6)
    assert note.path == "/media/anime/Frieren/Season 01/S01E05-06.mkv"
    assert note.provider_ids == {"tvdb": "9953105"}
    assert note.series_provider_ids == {"tvdb": "424536"}
    assert note.server_id == "f3b1c2d4e5a6478b9c0d1e2f3a4b5c6d"
