"""Shoko events → core events: every recorded frame, in every accepted body shape."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from status_tracker.core.events import Event, Matched, NeedsAttention, Noted
from status_tracker.core.ids import parse_path_mappings, path_tail
from status_tracker.core.model import Key, KeyKind
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.shoko.translate import translate

from ._samples import NAMES, load, payload

CTX = TranslateContext()
FRIEREN = "shows/Frieren - Beyond Journey's End/Season 01"
E05 = f"{FRIEREN}/Frieren - Beyond Journey's End - S01E05 - Phantoms of the Dead [WEBDL-1080p].mkv"
E06 = f"{FRIEREN}/Frieren - Beyond Journey's End - S01E06 - A Reliable Ally [WEBDL-1080p].mkv"
RENAMED = f"{FRIEREN}/Sousou no Frieren - 05 - Phantoms of the Dead [SubsPlease][1080p].mkv"


def body(name: str, **extra: Any) -> dict[str, Any]:
    """The canonical hook body for a recorded frame."""
    frame = load(name)
    return {"event": frame["target"], "payload": frame["arguments"][0], **extra}


def place(path: str) -> Key:
    """An absolute path is a path key; a path relative to Shoko's import folder, a tail key."""
    if path.startswith("/"):
        return Key(KeyKind.PATH, path)
    return Key(KeyKind.PATH_TAIL, path_tail(path))


def keys(file_id: int | None, *paths: str) -> tuple[Key, ...]:
    found = [place(path) for path in paths]
    if file_id is not None:
        found.append(Key(KeyKind.SHOKO_FILE, str(file_id)))
    return tuple(found)


def matched(file_id: int, path: str | None) -> Matched:
    return Matched(
        source="shoko",
        keys=keys(file_id, *([path] if path else [])),
        file_id=str(file_id),
        path=path,
    )


MISS = "Shoko could not identify the file (AniDB does not know it yet)"

EXPECTED: dict[str, list[Event]] = {
    "v4_file_matched": [matched(4821, E05)],
    "v5_episode_updated": [],
    "v5_file_deleted": [
        Noted(source="shoko", keys=keys(4821, E05), message="Shoko no longer sees the file")
    ],
    "v5_file_detected": [],
    "v5_file_hashed": [],
    "v5_file_matched": [matched(4821, E05)],
    "v5_file_moved": [
        Noted(
            source="shoko",
            keys=keys(4821, "Frieren S01E05 [1080p].mkv", E05),
            message="Shoko moved the file to " + E05.rpartition("/")[2],
        )
    ],
    "v5_file_not_matched": [
        NeedsAttention(
            source="shoko",
            keys=keys(4822, E06),
            message=MISS,
            details=(("path", E06), ("attempts", "1")),
        )
    ],
    "v5_file_not_matched_already_linked": [matched(4821, E05)],
    "v5_file_renamed": [
        Noted(
            source="shoko",
            keys=keys(4821, E05, RENAMED),
            message="Shoko renamed the file to " + RENAMED.rpartition("/")[2],
        )
    ],
    "v5_on_connected": [],
    "v5_series_updated": [],
    "v6dev_file_deleted": [
        Noted(source="shoko", keys=keys(4821, E05), message="Shoko no longer sees the file")
    ],
    "v6dev_file_detected": [],
    "v6dev_file_hashed": [],
    "v6dev_file_relocated": [
        Noted(
            source="shoko",
            keys=keys(4821, E05, RENAMED),
            message="Shoko renamed the file to " + RENAMED.rpartition("/")[2],
        )
    ],
    "v6dev_release_saved": [matched(4821, None)],
    "v6dev_release_search_completed": [matched(4821, None)],
    "v6dev_release_search_completed_no_match": [
        NeedsAttention(source="shoko", keys=keys(4822), message=MISS)
    ],
}


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_canonical_body(name: str) -> None:
    assert translate(body(name), CTX) == EXPECTED[name]


@pytest.mark.parametrize("name", NAMES)
def test_signalr_frame_body(name: str) -> None:
    assert translate(load(name), CTX) == EXPECTED[name]


@pytest.mark.parametrize("name", NAMES)
def test_short_event_names_in_any_case(name: str) -> None:
    frame = load(name)
    short = frame["target"].removeprefix("ShokoEvent:")
    shouted = {"EVENT": short.upper(), "Payload": frame["arguments"][0]}
    assert translate(shouted, CTX) == EXPECTED[name]


@pytest.mark.parametrize(
    "name",
    [
        "v4_file_matched",
        "v5_file_moved",
        "v5_file_not_matched",
        "v5_file_not_matched_already_linked",
        "v5_file_renamed",
        "v6dev_file_relocated",
        "v6dev_release_search_completed",
        "v6dev_release_search_completed_no_match",
    ],
)
def test_bare_payload_when_its_shape_is_unambiguous(name: str) -> None:
    assert translate(payload(name), CTX) == EXPECTED[name]


@pytest.mark.parametrize("name", ["v5_file_matched", "v5_file_deleted", "v6dev_release_saved"])
def test_bare_payload_shared_by_several_events_is_refused(name: str) -> None:
    with pytest.raises(BadPayload, match="cannot tell which event"):
        translate(payload(name), CTX)


