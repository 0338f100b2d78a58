"""The demo's download story: a film from request to screen through a (simulated) qBittorrent.

Jellyseerr approves the request; Radarr grabs a release and adds the torrent to
qBittorrent, then sends its Grab webhook (``downloadId`` = the hash upper-cased,
as Radarr sends it); the real qBittorrent poller follows the download on the
simulated WebUI; on completion the run-on-finish hook posts the CONTRACT §3.3
form; Radarr imports the file (its Download webhook) and removes the torrent;
Jellyseerr reports it available. Radarr bodies follow the shapes Radarr sends
(tests/integrations/radarr/fixtures).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from typing import Any

from status_tracker.demo.payloads import jellyseerr
from status_tracker.demo.qbittorrent import (
    SIMULATED,
    SimulatedQbittorrent,
    SimulatedTorrent,
    finished_form,
)
from status_tracker.demo.simulator import Poster

GIB = 1 << 30


@dataclass(frozen=True, slots=True)
class Film:
    """What the story needs to know about its film."""

    title: str
    year: int
    tmdb_id: int
    imdb_id: str
    radarr_id: int
    request_id: int
    user: str
    quality: str
    release_title: str
    size: int

    @property
    def folder(self) -> str:
        return f"/movies/{self.title} ({self.year})"

    @property
    def file_name(self) -> str:
        return f"{self.title} ({self.year}) {{tmdb-{self.tmdb_id}}} [{self.quality}].mkv"


def film_for(round_no: int) -> Film:
    """This round's film (ids shift every round so each round is a new request)."""
    return Film(
        title="Spirited Away",
        year=2001,
        tmdb_id=129 + round_no * 1000,
        imdb_id="tt0245429",
        radarr_id=31 + round_no,
        request_id=900 + round_no,
        user="dana",
        quality="Bluray-1080p",
        release_title="Spirited.Away.2001.1080p.BluRay.x264.DTS-GROUP",
        size=9 * GIB // 2,
    )


def _movie(film: Film) -> dict[str, Any]:
    return {
        "id": film.radarr_id,
        "title": film.title,
        "year": film.year,
        "releaseDate": f"{film.year}-07-20",
        "folderPath": film.folder,
        "tmdbId": film.tmdb_id,
        "imdbId": film.imdb_id,
        "overview": "",
        "genres": ["Animation", "Fantasy"],
        "images": [],
        "tags": ["seerr"],
        "originalLanguage": {"id": 8, "name": "Japanese"},
    }


def _remote(film: Film) -> dict[str, Any]:
    return {"tmdbId": film.tmdb_id, "imdbId": film.imdb_id, "title": film.title, "year": film.year}


def radarr_grab(film: Film, download_id: str) -> dict[str, Any]:
    """Radarr's Grab webhook body."""
    return {
        "movie": _movie(film),
        "remoteMovie": _remote(film),
        "release": {
            "quality": film.quality,
            "qualityVersion": 1,
            "releaseGroup": "GROUP",
            "releaseTitle": film.release_title,
            "indexer": "Demo Tracker (Prowlarr)",
            "size": film.size,
            "customFormatScore": 0,
            "customFormats": [],
            "languages": [{"id": 8, "name": "Japanese"}],
            "indexerFlags": [],
        },
        "downloadClient": "qBittorrent",
        "downloadClientType": "qBittorrent",
        "downloadId": download_id.upper(),
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        "eventType": "Grab",
        "instanceName": "Radarr",
        "applicationUrl": "",
    }


def radarr_download(film: Film, download_id: str, source_path: str) -> dict[str, Any]:
    """Radarr's Download (import) webhook body."""
    return {
        "movie": _movie(film),
        "remoteMovie": _remote(film),
        "movieFile": {
            "id": 400 + film.radarr_id,
            "relativePath": film.file_name,
            "path": f"{film.folder}/{film.file_name}",
            "quality": film.quality,
            "qualityVersion": 1,
            "releaseGroup": "GROUP",
            "sceneName": film.release_title,
            "indexerFlags": "0",
            "size": film.size,
            "languages": [{"id": 8, "name": "Japanese"}],
            "sourcePath": source_path,
        },
        "isUpgrade": False,
        "downloadClient": "qBittorrent",
        "downloadClientType": "qBittorrent",
        "downloadId": download_id.upper(),
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        "release": {
            "releaseTitle": film.release_title,
            "indexer": "Demo Tracker (Prowlarr)",
            "size": film.size,
        },
        "eventType": "Download",
        "instanceName": "Radarr",
        "applicationUrl": "",
    }


class DownloadStory:
    """The story as a ``Story`` callable; ``pace`` scales every pause and the download."""

    def __init__(self, qbittorrent: SimulatedQbittorrent, pace: float = 1.0) -> None:
        self.qbittorrent = qbittorrent
        self.pace = pace

    async def _pause(self, seconds: float) -> None:
        await asyncio.sleep(seconds * self.pace)

    async def __call__(self, poster: Poster, round_no: int) -> None:
        """Play one round."""
        film = film_for(round_no)
        info_hash = hashlib.sha1(f"demo {film.release_title} {round_no}".encode()).hexdigest()
        request: dict[str, Any] = {
            "title": film.title,
            "year": film.year,
            "media_type": "movie",
            "tmdb_id": film.tmdb_id,
            "request_id": film.request_id,
            "user": film.user,
        }
        await self._pause(1.5)
        await poster.post("jellyseerr", jellyseerr("MEDIA_AUTO_APPROVED", **request))
        await self._pause(4.0)
        self.qbittorrent.add(
            SimulatedTorrent(
                hash=info_hash,
                name=f"{film.release_title}.mkv",
                size=film.size,
                seconds=40.0 * self.pace,
                waiting=4.0 * self.pace,
            )
        )
        await poster.post("radarr", radarr_grab(film, info_hash))
        torrent = await self.qbittorrent.finished(info_hash, limit=300.0 * max(self.pace, 0.1))
        if torrent is None:
            return
        await poster.post("qbittorrent", finished_form(torrent), form=True)
        await self._pause(4.0)
        source = f"{finished_form(torrent)['path']}"
        await poster.post("radarr", radarr_download(film, info_hash, source))
        self.qbittorrent.remove(info_hash)
        await self._pause(5.0)
        await poster.post("jellyseerr", jellyseerr("MEDIA_AVAILABLE", **request))


movie_download = DownloadStory(SIMULATED)
"""The story ``STORIES`` plays, on the demo's simulated qBittorrent."""
