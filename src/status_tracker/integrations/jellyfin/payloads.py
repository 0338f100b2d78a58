"""Jellyfin wire models: the webhook plugin's notification body and the REST records we read.

The webhook plugin (Generic destination) POSTs one notification per item. The
body is either the admin's Handlebars template rendered (every value a string,
a missing value ``""``, GUIDs dashed) or, with *Send All Properties*, the
plugin's data dictionary as JSON (native numbers, GUIDs without dashes, media
stream keys). Variable names are case-insensitive in the plugin, so keys are
read case-insensitively here too. Every ``Provider_<name>`` key is collected
into ``provider_ids``; ``SeriesProvider_<name>`` keys (added by
``JellyfinClient.enrich``, never sent by the plugin) into
``series_provider_ids``. An episode's ``Provider_*`` ids are the episode's own,
not its series'.

REST records (``GET /Items``, ``GET /System/Info``) are PascalCase with
``ProviderIds: {"Tmdb": "…"}``. This module knows the vendor's format only; it
raises ``BadPayload`` and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from status_tracker.integrations._lenient import integer as _int
from status_tracker.integrations._lenient import text as _text
from status_tracker.integrations.errors import BadPayload

_SERIES_PREFIXES = ("seriesprovider_", "series_provider_")


def _datetime(value: object) -> datetime | None:
    """An ISO 8601 time (Jellyfin writes UTC with a ``Z``); None when unreadable."""
    if isinstance(value, datetime):
        stamp = value
    elif isinstance(value, str) and value.strip():
        try:
            stamp = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _ids(value: object) -> dict[str, str]:
    """Provider ids with lower-case names; empty values dropped."""
    if not isinstance(value, Mapping):
        return {}
    found = {str(name).strip().lower(): _text(item) for name, item in value.items()}
    return {name: item for name, item in found.items() if name and item}


Text = Annotated[str | None, BeforeValidator(_text)]
Int = Annotated[int | None, BeforeValidator(_int)]
ProviderIds = Annotated[dict[str, str], BeforeValidator(_ids)]
Time = Annotated[datetime | None, BeforeValidator(_datetime)]


def _aka(*names: str) -> Any:
    """A field read from the first of ``names`` (lower-case keys) present."""
    return Field(default=None, validation_alias=AliasChoices(*names))


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _lower_keys(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {str(key).lower(): value for key, value in data.items()}


class JellyfinNotification(_Lenient):
    """One webhook plugin notification (ItemAdded, PlaybackStart, …)."""

    notification_type: Text = _aka("notificationtype")
    server_id: Text = _aka("serverid")
    server_name: Text = _aka("servername")
    server_url: Text = _aka("serverurl")
    item_id: Text = _aka("itemid")
    item_type: Text = _aka("itemtype")
    name: Text = None
    year: Int = None
    series_name: Text = _aka("seriesname")
    series_id: Text = _aka("seriesid")
    season_id: Text = _aka("seasonid")
    season_number: Int = _aka("seasonnumber")
    episode_number: Int = _aka("episodenumber")
    episode_number_end: Int = _aka("episodenumberend")
    path: Text = None
    notification_username: Text = _aka("notificationusername")
    user_name: Text = _aka("username")
    user_id: Text = _aka("userid")
    provider_ids: ProviderIds = Field(default_factory=dict)
    series_provider_ids: ProviderIds = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _collect_provider_ids(cls, data: Any) -> Any:
        """``Provider_tmdb`` → ``provider_ids["tmdb"]``; ``SeriesProvider_tvdb`` likewise."""
        if not isinstance(data, Mapping):
            return data
        fields = {str(key).lower(): value for key, value in data.items()}
        own: dict[str, Any] = {}
        series: dict[str, Any] = {}
        for key, value in fields.items():
            for prefix in _SERIES_PREFIXES:
                if key.startswith(prefix):
                    series[key.removeprefix(prefix)] = value
            if key.startswith("provider_"):
                own[key.removeprefix("provider_")] = value
        return {**fields, "provider_ids": own, "series_provider_ids": series}

    @property
    def user(self) -> str | None:
        """Who it is about: ``NotificationUsername`` (older plugins) or ``Username``."""
        return self.notification_username or self.user_name

    @property
    def kind(self) -> str:
        """The notification type, lower-case (``itemadded``, ``playbackstart``)."""
        return (self.notification_type or "").lower()

    @property
    def item_kind(self) -> str:
        """The item's class name, lower-case (``movie``, ``episode``, ``series``, ``season``)."""
        return (self.item_type or "").lower()


