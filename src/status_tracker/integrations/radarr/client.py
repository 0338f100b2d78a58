"""A thin async client for the Radarr ``/api/v3`` calls reconciliation and retry need.

Queue (every page), history since a time or for one movie, movie lookup by
tmdb id, and the ``MoviesSearch`` command (``search_again`` for a retry, which
first drops stalled downloads from the queue). Auth is the ``X-Api-Key`` header;
``Unreachable`` is retried with backoff (``RetryPolicy``), ``AuthFailed`` and
``BadPayload`` are raised at once. Results are the typed models of ``payloads``;
this module never imports ``status_tracker.core``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
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
from status_tracker.integrations.radarr.payloads import HistoryRecord, LibraryMovie, QueueRecord

__all__ = ["Command", "RadarrClient", "RetryPolicy", "SearchSent"]


class RadarrClient(ArrClient):
    """Radarr API v3. ``async with RadarrClient(url, api_key) as radarr: ...``."""

    APP = "radarr"

    async def queue(self) -> list[QueueRecord]:
        """Every queue row (all pages), with its movie."""
        return await self._all_pages("/api/v3/queue", {"includeMovie": "true"}, QueueRecord)

    async def history_since(
        self, since: datetime, event_type: str | None = None
    ) -> list[HistoryRecord]:
        """History rows newer than ``since`` (aware), oldest first; ``event_type``: ``grabbed``…"""
        params: dict[str, Any] = {"date": utc_query_time(since), "includeMovie": "true"}
        if event_type:
            params["eventType"] = event_type
        data = await self._get("/api/v3/history/since", params)
        return oldest_first(validate_list(HistoryRecord, data, "radarr history/since"))

    async def movie_history(
        self, movie_id: int, event_type: str | None = None
    ) -> list[HistoryRecord]:
        """History rows of one movie, oldest first."""
        params: dict[str, Any] = {"movieId": movie_id, "includeMovie": "true"}
        if event_type:
            params["eventType"] = event_type
        data = await self._get("/api/v3/history/movie", params)
        return oldest_first(validate_list(HistoryRecord, data, "radarr history/movie"))

    async def movie_by_tmdb(self, tmdb_id: int) -> LibraryMovie | None:
        """The library movie with this tmdb id, or None when Radarr doesn't have it."""
        data = await self._get("/api/v3/movie", {"tmdbId": tmdb_id})
        found = validate_list(LibraryMovie, data, "radarr movie")
        return next((movie for movie in found if movie.tmdb_id == tmdb_id), None)

    async def search_movies(self, movie_ids: Iterable[int]) -> Command:
        """``MoviesSearch``: search the given movies (Radarr movie ids)."""
        return await self._send_command("MoviesSearch", movieIds=list(movie_ids))

    async def search_again(
        self, *, movie_id: int | None, tmdb_id: int | None, download_ids: Iterable[str] = ()
    ) -> SearchSent | None:
        """A retry: give up on stalled ``download_ids``, then ``MoviesSearch``.

        Without ``movie_id`` the movie is looked up by ``tmdb_id``; None when Radarr
        doesn't have it.
        """
        if movie_id is None:
            movie = await self.movie_by_tmdb(tmdb_id) if tmdb_id else None
            if movie is None:
                return None
            movie_id = movie.id
        removed = await self.give_up_stalled(download_ids)
        command = await self.search_movies([movie_id])
        return SearchSent(movie_id, (command,), removed)
