"""Sonarr and Radarr webhook bodies for the demo, and the two stories that play them.

The builders return what Sonarr v4 and Radarr v5/v6 send (camelCase fields,
``eventType`` PascalCase, nulls left out, upper-case torrent hashes; see the
tests' recorded fixtures): ``Grab``, the per-file ``Download``, Sonarr's
ImportComplete (``eventType: "Download"`` with ``episodeFiles``) and Radarr's
``Download``. Every round gets its own ids, so the dashboard keeps changing.

- ``season_pack``: a series requested in Jellyseerr, one season found as a pack,
  one ``Download`` per file with the same download id, then ImportComplete, and
  Jellyseerr saying it is available.
- ``radarr_film``: a film requested and approved, found by Radarr, imported, available.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime
from typing import Any

from status_tracker.demo.payloads import jellyseerr
from status_tracker.demo.simulator import Poster

LANGUAGE = {"id": 1, "name": "English"}
CLIENT = {"downloadClient": "qBittorrent", "downloadClientType": "qBittorrent"}
MEDIA_INFO = {
    "audioChannels": 5.1,
    "audioCodec": "EAC3",
    "audioLanguages": ["eng"],
    "height": 2160,
    "width": 3840,
    "subtitles": ["eng"],
    "videoCodec": "h265",
    "videoDynamicRange": "HDR",
    "videoDynamicRangeType": "DV HDR10",
}


def info_hash(*parts: object) -> str:
    """A torrent's info-hash as Sonarr/Radarr report it: 40 upper-case hex digits."""
    text = "/".join(str(part) for part in parts)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest().upper()


def _stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _envelope(event_type: str, app: str) -> dict[str, Any]:
    return {"eventType": event_type, "instanceName": app, "applicationUrl": ""}


# --- Sonarr ----------------------------------------------------------------------------------


def sonarr_series(
    *, series_id: int, title: str, year: int, tvdb_id: int, tmdb_id: int, imdb_id: str
) -> dict[str, Any]:
    """The ``series`` block of every Sonarr webhook."""
    slug = title.lower().replace(" ", "-")
    return {
        "id": series_id,
        "title": title,
        "titleSlug": slug,
        "path": f"/tv/{title}",
        "tvdbId": tvdb_id,
        "tvMazeId": 0,
        "tmdbId": tmdb_id,
        "imdbId": imdb_id,
        "type": "standard",
        "year": year,
        "genres": ["Drama"],
        "images": [],
        "tags": ["seerr"],
        "originalLanguage": LANGUAGE,
    }


def sonarr_episodes(
    series: dict[str, Any], season: int, titles: list[str], first_id: int
) -> list[dict[str, Any]]:
    """``episodes[]``: one entry per title, numbered from 1."""
    return [
        {
            "id": first_id + number,
            "episodeNumber": number,
            "seasonNumber": season,
            "title": title,
            "airDate": f"2022-02-{number + 10:02d}",
            "airDateUtc": f"2022-02-{number + 11:02d}T02:00:00Z",
            "seriesId": series["id"],
            "tvdbId": series["tvdbId"] * 100 + number,
        }
        for number, title in enumerate(titles, start=1)
    ]


def sonarr_grab(
    series: dict[str, Any],
    episodes: list[dict[str, Any]],
    *,
    download_id: str,
    release_title: str,
    quality: str,
    size: int,
    indexer: str = "Nyaa Torrents (Prowlarr)",
) -> dict[str, Any]:
    """``Grab``: the release sent to the download client (Sonarr v4 sends no releaseType)."""
    return {
        "series": series,
        "episodes": episodes,
        "release": {
            "quality": quality,
            "qualityVersion": 1,
            "releaseGroup": release_title.rsplit("-", 1)[-1],
            "releaseTitle": release_title,
            "indexer": indexer,
            "size": size,
            "customFormatScore": 0,
            "customFormats": [],
            "languages": [LANGUAGE],
        },
        **CLIENT,
        "downloadId": download_id,
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        **_envelope("Grab", "Sonarr"),
    }


def sonarr_episode_file(
    series: dict[str, Any],
    episode: dict[str, Any],
    *,
    quality: str,
    scene_name: str,
    size: int,
    added: datetime | None = None,
) -> dict[str, Any]:
    """An imported episode file, where Sonarr put it in the library."""
    code = f"S{episode['seasonNumber']:02d}E{episode['episodeNumber']:02d}"
    relative = (
        f"Season {episode['seasonNumber']:02d}/"
        f"{series['title']} - {code} - {episode['title']} [{quality}].mkv"
    )
    return {
        "id": episode["id"] + 5000,
        "relativePath": relative,
        "path": f"{series['path']}/{relative}",
        "quality": quality,
        "qualityVersion": 1,
        "releaseGroup": scene_name.rsplit("-", 1)[-1],
        "sceneName": scene_name,
        "size": size,
        "dateAdded": _stamp(added),
        "languages": [LANGUAGE],
        "mediaInfo": MEDIA_INFO,
    }


