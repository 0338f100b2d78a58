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


def file_download(
    template: dict[str, Any],
    complete: dict[str, Any],
    index: int,
) -> dict[str, Any]:
    """The per-file ``Download`` Sonarr sends for file ``index`` of an ImportComplete's pack.

    Built from a recorded per-file body (``template``): same series, download and
    release as ``complete``, that file and the episode it holds.
    """
    body: dict[str, Any] = copy.deepcopy(template)
    file = copy.deepcopy(complete["episodeFiles"][index])
    name = file["relativePath"].rsplit("/", 1)[-1]
    file["sourcePath"] = f"{complete['sourcePath']}/{name}"
    episode = next(
        e
        for e in complete["episodes"]
        if f"S{e['seasonNumber']:02d}E{e['episodeNumber']:02d}" in file["relativePath"]
    )
    body.update(
        series=copy.deepcopy(complete["series"]),
        episodes=[copy.deepcopy(episode)],
        episodeFile=file,
        isUpgrade=False,
        downloadId=complete["downloadId"],
        release=copy.deepcopy(complete["release"]),
    )
    body.pop("deletedFiles", None)
    return body


def jellyseerr_tv(
    notification: str,
    *,
    request_id: int,
    tmdb_id: int | None,
    tvdb_id: int | None,
    user: str,
    seasons: str = "1, 2",
    subject: str | None = None,
) -> dict[str, Any]:
    """A recorded Jellyseerr TV webhook (default template) about another request and series."""
    body: dict[str, Any] = copy.deepcopy(JELLYSEERR_TV)
    body["notification_type"] = notification
    body["media"].update(
        tmdbId=str(tmdb_id) if tmdb_id else "", tvdbId=str(tvdb_id) if tvdb_id else ""
    )
    body["request"].update(request_id=str(request_id), requestedBy_username=user)
    body["extra"] = [{"name": "Requested Seasons", "value": seasons}]
    if subject is not None:
        body["subject"] = subject
    return body


JELLYSEERR_TV: dict[str, Any] = json.loads(
    (FIXTURES.parents[2] / "fixtures" / "jellyseerr" / "media_approved_tv.json").read_text(
        encoding="utf-8"
    )
)