class JellyfinItem(_Lenient):
    """A ``BaseItemDto`` from ``GET /Items`` (with ``fields=ProviderIds,Path,DateCreated``)."""

    id: Text = None
    name: Text = None
    type: Text = None
    path: Text = None
    date_created: Time = _aka("datecreated")
    series_name: Text = _aka("seriesname")
    series_id: Text = _aka("seriesid")
    season_id: Text = _aka("seasonid")
    index_number: Int = _aka("indexnumber")
    index_number_end: Int = _aka("indexnumberend")
    parent_index_number: Int = _aka("parentindexnumber")
    production_year: Int = _aka("productionyear")
    provider_ids: ProviderIds = Field(
        default_factory=dict, validation_alias=AliasChoices("providerids")
    )


class SystemInfo(_Lenient):
    """``GET /System/Info``: ``id`` is the server id deep links need."""

    id: Text = None
    server_name: Text = _aka("servername")
    version: Text = None


def _brief(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
        for error in exc.errors()
    )


def parse_notification(body: object) -> JellyfinNotification:
    """A webhook body; ``BadPayload`` when it is not a Jellyfin notification."""
    if not isinstance(body, Mapping):
        raise BadPayload(f"Jellyfin webhook body must be a JSON object, got {type(body).__name__}")
    try:
        notification = JellyfinNotification.model_validate(body)
    except ValidationError as exc:
        raise BadPayload(f"Jellyfin webhook: {_brief(exc)}") from exc
    if notification.notification_type is None:
        raise BadPayload("Jellyfin webhook: NotificationType is missing")
    return notification


def parse_items(body: object) -> list[JellyfinItem]:
    """The ``Items`` of a ``GET /Items`` answer (records that are not objects are skipped)."""
    if not isinstance(body, Mapping):
        raise BadPayload(f"Jellyfin /Items: expected a JSON object, got {type(body).__name__}")
    items = next((value for key, value in body.items() if str(key).lower() == "items"), None)
    if not isinstance(items, list):
        raise BadPayload("Jellyfin /Items: 'Items' is missing")
    return [JellyfinItem.model_validate(item) for item in items if isinstance(item, Mapping)]


def parse_system_info(body: object) -> SystemInfo:
    """``GET /System/Info``; ``BadPayload`` without an ``Id``."""
    if not isinstance(body, Mapping):
        raise BadPayload(
            f"Jellyfin /System/Info: expected a JSON object, got {type(body).__name__}"
        )
    info = SystemInfo.model_validate(body)
    if info.id is None:
        raise BadPayload("Jellyfin /System/Info: 'Id' is missing")
    return info


def item_added(
    item: JellyfinItem, server_id: str | None, series_ids: Mapping[str, str]
) -> dict[str, Any]:
    """The ``ItemAdded`` notification the webhook plugin would send for ``item``.

    It has the "Send All Properties" shape (missing values left out) plus the
    item's ``Path`` and its series' provider ids as ``SeriesProvider_<name>``,
    which the plugin never sends; ``parse_notification`` reads it back.
    """
    body: dict[str, Any] = {
        "NotificationType": "ItemAdded",
        "ServerId": server_id,
        "ItemId": item.id,
        "ItemType": item.type,
        "Name": item.name,
        "Year": item.production_year,
        "Path": item.path,
        "SeriesName": item.series_name,
        "SeriesId": item.series_id,
        "SeasonNumber": item.parent_index_number,
        "EpisodeNumber": item.index_number,
        "EpisodeNumberEnd": item.index_number_end,
    }
    body.update({f"Provider_{name}": value for name, value in item.provider_ids.items()})
    body.update({f"SeriesProvider_{name}": value for name, value in series_ids.items()})
    return {key: value for key, value in body.items() if value is not None}
