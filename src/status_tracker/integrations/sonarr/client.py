"""A thin async client for the Sonarr ``/api/v3`` calls reconciliation and retry need.

Queue (every page), history since a time or for one series, series lookup by
tvdb id, episode counts per season, and the search commands (``search_again``
for a retry, which first drops stalled downloads from the queue). Auth is the
``X-Api-Key`` header; ``Unreachable`` is retried with backoff (``RetryPolicy``),
``AuthFailed`` and ``BadPayload`` are raised at once. Results are the typed
models of ``payloads``; this module never imports ``status_tracker.core``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from status_tracker.integrations._arr import validate_list
from status_tracker.integrations._arr_api import (
    ArrClient,
    Command,
    RetryPolicy,
    SearchSent,
    oldest_first,
    utc_query_time,
)
from status_tracker.integrations.sonarr.payloads import (
    HistoryRecord,
    LibraryEpisode,
    LibrarySeries,
    QueueRecord,
)

__all__ = [
    "Command",
    "EpisodeCount",
    "RetryPolicy",
    "SearchSent",
    "SonarrClient",
    "count_episodes",
]


@dataclass(frozen=True, slots=True)
class EpisodeCount:
    """Episodes of one season: all of them, those aired by ``now`` (or with a file), with a file."""

    total: int = 0
    aired: int = 0
    downloaded: int = 0


class SonarrClient(ArrClient):
    """Sonarr API v3. ``async with SonarrClient(url, api_key) as sonarr: ...``."""

    APP = "sonarr"

    async def queue(self) -> list[QueueRecord]:
        """Every queue row (all pages), with its series and episode."""
        params = {"includeSeries": "true", "includeEpisode": "true"}
        return await self._all_pages("/api/v3/queue", params, QueueRecord)

    async def history_since(
        self, since: datetime, event_type: str | None = None
    ) -> list[HistoryRecord]:
        """History rows newer than ``since`` (aware), oldest first; ``event_type``: ``grabbed``…"""
        params: dict[str, Any] = {
            "date": utc_query_time(since),
            "includeSeries": "true",
            "includeEpisode": "true",
        }
        if event_type:
            params["eventType"] = event_type
        data = await self._get("/api/v3/history/since", params)
        return oldest_first(validate_list(HistoryRecord, data, "sonarr history/since"))

    async def series_history(
        self, series_id: int, season: int | None = None, event_type: str | None = None
    ) -> list[HistoryRecord]:
        """History rows of one series (optionally one season), oldest first."""
        params: dict[str, Any] = {
            "seriesId": series_id,
            "includeSeries": "true",
            "includeEpisode": "true",
        }
        if season is not None:
            params["seasonNumber"] = season
        if event_type:
            params["eventType"] = event_type
        data = await self._get("/api/v3/history/series", params)
        return oldest_first(validate_list(HistoryRecord, data, "sonarr history/series"))

    async def series_by_tvdb(self, tvdb_id: int) -> LibrarySeries | None:
        """The library series with this tvdb id, or None when Sonarr doesn't have it."""
        data = await self._get("/api/v3/series", {"tvdbId": tvdb_id})
        found = validate_list(LibrarySeries, data, "sonarr series")
        return next((series for series in found if series.tvdb_id == tvdb_id), None)

    async def episodes(self, series_id: int) -> list[LibraryEpisode]:
        """Every episode of a series."""
        data = await self._get("/api/v3/episode", {"seriesId": series_id})
        return validate_list(LibraryEpisode, data, "sonarr episode")

    async def episode_counts(
        self,
        series_id: int,
        seasons: Iterable[int] | None = None,
        *,
        now: datetime | None = None,
    ) -> dict[int, EpisodeCount]:
        """Episode counts per season (every season when ``seasons`` is None)."""
        return count_episodes(await self.episodes(series_id), seasons, now or datetime.now(UTC))

    async def search_series(self, series_id: int) -> Command:
        """``SeriesSearch``: search every monitored missing episode of a series."""
        return await self._send_command("SeriesSearch", seriesId=series_id)

    async def search_season(self, series_id: int, season: int) -> Command:
        """``SeasonSearch``: search one season."""
        return await self._send_command("SeasonSearch", seriesId=series_id, seasonNumber=season)

    async def search_episodes(self, episode_ids: Iterable[int]) -> Command:
        """``EpisodeSearch``: search the given episodes (Sonarr episode ids)."""
        return await self._send_command("EpisodeSearch", episodeIds=list(episode_ids))

    async def search_again(
        self,
        *,
        series_id: int | None,
        tvdb_id: int | None,
        seasons: Iterable[int] = (),
        download_ids: Iterable[str] = (),
    ) -> SearchSent | None:
        """A retry: give up on stalled ``download_ids``, then search the requested seasons
        (``SeasonSearch`` each) or the whole series (``SeriesSearch``).

        Without ``series_id`` the series is looked up by ``tvdb_id``; None when Sonarr
        doesn't have it.
        """
        if series_id is None:
            series = await self.series_by_tvdb(tvdb_id) if tvdb_id else None
            if series is None:
                return None
            series_id = series.id
        removed = await self.give_up_stalled(download_ids)
        wanted = sorted(set(seasons))
        if wanted:
            commands = [await self.search_season(series_id, season) for season in wanted]
        else:
            commands = [await self.search_series(series_id)]
        return SearchSent(series_id, tuple(commands), removed)


def count_episodes(
    episodes: Iterable[LibraryEpisode], seasons: Iterable[int] | None, now: datetime
) -> dict[int, EpisodeCount]:
    """Count ``episodes`` per season; aired means its air time is past or it has a file."""
    wanted = None if seasons is None else set(seasons)
    counts: dict[int, EpisodeCount] = {season: EpisodeCount() for season in wanted or ()}
    for episode in episodes:
        if wanted is not None and episode.season_number not in wanted:
            continue
        known = counts.get(episode.season_number, EpisodeCount())
        air_time = episode.air_date_utc
        aired = episode.has_file or (air_time is not None and air_time <= now)
        counts[episode.season_number] = EpisodeCount(
            total=known.total + 1,
            aired=known.aired + int(aired),
            downloaded=known.downloaded + int(episode.has_file),
        )
    return counts