def test_absolute_path_and_mappings_win_over_the_relative_path() -> None:
    ctx = TranslateContext(path_mappings=parse_path_mappings("/anime=/data/media/anime"))
    event = body("v5_file_matched", path=f"/anime/{E05}")
    mapped = f"/data/media/anime/{E05}"
    assert translate(event, ctx) == [matched(4821, mapped)]


def test_windows_paths_are_canonical() -> None:
    frame = payload("v5_file_matched")
    frame["RelativePath"] = E05.replace("/", "\\")
    ctx = TranslateContext(path_mappings=parse_path_mappings("D:/Anime=/data/anime"))
    result = translate(
        {"event": "FileMatched", "payload": frame, "path": "D:\\Anime\\" + frame["RelativePath"]},
        ctx,
    )
    assert result == [matched(4821, f"/data/anime/{E05}")]


@pytest.mark.parametrize("file_id", [1, 77, 123456])
def test_file_ids_vary(file_id: int) -> None:
    frame = payload("v5_file_matched")
    frame["FileID"] = file_id
    frame["RelativePath"] = (
        f"shows/Another Show/Season 02/Another Show - S02E{file_id % 100:02d}.mkv"
    )
    path = frame["RelativePath"]
    assert translate({"event": "FileMatched", "payload": frame}, CTX) == [matched(file_id, path)]


def test_ids_may_arrive_as_strings() -> None:
    frame = payload("v5_file_matched")
    frame["FileID"] = "4821"
    assert translate({"event": "FileMatched", "payload": frame}, CTX) == [matched(4821, E05)]


def test_a_udp_ban_is_not_a_miss() -> None:
    frame = payload("v5_file_not_matched")
    frame["IsUDPBanned"] = True
    assert translate({"event": "FileNotMatched", "payload": frame}, CTX) == [
        Noted(
            source="shoko",
            keys=keys(4822, E06),
            message="Shoko will try to identify the file again later (AniDB is busy)",
        )
    ]


def test_has_cross_references_alone_means_recognised() -> None:
    frame = payload("v5_file_not_matched")
    frame["HasCrossReferences"] = True
    assert translate({"event": "FileNotMatched", "payload": frame}, CTX) == [matched(4822, E06)]


def test_cancelled_or_failed_v6_search() -> None:
    frame = payload("v6dev_release_search_completed_no_match")
    cancelled = {**frame, "IsCancelled": True}
    assert translate({"event": "release:search.completed", "payload": cancelled}, CTX) == []
    failed = {**frame, "ExceptionMessage": "AniDB timed out"}
    assert translate({"event": "release:search.completed", "payload": failed}, CTX) == [
        Noted(
            source="shoko",
            keys=keys(4822),
            message="Shoko's search for the file failed: AniDB timed out",
        )
    ]


def test_v6_release_saved_uses_a_given_path() -> None:
    event = body("v6dev_release_saved", path=f"/data/anime/{E05}")
    assert translate(event, CTX) == [matched(4821, f"/data/anime/{E05}")]


def test_moved_uses_given_absolute_paths() -> None:
    event = body(
        "v5_file_moved",
        path=f"/data/anime/{E05}",
        previous_path="/data/downloads/anime/Frieren S01E05 [1080p].mkv",
    )
    [noted] = translate(event, CTX)
    assert noted.keys == keys(
        4821, "/data/downloads/anime/Frieren S01E05 [1080p].mkv", f"/data/anime/{E05}"
    )


def test_a_file_event_without_file_or_path_gives_nothing() -> None:
    assert translate({"event": "FileMatched", "payload": {}}, CTX) == []
    assert translate({"event": "FileDeleted", "payload": {"ImportFolderID": 1}}, CTX) == []
    assert translate({"event": "ShokoEvent:FileMatched", "arguments": []}, CTX) == []


def test_events_we_do_not_track_are_stored_without_effect() -> None:
    assert translate({"event": "AniDB:StateUpdate", "payload": {"Value": 1}}, CTX) == []
    assert translate({"event": "Queue:QueueStateChanged", "payload": {}}, CTX) == []
    assert translate({"event": "SomethingNew", "payload": {"FileID": 1}}, CTX) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"event": "", "payload": {}}, "must name the event"),
        ({"event": "FileMatched", "payload": ["x"]}, "must be a JSON object"),
        ({"FileID": 4821, "RelativePath": "a.mkv"}, "cannot tell which event"),
        ({}, "cannot tell which event"),
    ],
)
def test_unusable_bodies(body: dict[str, Any], message: str) -> None:
    with pytest.raises(BadPayload, match=message):
        translate(body, CTX)


def test_translate_does_not_modify_the_body() -> None:
    event = body("v5_file_renamed")
    before = copy.deepcopy(event)
    translate(event, CTX)
    assert event == before


def test_a_bridged_event_without_import_folder_matches_on_the_tail() -> None:
    frame = payload("v5_file_matched")
    frame["RelativePath"] = "Hoshizora Courier/Season 02/Hoshizora Courier - S02E02.mkv"
    [event] = translate({"event": "FileMatched", "payload": frame}, CTX)
    assert event.keys == (
        Key(KeyKind.PATH_TAIL, "Hoshizora Courier/Season 02/Hoshizora Courier - S02E02.mkv"),
        Key(KeyKind.SHOKO_FILE, "4821"),
    )
