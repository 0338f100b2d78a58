"""A failed download fails the request only when no other download is still running."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from status_tracker.core import events as ev
from status_tracker.core.machine import apply
from status_tracker.core.model import Download, MediaType, Request
from status_tracker.core.states import RequestState as S

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def downloading(**downloads: Download) -> Request:
    return Request(
        1, MediaType.TV, S.DOWNLOADING, NOW, NOW, NOW, downloads=dict(downloads), title="X"
    )


def failed(download_id: str | None) -> ev.Failed:
    return ev.Failed(source="sonarr", reason="Download failed: bad", download_id=download_id)


@pytest.mark.parametrize(
    ("downloads", "download_id", "state", "left"),
    [
        ({"a": Download("a", progress=0.5)}, "a", S.FAILED, set()),
        ({"a": Download("a", progress=0.5), "b": Download("b", done=True)}, "a", S.FAILED, {"b"}),
        ({"a": Download("a"), "b": Download("b", progress=0.2)}, "a", S.DOWNLOADING, {"b"}),
        ({"b": Download("b", progress=0.2)}, "x", S.DOWNLOADING, {"b"}),
        ({"b": Download("b", progress=0.2)}, None, S.FAILED, {"b"}),
    ],
)
def test_failed_download(
    downloads: dict[str, Download], download_id: str | None, state: S, left: set[str]
) -> None:
    result = apply(downloading(**downloads), failed(download_id), NOW)
    assert result.request.state is state
    assert set(result.request.downloads) == left
    assert [e.message for e in result.entries] == ["Download failed: bad"]
    assert result.request.error == ("Download failed: bad" if state is S.FAILED else None)