def _grabbed_release(release_title: str, size: int, release_type: str) -> dict[str, Any]:
    return {
        "releaseTitle": release_title,
        "indexer": "Nyaa Torrents (Prowlarr)",
        "size": size,
        "releaseType": release_type,
    }


def sonarr_download(
    series: dict[str, Any],
    episode: dict[str, Any],
    file: dict[str, Any],
    *,
    download_id: str,
    release_title: str,
    size: int,
    release_type: str = "seasonPack",
) -> dict[str, Any]:
    """The per-file ``Download`` (import) of one episode file."""
    name = file["relativePath"].rsplit("/", 1)[-1]
    return {
        "series": series,
        "episodes": [episode],
        "episodeFile": {**file, "sourcePath": f"/downloads/tv-sonarr/{release_title}/{name}"},
        "isUpgrade": False,
        **CLIENT,
        "downloadId": download_id,
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        "release": _grabbed_release(release_title, size, release_type),
        **_envelope("Download", "Sonarr"),
    }


def sonarr_import_complete(
    series: dict[str, Any],
    episodes: list[dict[str, Any]],
    files: list[dict[str, Any]],
    *,
    download_id: str,
    release_title: str,
    size: int,
) -> dict[str, Any]:
    """ImportComplete: ``eventType`` is still ``Download``; ``episodeFiles`` tells it apart."""
    folder = files[0]["path"].rsplit("/", 1)[0] if files else series["path"]
    return {
        "series": series,
        "episodes": episodes,
        "episodeFiles": files,
        **CLIENT,
        "downloadId": download_id,
        "release": _grabbed_release(release_title, size, "seasonPack"),
        "fileCount": len(files),
        "sourcePath": f"/downloads/tv-sonarr/{release_title}",
        "destinationPath": folder,
        **_envelope("Download", "Sonarr"),
    }


# --- Radarr ----------------------------------------------------------------------------------


def radarr_movie(
    *, movie_id: int, title: str, year: int, tmdb_id: int, imdb_id: str
) -> dict[str, Any]:
    """The ``movie`` block of every Radarr webhook (``folderPath``, never ``path``)."""
    return {
        "id": movie_id,
        "title": title,
        "year": year,
        "releaseDate": f"{year}-05-14",
        "folderPath": f"/movies/{title.replace(':', '')} ({year})",
        "tmdbId": tmdb_id,
        "imdbId": imdb_id,
        "genres": ["Science Fiction"],
        "images": [],
        "tags": ["seerr"],
        "originalLanguage": LANGUAGE,
    }


def _remote(movie: dict[str, Any]) -> dict[str, Any]:
    return {key: movie[key] for key in ("tmdbId", "imdbId", "title", "year")}


def radarr_grab(
    movie: dict[str, Any], *, download_id: str, release_title: str, quality: str, size: int
) -> dict[str, Any]:
    """``Grab`` for a film."""
    return {
        "movie": movie,
        "remoteMovie": _remote(movie),
        "release": {
            "quality": quality,
            "qualityVersion": 1,
            "releaseGroup": release_title.rsplit("-", 1)[-1],
            "releaseTitle": release_title,
            "indexer": "HarborTracker (Prowlarr)",
            "size": size,
            "customFormatScore": 0,
            "customFormats": [],
            "languages": [LANGUAGE],
            "indexerFlags": [],
        },
        **CLIENT,
        "downloadId": download_id,
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        **_envelope("Grab", "Radarr"),
    }


def radarr_download(
    movie: dict[str, Any],
    *,
    download_id: str,
    release_title: str,
    quality: str,
    size: int,
    added: datetime | None = None,
) -> dict[str, Any]:
    """``Download``: the film's file imported into its folder."""
    title = movie["title"].replace(":", "")
    name = f"{title} ({movie['year']}) {{tmdb-{movie['tmdbId']}}} [{quality}].mkv"
    return {
        "movie": movie,
        "remoteMovie": _remote(movie),
        "movieFile": {
            "id": movie["id"] + 9000,
            "relativePath": name,
            "path": f"{movie['folderPath']}/{name}",
            "quality": quality,
            "qualityVersion": 1,
            "releaseGroup": release_title.rsplit("-", 1)[-1],
            "sceneName": release_title,
            "indexerFlags": "0",
            "size": size,
            "dateAdded": _stamp(added),
            "languages": [LANGUAGE],
            "mediaInfo": MEDIA_INFO,
            "sourcePath": f"/downloads/radarr/{release_title}/{release_title}.mkv",
        },
        "isUpgrade": False,
        **CLIENT,
        "downloadId": download_id,
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        "release": {
            "releaseTitle": release_title,
            "indexer": "HarborTracker (Prowlarr)",
            "size": size,
            "indexerFlags": [],
        },
        **_envelope("Download", "Radarr"),
    }


