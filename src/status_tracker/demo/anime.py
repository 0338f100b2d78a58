"""An anime request from start to "Watch now": Jellyseerr, Sonarr, Shoko, Jellyfin.

Sonarr and Shoko mount the library differently (``/anime`` and ``/data/anime``),
as they often do in Docker; the file still meets its request on the path tail.
Shoko's event is POSTed to ``/hooks/shoko`` in the shape the SignalR listener
stores. Jellyfin reports the new series (its provider ids name the title), so
the request becomes "Ready to watch" with a deep link. Sonarr bodies have the
shape of Sonarr's v4 webhooks (``tests/integrations/sonarr/fixtures``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from status_tracker.demo.payloads import jellyseerr
from status_tracker.demo.simulator import Poster

TITLE = "Hoshizora Courier"
YEAR = 2024
JELLYFIN = "http://jellyfin.local:8096"
SERVER_ID = "f3b1c2d4e5a6478b9c0d1e2f3a4b5c6d"


def _series(round_no: int) -> dict[str, Any]:
    return {
        "id": 57 + round_no,
        "title": TITLE,
        "titleSlug": "hoshizora-courier",
        "path": f"/anime/{TITLE}",
        "tvdbId": 428391 + round_no * 1000,
        "tmdbId": 219864 + round_no * 1000,
        "imdbId": f"tt{21456780 + round_no}",
        "type": "anime",
        "year": YEAR,
        "genres": ["Animation", "Anime", "Adventure"],
        "tags": ["anime", "seerr"],
    }


def _episode(round_no: int) -> dict[str, Any]:
    number = round_no + 1
    return {
        "id": 5700 + number,
        "episodeNumber": number,
        "seasonNumber": 1,
        "title": f"Delivery No. {number}",
        "airDate": "2025-01-17",
        "airDateUtc": "2025-01-17T14:30:00Z",
        "seriesId": 57 + round_no,
    }


def _file_name(round_no: int) -> str:
    number = round_no + 1
    return f"{TITLE} - S01E{number:02d} - Delivery No. {number} [WEBDL-1080p][KitsuneSubs].mkv"


def _download_id(round_no: int) -> str:
    return f"{0x96DD097BCC549812B719A4142334038A77669F4E + round_no:040X}"


def sonarr_grab(round_no: int) -> dict[str, Any]:
    """Sonarr's Grab webhook for this round's episode."""
    return {
        "series": _series(round_no),
        "episodes": [_episode(round_no)],
        "release": {
            "quality": "WEBDL-1080p",
            "qualityVersion": 2,
            "releaseGroup": "KitsuneSubs",
            "releaseTitle": f"[KitsuneSubs] {TITLE} - {round_no + 1:02d} (1080p)",
            "indexer": "Nyaa (Prowlarr)",
            "size": 1449338880,
        },
        "downloadClient": "qBittorrent",
        "downloadClientType": "qBittorrent",
        "downloadId": _download_id(round_no),
        "eventType": "Grab",
        "instanceName": "Sonarr",
    }


def sonarr_download(round_no: int) -> dict[str, Any]:
    """Sonarr's Download (import) webhook: the file is now in the library folder."""
    relative = f"Season 01/{_file_name(round_no)}"
    return {
        "series": _series(round_no),
        "episodes": [_episode(round_no)],
        "episodeFile": {
            "id": 1577 + round_no,
            "relativePath": relative,
            "path": f"/anime/{TITLE}/{relative}",
            "quality": "WEBDL-1080p",
            "qualityVersion": 2,
            "releaseGroup": "KitsuneSubs",
            "size": 1449301422,
        },
        "isUpgrade": False,
        "downloadClient": "qBittorrent",
        "downloadClientType": "qBittorrent",
        "downloadId": _download_id(round_no),
        "eventType": "Download",
        "instanceName": "Sonarr",
    }


def shoko_file_matched(round_no: int) -> dict[str, Any]:
    """Shoko recognised the file; Shoko sees the library at ``/data/anime``."""
    relative = f"{TITLE}/Season 01/{_file_name(round_no)}"
    return {
        "event": "FileMatched",
        "path": f"/data/anime/{relative}",
        "payload": {
            "FileID": 4821 + round_no,
            "FileLocationID": 4907 + round_no,
            "ImportFolderID": 1,
            "RelativePath": relative,
            "CrossReferences": [
                {
                    "EpisodeID": 9876 + round_no,
                    "AnidbEpisodeID": 271234 + round_no,
                    "SeriesID": 312,
                    "AnidbAnimeID": 17617,
                    "GroupID": 290,
                }
            ],
        },
    }


def jellyfin_series_added(round_no: int) -> dict[str, Any]:
    """The Jellyfin webhook plugin's ItemAdded for the new series (the shipped template)."""
    item = f"7c2d9e8f1a0b4c3d8e7f6a5b{round_no:08x}"
    return {
        "schema": "status-tracker/jellyfin-webhook/v1",
        "NotificationType": "ItemAdded",
        "ServerId": SERVER_ID,
        "ServerName": "media-box",
        "ServerUrl": JELLYFIN,
        "ServerVersion": "10.11.11",
        "ItemId": f"{item[:8]}-{item[8:12]}-{item[12:16]}-{item[16:20]}-{item[20:]}",
        "ItemType": "Series",
        "Name": TITLE,
        "Year": str(YEAR),
        "Provider_tmdb": str(219864 + round_no * 1000),
        "Provider_imdb": f"tt{21456780 + round_no}",
        "Provider_tvdb": str(428391 + round_no * 1000),
        "Provider_anidb": "17617",
    }


async def anime(poster: Poster, round_no: int) -> None:
    """An anime episode requested, found, imported, matched by Shoko and ready to watch."""
    await asyncio.sleep(1.5)
    await poster.post(
        "jellyseerr",
        jellyseerr(
            "MEDIA_AUTO_APPROVED",
            title=TITLE,
            year=YEAR,
            media_type="tv",
            tmdb_id=219864 + round_no * 1000,
            tvdb_id=428391 + round_no * 1000,
            request_id=700 + round_no,
            user="dave",
            seasons="1",
        ),
    )
    await asyncio.sleep(4.0)
    await poster.post("sonarr", sonarr_grab(round_no))
    await asyncio.sleep(8.0)
    await poster.post("sonarr", sonarr_download(round_no))
    await asyncio.sleep(4.0)
    await poster.post("shoko", shoko_file_matched(round_no))
    await asyncio.sleep(6.0)
    await poster.post("jellyfin", jellyfin_series_added(round_no))
