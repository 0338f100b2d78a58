"""Jellyseerr wire models: the webhook agent's templated body and ``/api/v1`` records.

The webhook body is whatever the admin's JSON template renders to. With the
default template every scalar is a string (``"tmdbId": "603"``), a missing value
is ``""``, and ``media``/``request``/``issue``/``comment`` are ``null`` when the
notification has none. Customised templates may use numbers, drop keys, add keys
or flatten the ``media``/``request`` objects into the top level. So every field
here is optional and lenient: ``""`` reads as missing, numbers may be strings,
junk in an optional field reads as missing, unknown keys are ignored. Only
``notification_type`` is required.

The REST API (``GET /api/v1/request``) returns real numbers and enum numbers,
read by the same lenient rules so one odd record never sinks a page.

This module knows the vendor's format only; it raises ``BadPayload`` and
nothing else.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import IntEnum
from typing import Annotated, Any, NamedTuple, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

from status_tracker.integrations._lenient import integer as _int
from status_tracker.integrations._lenient import text as _text
from status_tracker.integrations.errors import BadPayload

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


class MediaRequestStatus(IntEnum):
    """``MediaRequest.status`` in the REST API (COMPLETED exists from v2.6.0)."""

    PENDING = 1
    APPROVED = 2
    DECLINED = 3
    FAILED = 4
    COMPLETED = 5


class MediaStatus(IntEnum):
    """``Media.status`` / ``status4k`` in the REST API (the webhook sends the names)."""

    UNKNOWN = 1
    PENDING = 2
    PROCESSING = 3
    PARTIALLY_AVAILABLE = 4
    AVAILABLE = 5
    BLOCKLISTED = 6
    DELETED = 7


# --- lenient scalars -------------------------------------------------------------------------


def _bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    if isinstance(value, bool | int):
        return bool(value)
    return False


def _when(value: object, handler: ValidatorFunctionWrapHandler) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        parsed: datetime = handler(value)
    except ValidationError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _object(value: object) -> object:
    return value if isinstance(value, Mapping) else None


def _objects(value: object) -> list[object]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


Text = Annotated[str | None, BeforeValidator(_text)]
Int = Annotated[int | None, BeforeValidator(_int)]
Flag = Annotated[bool, BeforeValidator(_bool)]
When = Annotated[datetime | None, WrapValidator(_when)]


def _aka(*names: str, default: Any = None) -> Any:
    """A field read from the first of ``names`` present."""
    return Field(default=default, validation_alias=AliasChoices(*names))


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


# --- webhook ---------------------------------------------------------------------------------


class WebhookMedia(_Lenient):
    """The ``media`` object of the default template (``{{media}}``)."""

    media_type: Text = _aka("media_type", "mediaType")
    tmdb_id: Int = _aka("tmdbId", "tmdbid", "tmdb_id", "media_tmdbid")
    tvdb_id: Int = _aka("tvdbId", "tvdbid", "tvdb_id", "media_tvdbid")
    status: Text = _aka("status", "media_status")
    status4k: Text = _aka("status4k", "media_status4k")


class WebhookRequest(_Lenient):
    """The ``request`` object of the default template (``{{request}}``)."""

    request_id: Int = _aka("request_id", "requestId", "id")
    requested_by_username: Text = _aka("requestedBy_username", "requestedBy")
    requested_by_email: Text = _aka("requestedBy_email")
    requested_by_avatar: Text = _aka("requestedBy_avatar")


class ExtraItem(_Lenient):
    """One ``{name, value}`` entry of ``extra`` (e.g. ``Requested Seasons``)."""

    name: Text = None
    value: Text = None


_MEDIA_KEYS = ("media_type", "mediaType", "tmdbId", "tvdbId", "media_tmdbid", "media_tvdbid")
_REQUEST_KEYS = ("request_id", "requestId", "requestedBy_username", "requestedBy_email")


class JellyseerrWebhook(_Lenient):
    """A webhook agent delivery, default template or a reasonable customised one."""

    notification_type: str = Field(
        validation_alias=AliasChoices("notification_type", "notificationType")
    )
    event: Text = None
    subject: Text = None
    message: Text = None
    image: Text = None
    media: Annotated[WebhookMedia | None, BeforeValidator(_object)] = None
    request: Annotated[WebhookRequest | None, BeforeValidator(_object)] = None
    extra: Annotated[list[ExtraItem], BeforeValidator(_objects)] = []

    @model_validator(mode="before")
    @classmethod
    def _unflatten(cls, data: Any) -> Any:
        """A template that puts ``tmdbId`` or ``request_id`` at the top level still works."""
        if not isinstance(data, Mapping):
            return data
        data = dict(data)
        for name, keys in (("media", _MEDIA_KEYS), ("request", _REQUEST_KEYS)):
            if name not in data and any(key in data for key in keys):
                data[name] = {key: data[key] for key in keys if key in data}
        return data

    @field_validator("notification_type", mode="before")
    @classmethod
    def _type_name(cls, value: Any) -> str:
        text = _text(value)
        if text is None:
            raise ValueError("notification_type is empty")
        return text.upper()

    @property
    def is_4k(self) -> bool:
        """Whether this is about a 4K request (Jellyseerr prefixes the event with ``4K``)."""
        return (self.event or "").upper().startswith("4K ")

    @property
    def requested_seasons(self) -> tuple[int, ...]:
        """Season numbers from ``extra`` ``Requested Seasons`` (``"1, 2"`` → ``(1, 2)``)."""
        for item in self.extra:
            if (item.name or "").strip().lower() == "requested seasons":
                return parse_seasons(item.value)
        return ()


def _brief(exc: ValidationError) -> str:
    """One line naming each bad field, without pydantic's URLs."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
        for error in exc.errors()
    )


