"""Jellyfin webhook notifications → core events: ready to watch, and watched.

- ``ItemAdded`` of a Movie, Episode, Season or Series → ``MadeAvailable`` with a
  "Watch now" deep link ``{base}/web/#/details?id={ItemId}&serverId={ServerId}``
  (``base`` = ``ctx.jellyfin_public_url``, else the ``ServerUrl`` the plugin
  sent) and, for an episode, its season/episode numbers. When a new series or
  season arrives the plugin only reports the parent, so Season and Series
  items count as "the whole lot is there".
- ``PlaybackStart`` of a Movie or Episode → ``Watched`` by ``NotificationUsername``.
- Anything else → nothing.

Correlation keys: ``jellyfin_item`` (undashed GUID), the file ``path`` when the
body has one, and tmdb/tvdb/imdb ids of the *title*: a movie's or series' own
``Provider_*`` ids, but for an episode or season only the series' ids
(``SeriesProvider_*``, see ``JellyfinClient.enrich``); an episode's own
provider ids name the episode and are never used. Never by title.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from status_tracker.core.events import Event, MadeAvailable, Watched
from status_tracker.core.ids import canonical_path, guid, is_hex, to_int, to_text
from status_tracker.core.model import Episode, Key, KeyKind, MediaInfo, MediaType
from status_tracker.integrations.base import TranslateContext
from status_tracker.integrations.errors import BadPayload
from status_tracker.integrations.jellyfin.payloads import JellyfinNotification, parse_notification

SOURCE = "jellyfin"

AVAILABLE_TYPES = frozenset({"movie", "episode", "season", "series"})
PLAYABLE_TYPES = frozenset({"movie", "episode"})
MAX_EPISODES_PER_FILE = 50
"""A multi-episode file spans a few episodes; a wider ``EpisodeNumberEnd`` is junk."""


def translate(body: Mapping[str, Any], ctx: TranslateContext) -> list[Event]:
    """Translate one webhook plugin notification; [] for notifications we don't track."""
    note = parse_notification(body)
    if note.kind == "itemadded" and note.item_kind in AVAILABLE_TYPES:
        keys = item_keys(note, ctx)
        if not keys:
            raise BadPayload("Jellyfin ItemAdded: no ItemId, path or provider id to match on")
        return [
            MadeAvailable(
                source=SOURCE,
                keys=keys,
                media=_media(note),
                watch_url=watch_url(note, ctx),
                episodes=_episodes(note),
            )
        ]
    if note.kind == "playbackstart" and note.item_kind in PLAYABLE_TYPES:
        keys = item_keys(note, ctx)
        if not keys:
            return []
        return [Watched(source=SOURCE, keys=keys, media=_media(note), user=note.user)]
    return []


def title_ids(note: JellyfinNotification) -> Mapping[str, str]:
    """The provider ids of the title: the item's own for a movie/series, else the series'."""
    if note.item_kind in ("movie", "series"):
        return note.provider_ids
    return note.series_provider_ids


def item_keys(note: JellyfinNotification, ctx: TranslateContext) -> tuple[Key, ...]:
    """The correlation keys a notification carries."""
    keys: list[Key] = []
    item = _guid(note.item_id)
    if item:
        keys.append(Key(KeyKind.JELLYFIN_ITEM, item))
    if note.path:
        keys.append(Key(KeyKind.PATH, canonical_path(note.path, ctx.path_mappings)))
    ids = title_ids(note)
    for kind in (KeyKind.TMDB, KeyKind.TVDB):
        number = to_int(ids.get(kind.value))
        if number is not None and number > 0:
            keys.append(Key(kind, str(number)))
    imdb = _imdb(ids.get("imdb"))
    if imdb:
        keys.append(Key(KeyKind.IMDB, imdb))
    return tuple(keys)


def watch_url(note: JellyfinNotification, ctx: TranslateContext) -> str | None:
    """The "Watch now" deep link, or None without a base URL or an item id."""
    base = to_text(ctx.jellyfin_public_url) or note.server_url
    item = _guid(note.item_id)
    if not base or not item:
        return None
    if "://" not in base:
        base = f"http://{base}"
    url = f"{base.rstrip('/')}/web/#/details?id={item}"
    server = _guid(note.server_id)
    return f"{url}&serverId={server}" if server else url


def _guid(value: str | None) -> str | None:
    if not value:
        return None
    text = guid(value)
    return text if len(text) == 32 and is_hex(text) else None


def _imdb(value: str | None) -> str | None:
    text = (value or "").strip().lower()
    return text if text.startswith("tt") and text[2:].isdigit() else None


def _media(note: JellyfinNotification) -> MediaInfo:
    ids = title_ids(note)
    tmdb, tvdb = to_int(ids.get("tmdb")), to_int(ids.get("tvdb"))
    if note.item_kind == "movie":
        return MediaInfo(MediaType.MOVIE, note.name, note.year, tmdb, tvdb, _imdb(ids.get("imdb")))
    title = note.name if note.item_kind == "series" else note.series_name
    return MediaInfo(MediaType.TV, title, note.year, tmdb, tvdb, _imdb(ids.get("imdb")))


def _episodes(note: JellyfinNotification) -> tuple[Episode, ...]:
    if note.item_kind != "episode" or note.season_number is None or note.episode_number is None:
        return ()
    first = note.episode_number
    last = note.episode_number_end if note.episode_number_end is not None else first
    if not first <= last <= first + MAX_EPISODES_PER_FILE:
        last = first
    return tuple(Episode(note.season_number, number) for number in range(first, last + 1))
