"""Id normalisation: one spelling per id, whatever the service sent."""

from __future__ import annotations

import pytest

from status_tracker.core.ids import (
    PathMappings,
    canonical_path,
    guid,
    info_hash,
    is_hex,
    parse_path_mappings,
    path_tail,
    to_int,
    to_text,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (603, 603),
        (0, 0),
        (-4, -4),
        ("603", 603),
        (" 603 ", 603),
        ("-12", -12),
        (603.0, 603),
        (603.5, None),
        (True, None),
        (False, None),
        ("", None),
        ("   ", None),
        ("-", None),
        ("6o3", None),
        ("1.5", None),
        ("--5", None),
        ("+5", None),
        ("5-", None),
        ("²", None),
        ("-²", None),
        ("٣", None),
        (None, None),
        ([603], None),
    ],
)
def test_to_int(value: object, expected: int | None) -> None:
    got = to_int(value)
    assert got == expected
    assert type(got) is (int if expected is not None else type(None))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("  \t", None),
        (" Arrival ", "Arrival"),
        (603, "603"),
        (0, "0"),
        (False, "False"),
    ],
)
def test_to_text(value: object, expected: str | None) -> None:
    assert to_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ABCDEF0123456789ABCDEF0123456789ABCDEF01", "abcdef0123456789abcdef0123456789abcdef01"),
        (" abc123 \n", "abc123"),
        ("already", "already"),
    ],
)
def test_info_hash(value: str, expected: str) -> None:
    assert info_hash(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "5f3c6e1d-9a0b-4c2d-8e7f-1a2b3c4d5e6f",
        "5F3C6E1D-9A0B-4C2D-8E7F-1A2B3C4D5E6F",
        "{5f3c6e1d-9a0b-4c2d-8e7f-1a2b3c4d5e6f}",
        " {5F3C6E1D9A0B4C2D8E7F1A2B3C4D5E6F} ",
        "5f3c6e1d9a0b4c2d8e7f1a2b3c4d5e6f",
    ],
)
def test_guid_spellings_compare_equal(value: str) -> None:
    assert guid(value) == "5f3c6e1d9a0b4c2d8e7f1a2b3c4d5e6f"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("c0ffee", True),
        ("0123456789abcdef", True),
        ("C0FFEE", False),
        ("", False),
        ("xyz", False),
        ("abc\n", False),
        ("abcx", False),
        ("\nabc", False),
    ],
)
def test_is_hex(value: str, expected: bool) -> None:
    assert is_hex(value) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        (" ; ;", ()),
        ("/data=/mnt", (("/data", "/mnt"),)),
        (
            "/data=/mnt;/data/anime=/srv/anime",
            (("/data/anime", "/srv/anime"), ("/data", "/mnt")),
        ),
        (" D:\\Media\\ = /media/ ;", (("D:/Media", "/media"),)),
        ("//srv//tv/=/tv", (("/srv/tv", "/tv"),)),
        ("/a=/b=c", (("/a", "/b=c"),)),
        ("/=/root", (("/", "/root"),)),
    ],
)
def test_parse_path_mappings(text: str, expected: PathMappings) -> None:
    assert parse_path_mappings(text) == expected


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("/data=/mnt;/nothing", "'/nothing'"),
        ("=/mnt", "'=/mnt'"),
        ("/data=", "'/data='"),
        ("/ok=/fine; /data =  ", "'/data ='"),
    ],
)
def test_parse_path_mappings_names_the_bad_part(text: str, bad: str) -> None:
    with pytest.raises(ValueError, match="expected 'from=to'") as caught:
        parse_path_mappings(text)
    assert str(caught.value).endswith(f"got {bad}")


MAPPINGS = parse_path_mappings("/downloads=/data/downloads;/anime=/srv/anime;/anime/hd=/hd")


@pytest.mark.parametrize(
    ("path", "mappings", "expected"),
    [
        ("/data/tv/Show/S01E01.mkv", (), "/data/tv/Show/S01E01.mkv"),
        ("D:\\Media\\Show\\S01E01.mkv", (), "D:/Media/Show/S01E01.mkv"),
        ("/data//tv///Show/", (), "/data/tv/Show"),
        (" /data/tv/ ", (), "/data/tv"),
        ("/", (), "/"),
        ("/downloads/Arrival.mkv", MAPPINGS, "/data/downloads/Arrival.mkv"),
        ("/downloads", MAPPINGS, "/data/downloads"),
        ("/downloads/", MAPPINGS, "/data/downloads"),
        ("/downloadsX/Arrival.mkv", MAPPINGS, "/downloadsX/Arrival.mkv"),
        ("/animes/x.mkv", MAPPINGS, "/animes/x.mkv"),
        ("/anime/x.mkv", MAPPINGS, "/srv/anime/x.mkv"),
        ("/anime/hd/x.mkv", MAPPINGS, "/hd/x.mkv"),
        ("\\anime\\\\hd\\x.mkv", MAPPINGS, "/hd/x.mkv"),
        ("/anime/hdr/x.mkv", MAPPINGS, "/srv/anime/hdr/x.mkv"),
        ("/data/x.mkv", (("/", "/root"),), "/root/data/x.mkv"),
        ("/data/x.mkv", (("/data", "/"),), "/x.mkv"),
        ("/data", (("/data", "/"),), "/"),
    ],
)
def test_canonical_path(path: str, mappings: PathMappings, expected: str) -> None:
    assert canonical_path(path, mappings) == expected


@pytest.mark.parametrize(
    ("path", "parts", "expected"),
    [
        ("/tv/Severance/Season 01/S01E01.mkv", 3, "Severance/Season 01/S01E01.mkv"),
        ("/tv/Severance/Season 01/S01E01.mkv", 1, "S01E01.mkv"),
        ("/a/b", 3, "a/b"),
        ("//a//b/", 2, "a/b"),
        ("", 3, ""),
    ],
)
def test_path_tail(path: str, parts: int, expected: str) -> None:
    assert path_tail(path, parts) == expected


def test_path_tail_defaults_to_three_parts() -> None:
    assert path_tail("/1/2/3/4") == "2/3/4"
