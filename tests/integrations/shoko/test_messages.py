"""Shoko wire models: names, argument shapes across v4/v5/v6, the hook body round trip."""

from __future__ import annotations

import pytest

from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.shoko.messages import (
    SIGNALR_TARGETS,
    CrossReference,
    FileEvent,
    FileMoved,
    FileNotMatched,
    FileRelocated,
    ImportFolder,
    ReleaseSearchCompleted,
    ShokoEventKind,
    absolute_path,
    event_kind,
    hook_body,
    parse,
    read_body,
)

from ._samples import payload

K = ShokoEventKind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ShokoEvent:FileMatched", K.FILE_MATCHED),
        ("shokoevent:filenotmatched", K.FILE_NOT_MATCHED),
        ("FileRenamed", K.FILE_RENAMED),
        (" FILEMOVED ", K.FILE_MOVED),
        ("file:relocated", K.FILE_RELOCATED),
        ("release:search.completed", K.RELEASE_SEARCH_COMPLETED),
        ("Release:Saved", K.RELEASE_SAVED),
        ("ShokoEvent:OnConnected", K.ON_CONNECTED),
        ("AniDB:OnConnected", None),
        ("file:unknown", None),
        ("Nonsense", None),
    ],
)
def test_event_kind(name: str, kind: ShokoEventKind | None) -> None:
    assert event_kind(name) is kind


def test_the_listener_subscribes_to_every_v5_shoko_event() -> None:
    assert "ShokoEvent:FileMatched" in SIGNALR_TARGETS
    assert "ShokoEvent:FileNotMatched" in SIGNALR_TARGETS
    assert "ShokoEvent:OnConnected" in SIGNALR_TARGETS
    assert all(target.startswith("ShokoEvent:") for target in SIGNALR_TARGETS)
    assert len(SIGNALR_TARGETS) == 11


def test_v5_and_v4_file_events_read_the_same() -> None:
    v5 = parse(FileEvent, payload("v5_file_matched"))
    v4 = parse(FileEvent, payload("v4_file_matched"))
    assert (v5.file_id, v5.import_folder_id, v5.relative_path) == (4821, 1, v4.relative_path)
    assert (v4.file_id, v4.import_folder_id) == (4821, 1)
    assert v5.cross_references == [
        CrossReference(
            episode_id=9876,
            anidb_episode_id=271234,
            series_id=312,
            anidb_anime_id=17617,
            group_id=290,
        )
    ]
    assert v4.cross_references == [CrossReference(episode_id=9876, series_id=312, group_id=290)]


def test_v6_managed_folder_reads_as_import_folder() -> None:
    hashed = parse(FileEvent, payload("v6dev_file_hashed"))
    assert (hashed.file_id, hashed.import_folder_id, hashed.cross_references) == (4821, 1, [])
    relocated = parse(FileRelocated, payload("v6dev_file_relocated"))
    assert (relocated.moved, relocated.renamed, relocated.previous_import_folder_id) == (
        False,
        True,
        1,
    )


def test_not_matched_and_moved_fields() -> None:
    missed = parse(FileNotMatched, payload("v5_file_not_matched"))
    assert (missed.auto_match_attempts, missed.has_cross_references, missed.is_udp_banned) == (
        1,
        False,
        False,
    )
    moved = parse(FileMoved, payload("v5_file_moved"))
    assert (moved.previous_relative_path, moved.previous_import_folder_id) == (
        "Frieren S01E05 [1080p].mkv",
        2,
    )


def test_release_search() -> None:
    found = parse(ReleaseSearchCompleted, payload("v6dev_release_search_completed"))
    assert found.release_info is not None
    assert found.release_info.cross_references[0].provider_ids == {
        "anidb_episode": "271234",
        "anidb_anime": "17617",
    }
    missed = parse(ReleaseSearchCompleted, payload("v6dev_release_search_completed_no_match"))
    assert (missed.file_id, missed.release_info, missed.is_cancelled) == (4822, None, False)


def test_lenient_values() -> None:
    event = parse(
        FileEvent,
        {"fileid": "12", "CrossReferences": ["junk", {"EpisodeID": "3"}], "RelativePath": " "},
    )
    assert (event.file_id, event.relative_path) == (12, None)
    assert event.cross_references == [CrossReference(episode_id=3)]
    assert parse(FileEvent, {"FileID": True, "CrossReferences": "none"}).file_id is None
    assert parse(ImportFolder, {"ID": 3, "Path": "/x/"}) == ImportFolder(id=3, path="/x/")


def test_hook_body_round_trip() -> None:
    body = hook_body(
        "ShokoEvent:FileMoved", payload("v5_file_moved"), path="/a/b.mkv", previous_path="/c/b.mkv"
    )
    assert body["event"] == "FileMoved"
    message = read_body(body)
    assert (message.kind, message.path, message.previous_path) == (
        K.FILE_MOVED,
        "/a/b.mkv",
        "/c/b.mkv",
    )
    assert message.payload == payload("v5_file_moved")
    assert hook_body("file:hashed", {"FileID": 1}) == {
        "event": "FileHashed",
        "payload": {"FileID": 1},
    }
    assert hook_body("Queue:Other", {}) == {"event": "Queue:Other", "payload": {}}


def test_read_body_rejects_a_non_object_payload() -> None:
    with pytest.raises(BadPayload):
        read_body({"target": "ShokoEvent:FileMatched", "arguments": ["text"]})


@pytest.mark.parametrize(
    ("folder", "relative", "joined"),
    [
        ("/data/anime/", "shows/a.mkv", "/data/anime/shows/a.mkv"),
        ("/data/anime", "/shows/a.mkv", "/data/anime/shows/a.mkv"),
        ("D:\\Anime\\", "shows\\a.mkv", "D:\\Anime\\shows\\a.mkv"),
        ("", "shows/a.mkv", "shows/a.mkv"),
    ],
)
def test_absolute_path(folder: str, relative: str, joined: str) -> None:
    assert absolute_path(folder, relative) == joined
