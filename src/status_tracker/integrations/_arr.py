"""Wire blocks shared by the Sonarr and Radarr integrations: the lenient base model and
the webhook blocks both apps send.

Both apps serialise webhooks with Newtonsoft (camelCase fields, nulls left out,
``eventType`` PascalCase) and their ``/api/v3`` with System.Text.Json (camelCase,
nulls left out). The models here read both leniently: unknown keys are ignored,
numbers may arrive as strings, and decorative fields (``Loose``) that don't parse
become None instead of rejecting the whole body. The ``/api/v3`` resources and the
common API client are in ``_arr_api``. This module knows only the wire format: it
never imports ``status_tracker.core``.
"""

from __future__ import annotations

import functools
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic.alias_generators import to_camel

from status_tracker.integrations.errors import BadPayload

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def _none_on_error(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        return None


Loose = Annotated[T | None, WrapValidator(_none_on_error)]
"""A field we only display: a value that doesn't parse becomes None."""


class ArrModel(BaseModel):
    """Base of every Sonarr/Radarr wire model: camelCase aliases, unknown keys ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        extra="ignore",
        frozen=True,
    )


def validate(model: type[M], data: Any, what: str) -> M:
    """``model.model_validate(data)``, raising ``BadPayload`` that names ``what``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadPayload(f"{what}: {_first_error(exc)}") from exc


@functools.cache
def _list_adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def validate_list(model: type[M], data: Any, what: str) -> list[M]:
    """A JSON array of ``model``, raising ``BadPayload`` that names ``what``."""
    try:
        return _list_adapter(model).validate_python(data)
    except ValidationError as exc:
        raise BadPayload(f"{what}: {_first_error(exc)}") from exc


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "body"
    return f"{where}: {error['msg']} ({exc.error_count()} error(s))"


# --- webhook blocks ------------------------------------------------------------------------


class Language(ArrModel):
    """``{id, name}``, e.g. 1 = English."""

    id: int | None = None
    name: str | None = None


class Image(ArrModel):
    """A cover image; ``remote_url`` is the public one."""

    cover_type: str | None = None
    url: str | None = None
    remote_url: str | None = None


class CustomFormatRef(ArrModel):
    """A custom format by id and name."""

    id: int | None = None
    name: str | None = None


class CustomFormatInfo(ArrModel):
    """``customFormatInfo`` on Grab, Download and ManualInteractionRequired."""

    custom_formats: Loose[list[CustomFormatRef]] = None
    custom_format_score: int | None = None


class StatusMessage(ArrModel):
    """``{title, messages[]}`` in ``downloadStatusMessages`` and queue ``statusMessages``."""

    title: str | None = None
    messages: Loose[list[str]] = None


class DownloadInfo(ArrModel):
    """``downloadInfo`` on ManualInteractionRequired: the item as the download client names it."""

    quality: str | None = None
    quality_version: int | None = None
    title: str | None = None
    size: int | None = None


class Release(ArrModel):
    """``release``: the Grab version (quality, languages…) or the one rebuilt from grab history."""

    quality: str | None = None
    quality_version: int | None = None
    release_group: str | None = None
    release_title: str | None = None
    indexer: str | None = None
    size: int | None = None
    custom_format_score: int | None = None
    custom_formats: Loose[list[str]] = None
    languages: Loose[list[Language]] = None
    release_type: str | None = None
    indexer_flags: Loose[list[str]] = None


class MediaFile(ArrModel):
    """An episode or movie file; ``source_path`` is set on the per-file Download only."""

    id: int | None = None
    relative_path: str | None = None
    path: str | None = None
    quality: str | None = None
    quality_version: int | None = None
    release_group: str | None = None
    scene_name: str | None = None
    size: int | None = None
    date_added: Loose[datetime] = None
    languages: Loose[list[Language]] = None
    source_path: str | None = None
    recycle_bin_path: str | None = None


class Envelope(ArrModel):
    """Fields on every webhook. ``event_type`` is PascalCase (``Grab``, ``Download``…)."""

    event_type: str
    instance_name: str | None = None
    application_url: str | None = None


class Test(Envelope):
    """The Test button's dummy payload: stored, never correlated."""

    __test__: ClassVar[bool] = False  # not a pytest test class


class Ignored(Envelope):
    """An event type we don't track (Rename, Health, *Delete, ApplicationUpdate…)."""


class EventType(StrEnum):
    """The ``eventType`` values we act on."""

    TEST = "Test"
    GRAB = "Grab"
    DOWNLOAD = "Download"
    MANUAL_INTERACTION_REQUIRED = "ManualInteractionRequired"


def event_type_of(body: Any, app: str) -> str:
    """The ``eventType`` of a webhook body, or ``BadPayload`` when there is none."""
    if not isinstance(body, dict):
        raise BadPayload(f"{app} webhook: body is not a JSON object")
    value = body.get("eventType")
    if not isinstance(value, str) or not value.strip():
        raise BadPayload(f"{app} webhook: no eventType")
    return value.strip()


def known_event(event_type: str) -> EventType | None:
    """``EventType`` for ``event_type`` (case-insensitive), None for the ones we ignore."""
    for known in EventType:
        if known.value.casefold() == event_type.casefold():
            return known
    return None


def poster_of(images: list[Image] | None) -> str | None:
    """The public poster URL among cover images, if any."""
    for image in images or ():
        if image.cover_type == "poster" and image.remote_url:
            return image.remote_url
    return None


def status_messages_text(messages: list[StatusMessage] | None) -> str | None:
    """Every distinct message of ``statusMessages`` joined in one line, or None."""
    seen: list[str] = []
    for block in messages or ():
        for text in block.messages or ():
            line = text.strip()
            if line and line not in seen:
                seen.append(line)
    return "; ".join(seen) or None


_TORRENT_CLIENTS = frozenset(
    {
        "qbittorrent", "transmission", "deluge", "rtorrent", "utorrent", "aria2", "flood",
        "hadouken", "vuze", "freebox", "torrentblackhole", "torrentdownloadstation",
    }
)  # fmt: skip
_USENET_CLIENTS = frozenset(
    {"sabnzbd", "nzbget", "nzbvortex", "pneumatic", "usenetblackhole", "usenetdownloadstation"}
)


def protocol_of(value: str | None, client_type: str | None = None) -> str | None:
    """``torrent``/``usenet`` from an API protocol (name, or history's "1"/"2") or a client type."""
    text = (value or "").strip().lower()
    if text in ("torrent", "2"):
        return "torrent"
    if text in ("usenet", "1"):
        return "usenet"
    kind = (client_type or "").strip().lower()
    if kind in _TORRENT_CLIENTS:
        return "torrent"
    if kind in _USENET_CLIENTS:
        return "usenet"
    return None