def parse_webhook(body: object) -> JellyseerrWebhook:
    """Read a decoded webhook body; ``BadPayload`` when it is unusable."""
    if not isinstance(body, Mapping):
        kind = type(body).__name__
        raise BadPayload(f"Jellyseerr webhook body must be a JSON object, got {kind}")
    try:
        return JellyseerrWebhook.model_validate(body)
    except ValidationError as exc:
        raise BadPayload(f"Jellyseerr webhook: {_brief(exc)}") from exc


_SUBJECT = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})\)\s*$", re.DOTALL)


def split_subject(subject: str | None) -> tuple[str | None, int | None]:
    """``"The Matrix (1999)"`` → ``("The Matrix", 1999)``; a subject without a year is all title."""
    text = (subject or "").strip()
    if not text:
        return None, None
    match = _SUBJECT.match(text)
    if match is None or not 1870 <= int(match["year"]) <= 2200:
        return text, None
    return match["title"].strip() or None, int(match["year"])


_NUMBER = re.compile(r"\d+")


def parse_seasons(value: str | None) -> tuple[int, ...]:
    """``"1, 2"`` → ``(1, 2)``: every number, sorted, once each."""
    return tuple(sorted({int(number) for number in _NUMBER.findall(value or "")}))


# --- REST API --------------------------------------------------------------------------------


class ApiUser(_Lenient):
    """A user as request routes serialise it."""

    id: Int = None
    display_name: Text = _aka("displayName")
    username: Text = None
    jellyfin_username: Text = _aka("jellyfinUsername")
    plex_username: Text = _aka("plexUsername")
    email: Text = None

    @property
    def name(self) -> str | None:
        """What Jellyseerr shows and sends as ``requestedBy_username``."""
        return (
            self.display_name
            or self.username
            or self.plex_username
            or self.jellyfin_username
            or self.email
        )


class ApiSeason(_Lenient):
    """A season of a request (``status`` is a request status) or of a media (a media status)."""

    season_number: Int = _aka("seasonNumber")
    status: Int = None
    status4k: Int = None


class ApiDownload(_Lenient):
    """One *arr queue item Jellyseerr attached to a media (``downloadStatus``)."""

    download_id: Text = _aka("downloadId")
    title: Text = None
    status: Text = None
    size: Int = None
    size_left: Int = _aka("sizeLeft")