# --- stories ---------------------------------------------------------------------------------

PACK_TITLES = [
    "Good News About Hell",
    "Half Loop",
    "In Perpetuity",
    "The You You Are",
    "The Grim Barbarity of Optics and Design",
    "Hide and Seek",
    "Defiant Jazz",
    "What's for Dinner?",
    "The We We Are",
]


async def season_pack(poster: Poster, round_no: int, *, pause: float = 2.0) -> None:
    """A season requested in Jellyseerr, imported from one season pack, then available."""
    shift = round_no * 1000
    request: dict[str, Any] = {
        "title": "Severance",
        "year": 2022,
        "media_type": "tv",
        "tmdb_id": 95396 + shift,
        "tvdb_id": 371980 + shift,
        "request_id": 500 + round_no * 2,
        "user": "bob",
        "seasons": "1",
    }
    series = sonarr_series(
        series_id=161 + round_no,
        title="Severance",
        year=2022,
        tvdb_id=request["tvdb_id"],
        tmdb_id=request["tmdb_id"],
        imdb_id=f"tt{11280740 + round_no}",
    )
    episodes = sonarr_episodes(series, 1, PACK_TITLES, first_id=7000 + round_no * 100)
    release = "Severance.S01.2160p.ATVP.WEB-DL.DDP5.1.DV.HDR.H.265-FLUX"
    size = 9 * 4_600_000_000
    download_id = info_hash("severance", round_no)
    await asyncio.sleep(pause)
    await poster.post("jellyseerr", jellyseerr("MEDIA_AUTO_APPROVED", **request))
    await asyncio.sleep(pause * 2)
    grab = sonarr_grab(
        series,
        episodes,
        download_id=download_id,
        release_title=release,
        quality="WEBDL-2160p",
        size=size,
    )
    await poster.post("sonarr", grab)
    await asyncio.sleep(pause * 4)
    files = []
    for episode in episodes:
        file = sonarr_episode_file(
            series, episode, quality="WEBDL-2160p", scene_name=release, size=size // 9
        )
        files.append(file)
        body = sonarr_download(
            series, episode, file, download_id=download_id, release_title=release, size=size
        )
        await poster.post("sonarr", body)
        await asyncio.sleep(pause / 4)
    complete = sonarr_import_complete(
        series, episodes, files, download_id=download_id, release_title=release, size=size
    )
    await poster.post("sonarr", complete)
    await asyncio.sleep(pause * 3)
    await poster.post("jellyseerr", jellyseerr("MEDIA_AVAILABLE", **request))


async def radarr_film(poster: Poster, round_no: int, *, pause: float = 2.0) -> None:
    """A film requested, approved, found by Radarr, imported, then available."""
    request: dict[str, Any] = {
        "title": "Dune: Part Two",
        "year": 2024,
        "media_type": "movie",
        "tmdb_id": 693134 + round_no * 1000,
        "request_id": 501 + round_no * 2,
        "user": "carol",
    }
    movie = radarr_movie(
        movie_id=131 + round_no,
        title=request["title"],
        year=2024,
        tmdb_id=request["tmdb_id"],
        imdb_id=f"tt{15239678 + round_no}",
    )
    release = "Dune.Part.Two.2024.2160p.UHD.BluRay.REMUX.DV.HDR.HEVC.TrueHD.Atmos.7.1-FGT"
    size = 78_000_000_000
    download_id = info_hash("dune", round_no)
    await asyncio.sleep(pause / 2)
    await poster.post("jellyseerr", jellyseerr("MEDIA_PENDING", **request))
    await asyncio.sleep(pause)
    await poster.post("jellyseerr", jellyseerr("MEDIA_APPROVED", **request))
    await asyncio.sleep(pause * 2)
    grab = radarr_grab(
        movie, download_id=download_id, release_title=release, quality="Remux-2160p", size=size
    )
    await poster.post("radarr", grab)
    await asyncio.sleep(pause * 5)
    download = radarr_download(
        movie, download_id=download_id, release_title=release, quality="Remux-2160p", size=size
    )
    await poster.post("radarr", download)
    await asyncio.sleep(pause * 3)
    await poster.post("jellyseerr", jellyseerr("MEDIA_AVAILABLE", **request))
