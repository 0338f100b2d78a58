"""Jellyfin's library, read through its API while a request waits for it.

Why a poller rather than enriching each webhook body: the plugin's episode
notification names the episode, never its series (its ``Provider_*`` ids are
the episode's own), and carries no file path, so on its own it matches no
request. The series' ids need a call to Jellyfin, which must happen neither on
the request path (``/hooks`` answers as soon as the body is on disk) nor in the
single writer (synchronous, shared by every delivery), and ``translate`` stays
pure. A background loop cannot see webhook deliveries (the host shows it only
committed request changes), so it asks Jellyfin itself, at the moments a
notification is due. That also repairs lost or never-configured webhooks.

- ``wanted``: some active request has files in the library that Jellyfin has
  not reported yet (the request, or one of its episodes, is ``importing`` or
  ``anime_indexing``). A change that puts a request there wakes the loop at once.
  The first poll happens at start whatever waits, so a wrong key or address
  shows on ``/api/health`` straight away.
- ``poll``: one ``GET /Items`` for the films and episodes added last (with
  provider ids, path and date); one ``GET /Items?ids=…`` for the provider ids
  of series not seen before (remembered); ``GET /System/Info`` once, for the
  server id of the "Watch now" link. Each item becomes the body the plugin would
  send, plus ``Path`` and ``SeriesProvider_*`` (``payloads.item_added``), and is
  read by the same ``translate`` as ``/hooks/jellyfin``.
- An event is submitted when it concerns a waiting request: its title ids name
  one (for an episode, only if that episode is wanted and not yet available),
  or, when no active request has its ids (an anime that Shokofin describes with
  AniDB ids only), when it has a path and was added after the oldest waiting
  request was made; the writer then matches it by path or not at all.

Each event is its own batch, so one that matches nothing never holds back the
others; submitting the same event again changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from status_tracker.core.events import MadeAvailable
from status_tracker.core.ids import guid
from status_tracker.core.model import Episode, MediaInfo, Request
from status_tracker.core.states import RANK, RequestState
from status_tracker.integrations.base import Host, TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.jellyfin.client import JellyfinClient
from status_tracker.integrations.jellyfin.payloads import JellyfinItem, item_added
from status_tracker.integrations.jellyfin.translate import translate

log = logging.getLogger(__name__)

WAITING = frozenset({RequestState.IMPORTING, RequestState.ANIME_INDEXING})
"""Files are in the library folder; Jellyfin has not said it has them yet."""
CLOCK_SKEW = timedelta(hours=1)
"""Slack between Jellyfin's clock and ours when comparing an item's date with a request's."""


def waiting(request: Request) -> bool:
    """True when the request, or one of its episodes, waits for Jellyfin."""
    return request.state in WAITING or any(s in WAITING for s in request.episodes.values())


class JellyfinPoller:
    """A ``runtime.poller.PollSource`` over Jellyfin's recently added items."""

    name = "jellyfin"

    def __init__(
        self,
        client: JellyfinClient,
        context: TranslateContext,
        *,
        interval: float = 15.0,
        limit: int = 100,
    ) -> None:
        self.interval = interval
        self._client = client
        self._context = context
        self._limit = limit
        self._server_id: str | None = None
        self._series: dict[str, dict[str, str]] = {}

    async def wanted(self, host: Host) -> bool:
        """Whether some request waits for Jellyfin (or Jellyfin was never asked yet)."""
        if self._server_id is None:
            return True
        return any(waiting(request) for request in await host.active_requests())

    def wakes_on(self, request: Request) -> bool:
        """A request that starts waiting for Jellyfin triggers a poll."""
        return waiting(request)

    async def poll(self, host: Host) -> None:
        """Read the items added last and submit those that concern a waiting request."""
        if self._server_id is None:
            self._server_id = (await self._client.system_info()).id
        active = await host.active_requests()
        waiting_ones = [request for request in active if waiting(request)]
        if not waiting_ones:
            return
        items = await self._client.recent_items(self._limit)
        await self._learn_series(items)
        since = min(request.created_at for request in waiting_ones) - CLOCK_SKEW
        for item in items:
            event = self._event(item)
            if event is not None and concerns(event, item, active, since):
                await host.submit([event])

    async def _learn_series(self, items: Sequence[JellyfinItem]) -> None:
        """Remember the provider ids of the episodes' series (asked once per series)."""
        unknown = {
            guid(item.series_id)
            for item in items
            if item.series_id and guid(item.series_id) not in self._series
        }
        if not unknown:
            return
        for series in await self._client.get_items(*sorted(unknown)):
            if series.id and series.provider_ids:
                self._series[guid(series.id)] = dict(series.provider_ids)

    def _event(self, item: JellyfinItem) -> MadeAvailable | None:
        series_ids = self._series.get(guid(item.series_id or ""), {})
        body = item_added(item, self._server_id, series_ids)
        try:
            events = translate(body, self._context)
        except BadPayload as exc:
            log.debug("jellyfin: skipped item %s: %s", item.id, exc)
            return None
        return next((e for e in events if isinstance(e, MadeAvailable)), None)


def concerns(
    event: MadeAvailable, item: JellyfinItem, active: Sequence[Request], since: datetime
) -> bool:
    """Whether an item's event is for a waiting request among ``active`` (see the module doc)."""
    named = [request for request in active if same_title(request, event.media)]
    if named:
        return any(waiting(r) and wants(r, event.episodes) for r in named)
    if not item.path:
        return False
    return item.date_created is None or item.date_created >= since


def same_title(request: Request, media: MediaInfo) -> bool:
    """True when ``media`` has an id of the request's title (same kind of media)."""
    if media.media_type is not request.media_type:
        return False
    return any(
        mine is not None and mine == theirs
        for mine, theirs in (
            (request.tmdb_id, media.tmdb_id),
            (request.tvdb_id, media.tvdb_id),
            (request.imdb_id, media.imdb_id),
        )
    )


def wants(request: Request, episodes: Sequence[Episode]) -> bool:
    """Whether any of ``episodes`` is wanted by the request and not available yet."""
    if not episodes or not request.episodes:
        return True
    for episode in episodes:
        stage = request.episodes.get(episode)
        if stage is None:
            if episode.season in request.seasons:
                return True
        elif RANK.get(stage, -1) < RANK[RequestState.AVAILABLE]:
            return True
    return False