_Seasons = Annotated[list[ApiSeason], BeforeValidator(_objects)]
_Downloads = Annotated[list[ApiDownload], BeforeValidator(_objects)]


class ApiMedia(_Lenient):
    """The ``media`` of a request record."""

    id: Int = None
    media_type: Text = _aka("mediaType")
    tmdb_id: Int = _aka("tmdbId")
    tvdb_id: Int = _aka("tvdbId")
    imdb_id: Text = _aka("imdbId")
    status: Int = None
    status4k: Int = None
    external_service_id: Int = _aka("externalServiceId")
    external_service_id_4k: Int = _aka("externalServiceId4k")
    jellyfin_media_id: Text = _aka("jellyfinMediaId")
    jellyfin_media_id_4k: Text = _aka("jellyfinMediaId4k")
    media_added_at: When = _aka("mediaAddedAt")
    seasons: _Seasons = []
    download_status: _Downloads = _aka("downloadStatus", default=[])
    download_status_4k: _Downloads = _aka("downloadStatus4k", default=[])


class JellyseerrRequestRecord(_Lenient):
    """One ``MediaRequest`` from ``GET /api/v1/request``."""

    id: int
    status: Int = None
    type: Text = None
    is4k: Flag = False
    created_at: When = _aka("createdAt")
    updated_at: When = _aka("updatedAt")
    media: Annotated[ApiMedia | None, BeforeValidator(_object)] = None
    seasons: _Seasons = []
    requested_by: Annotated[ApiUser | None, BeforeValidator(_object)] = _aka("requestedBy")
    modified_by: Annotated[ApiUser | None, BeforeValidator(_object)] = _aka("modifiedBy")

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> int:
        number = _int(value)
        if number is None:
            raise ValueError("request id missing")
        return number

    @property
    def season_numbers(self) -> tuple[int, ...]:
        """The requested seasons, sorted."""
        return tuple(sorted({s.season_number for s in self.seasons if s.season_number is not None}))

    @property
    def media_status(self) -> int | None:
        """The media status for this request's quality (4K or not)."""
        if self.media is None:
            return None
        return self.media.status4k if self.is4k else self.media.status


class PageInfo(_Lenient):
    """``pageInfo`` of a paged list."""

    pages: Int = None
    page_size: Int = _aka("pageSize")
    results: Int = None
    page: Int = None


class JellyseerrStatus(_Lenient):
    """``GET /api/v1/status`` (no authentication needed)."""

    version: Text = None
    commit_tag: Text = _aka("commitTag")
    update_available: Flag = _aka("updateAvailable", default=False)


def _validated(model: type[M], body: object, what: str) -> M:
    if not isinstance(body, Mapping):
        raise BadPayload(f"Jellyseerr {what}: expected a JSON object, got {type(body).__name__}")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise BadPayload(f"Jellyseerr {what}: {_brief(exc)}") from exc


def parse_request(body: object) -> JellyseerrRequestRecord:
    """One request record (``GET /api/v1/request/{id}``)."""
    return _validated(JellyseerrRequestRecord, body, "request")


def parse_status(body: object) -> JellyseerrStatus:
    """The ``/api/v1/status`` answer."""
    return _validated(JellyseerrStatus, body, "status")


class RequestPage(NamedTuple):
    """One page of ``GET /api/v1/request``: its ``pageInfo``, readable records, raw count."""

    info: PageInfo
    records: list[JellyseerrRequestRecord]
    received: int


def parse_request_page(body: object) -> RequestPage:
    """A page of ``GET /api/v1/request``; a record without an id is logged and skipped."""
    if not isinstance(body, Mapping) or not isinstance(body.get("results"), list):
        raise BadPayload("Jellyseerr request list: expected an object with a 'results' list")
    info = _validated(PageInfo, body.get("pageInfo") or {}, "pageInfo")
    records: list[JellyseerrRequestRecord] = []
    for item in body["results"]:
        try:
            records.append(parse_request(item))
        except BadPayload as exc:
            log.warning("Skipping an unreadable Jellyseerr request record: %s", exc)
    return RequestPage(info, records, len(body["results"]))
