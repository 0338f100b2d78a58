"""Display helpers for the pages: times, sizes, speeds, badges, links and the step list.

Templates render plain dicts (the Request objects of the JSON API). Everything that
turns those values into words, URLs or CSS classes lives here as small pure functions,
registered on a Jinja environment by ``register``. Nothing here does I/O; the clock is
read only when a caller gives no ``now``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypedDict
from urllib.parse import urlencode, urlsplit

import jinja2

from status_tracker.core.states import LABELS, PIPELINE, RANK, RequestState

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

S = RequestState
StepStatus = Literal["done", "current", "todo", "failed"]


class Step(TypedDict):
    """One line of the progress list on the detail page."""

    state: str
    label: str
    status: StepStatus
    timestamp: str | None
    message: str | None


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ETA_UNKNOWN = 8_640_000
"""qBittorrent reports this many seconds (100 days) when it cannot estimate."""


# --- times -------------------------------------------------------------------------------


def parse_time(value: str | datetime | None) -> datetime | None:
    """An aware datetime from an ISO 8601 string or datetime; naive values are taken as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def iso_time(value: str | datetime | None) -> str:
    """The value as ISO 8601 with its offset, for ``<time datetime=…>``; empty if unknown."""
    parsed = parse_time(value)
    return parsed.isoformat() if parsed else ""


def exact_time(value: str | datetime | None) -> str:
    """E.g. ``24 Nov 2026, 12:34 UTC``. The browser rewrites it in the reader's time zone."""
    parsed = parse_time(value)
    if parsed is None:
        return ""
    utc = parsed.astimezone(UTC)
    return f"{utc.day} {_MONTHS[utc.month - 1]} {utc.year}, {utc:%H:%M} UTC"


def short_time(value: str | datetime | None) -> str:
    """E.g. ``24 Nov, 12:34 UTC``: the compact form used on the step list."""
    parsed = parse_time(value)
    if parsed is None:
        return ""
    utc = parsed.astimezone(UTC)
    return f"{utc.day} {_MONTHS[utc.month - 1]}, {utc:%H:%M} UTC"


def relative_time(value: str | datetime | None, now: datetime | None = None) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``yesterday``, ``4 days ago`` or a date."""
    parsed = parse_time(value)
    if parsed is None:
        return ""
    current = now if now is not None else datetime.now(UTC)
    seconds = (current - parsed).total_seconds()
    if seconds < 45:
        return "just now" if seconds > -60 else _date(parsed, current)
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min ago"
    if seconds < 86_400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 2 * 86_400:
        return "yesterday"
    if seconds < 7 * 86_400:
        return f"{int(seconds // 86_400)} days ago"
    return _date(parsed, current)


def _date(value: datetime, now: datetime) -> str:
    utc = value.astimezone(UTC)
    text = f"{utc.day} {_MONTHS[utc.month - 1]}"
    return text if utc.year == now.astimezone(UTC).year else f"{text} {utc.year}"


@jinja2.pass_context
def _relative_filter(context: jinja2.runtime.Context, value: str | datetime | None) -> str:
    now = context.get("now")
    return relative_time(value, now if isinstance(now, datetime) else None)


# --- sizes, speeds, progress ---------------------------------------------------------------


def format_bytes(value: float | None) -> str:
    """Decimal units a person reads: ``512 B``, ``2.3 MB``, ``14 GB``."""
    if value is None or value < 0:
        return ""
    if value < 1000:
        return f"{int(value)} B"
    amount = float(value)
    for unit in ("kB", "MB", "GB", "TB"):
        amount /= 1000
        if amount < 999.5 or unit == "TB":
            return f"{amount:.1f} {unit}" if amount < 9.95 else f"{amount:.0f} {unit}"
    return ""  # pragma: no cover - the loop always returns


def format_speed(bps: float | None) -> str:
    """``2.3 MB/s``; empty when unknown."""
    text = format_bytes(bps)
    return f"{text}/s" if text else ""


def format_eta(seconds: float | None) -> str:
    """``< 1 min``, ``4 min``, ``2 h 5 min``, ``3 d 4 h``; empty when unknown or done."""
    if seconds is None or seconds <= 0 or seconds >= _ETA_UNKNOWN:
        return ""
    if seconds < 60:
        return "< 1 min"
    if seconds < 3600:
        return f"{math.ceil(seconds / 60)} min"
    if seconds < 86_400:
        hours, rest = divmod(int(seconds), 3600)
        minutes = rest // 60
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, rest = divmod(int(seconds), 86_400)
    hours = rest // 3600
    return f"{days} d {hours} h" if hours else f"{days} d"


def format_percent(progress: float | None) -> str:
    """``67 %``, rounded down so that ``100 %`` only shows when it is really done."""
    if progress is None:
        return ""
    clamped = min(max(float(progress), 0.0), 1.0)
    return f"{math.floor(clamped * 100 + 1e-9)} %"


_PROGRESS_STATES = frozenset({S.INDEXED, S.DOWNLOADING})


def show_progress(r: Mapping[str, Any]) -> bool:
    """True while a download bar means something: from the grab until the download is done."""
    return r.get("progress") is not None and _state(r.get("state")) in _PROGRESS_STATES


def progress_line(r: Mapping[str, Any]) -> str:
    """``67 % · 2.3 MB/s · ETA 4 min``; speed and ETA only while downloading."""
    parts = [format_percent(r.get("progress"))]
    download = r.get("download")
    if _state(r.get("state")) is S.DOWNLOADING and isinstance(download, Mapping):
        parts.append(format_speed(download.get("speed_bps")))
        eta = format_eta(download.get("eta_seconds"))
        parts.append(f"ETA {eta}" if eta else "")
    return " · ".join(part for part in parts if part)


def size_line(r: Mapping[str, Any]) -> str:
    """``9.5 GB of 14 GB`` while downloading, else the size; empty when unknown."""
    download = r.get("download")
    if not isinstance(download, Mapping):
        return ""
    size = format_bytes(download.get("size_bytes"))
    done = format_bytes(download.get("downloaded_bytes"))
    if size and done and _state(r.get("state")) is S.DOWNLOADING:
        return f"{done} of {size}"
    return size


def episodes_line(r: Mapping[str, Any]) -> str:
    """``4 of 12 episodes ready``: the furthest step any episode has reached."""
    episodes = r.get("episodes")
    if not isinstance(episodes, Mapping):
        return ""
    total = episodes.get("total")
    if not total:
        return ""
    available = episodes.get("available") or 0
    imported = episodes.get("imported") or 0
    downloaded = episodes.get("downloaded") or 0
    noun = "episode" if total == 1 else "episodes"
    if available:
        return f"{available} of {total} {noun} ready"
    if imported:
        return f"{imported} of {total} {noun} added to the library"
    return f"{downloaded} of {total} {noun} downloaded"


# --- words and colours -----------------------------------------------------------------------

_BADGE_NEUTRAL = (
    "bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-200 "
    "dark:ring-slate-600"
)
_BADGES: dict[RequestState, str] = {
    S.REQUESTED: _BADGE_NEUTRAL,
    S.APPROVED: _BADGE_NEUTRAL,
    S.SEARCHING: (
        "bg-amber-50 text-amber-800 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 "
        "dark:ring-amber-700"
    ),
    S.INDEXED: (
        "bg-sky-50 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-700"
    ),
    S.DOWNLOADING: (
        "bg-blue-50 text-blue-800 ring-blue-300 dark:bg-blue-950 dark:text-blue-200 "
        "dark:ring-blue-700"
    ),
    S.DOWNLOAD_DONE: (
        "bg-indigo-50 text-indigo-800 ring-indigo-300 dark:bg-indigo-950 dark:text-indigo-200 "
        "dark:ring-indigo-700"
    ),
    S.IMPORTING: (
        "bg-indigo-50 text-indigo-800 ring-indigo-300 dark:bg-indigo-950 dark:text-indigo-200 "
        "dark:ring-indigo-700"
    ),
    S.ANIME_INDEXING: (
        "bg-violet-50 text-violet-800 ring-violet-300 dark:bg-violet-950 dark:text-violet-200 "
        "dark:ring-violet-700"
    ),
    S.AVAILABLE: (
        "bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 "
        "dark:text-emerald-200 dark:ring-emerald-700"
    ),
    S.COMPLETED: (
        "bg-teal-50 text-teal-800 ring-teal-300 dark:bg-teal-950 dark:text-teal-200 "
        "dark:ring-teal-700"
    ),
    S.FAILED: (
        "bg-red-50 text-red-800 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-700"
    ),
    S.DECLINED: (
        "bg-zinc-100 text-zinc-700 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-300 "
        "dark:ring-zinc-600"
    ),
}


def badge_class(state: str | None) -> str:
    """Tailwind classes for a state's badge (light and dark), neutral when unknown."""
    known = _state(state)
    return _BADGES[known] if known is not None else _BADGE_NEUTRAL


def state_label(state: str | None) -> str:
    """The user-facing words for a state, or the raw value when it is unknown."""
    known = _state(state)
    return LABELS[known] if known is not None else str(state or "")


def media_type_label(media_type: str | None) -> str:
    """``Movie`` or ``Series``."""
    return {"movie": "Movie", "tv": "Series"}.get(str(media_type), "")


_SOURCES = {
    "jellyseerr": "Jellyseerr",
    "sonarr": "Sonarr",
    "radarr": "Radarr",
    "qbittorrent": "qBittorrent",
    "jellyfin": "Jellyfin",
    "shoko": "Shoko",
}


def source_label(source: str | None) -> str:
    """How a service spells its own name; anything else is this tracker."""
    return _SOURCES.get(str(source or "").lower(), "Status Tracker")


def title_of(r: Mapping[str, Any]) -> str:
    """The title, or ``Request #12`` while it is unknown."""
    title = r.get("title")
    return str(title) if title else f"Request #{r.get('id')}"


_SIZE_KEYS = frozenset({"size", "size_bytes", "downloaded_bytes"})


def detail_items(details: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """A timeline entry's details as (label, text) pairs: ``release_title`` → ``Release title``."""
    if not isinstance(details, Mapping):
        return []
    items: list[tuple[str, str]] = []
    for key, value in details.items():
        if value is None or value == "" or value == [] or value == {}:
            continue
        label = str(key).replace("_", " ").strip().capitalize()
        if key in _SIZE_KEYS and isinstance(value, int | float) and not isinstance(value, bool):
            text = format_bytes(value)
        elif isinstance(value, Mapping | list):
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            text = str(value)
        items.append((label, text))
    return items


# --- URLs ------------------------------------------------------------------------------------


def http_url(url: str | None) -> str | None:
    """The URL if it is absolute http(s), else None (never ``javascript:`` in an href)."""
    if not url:
        return None
    parts = urlsplit(str(url).strip())
    return str(url).strip() if parts.scheme in ("http", "https") and parts.netloc else None


def local_path(url: str | None) -> str | None:
    """The URL if it is a path on our own origin (``/posters/12``), else None."""
    if not url:
        return None
    text = str(url).strip()
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return None
    return text


FILTER_KEYS = ("user", "state", "media_type", "q")


def _filter_pairs(filters: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    if not filters:
        return []
    return [(key, str(filters[key])) for key in FILTER_KEYS if filters.get(key)]


def page_url(path: str, filters: Mapping[str, Any] | None = None, page: int = 1) -> str:
    """``/history?user=alice&page=2``: a link that keeps the active filters."""
    pairs = _filter_pairs(filters)
    if page > 1:
        pairs.append(("page", str(page)))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def sse_url(
    filters: Mapping[str, Any] | None = None,
    request_id: int | None = None,
    after: int | str | None = None,
) -> str:
    """``/ui/sse`` with the page's filters (or ``id=``) so the server sends only what fits.

    ``after``: the live-update position the page was rendered at; the server replays
    whatever changed since, so nothing falls between rendering and connecting.
    """
    pairs = [("id", str(request_id))] if request_id is not None else _filter_pairs(filters)
    if after is not None:
        pairs.append(("after", str(after)))
    return f"/ui/sse?{urlencode(pairs)}" if pairs else "/ui/sse"


def has_filters(filters: Mapping[str, Any] | None) -> bool:
    """True when any filter is set."""
    return bool(_filter_pairs(filters))


def state_options(scope: str = "active") -> list[tuple[str, str]]:
    """(value, label) choices for the state filter on the dashboard or the history page."""
    if scope == "history":
        states: Iterable[RequestState] = (S.COMPLETED, S.DECLINED, S.FAILED)
    else:
        states = (*PIPELINE[: RANK[S.COMPLETED]], S.FAILED)
    return [(state.value, LABELS[state]) for state in states]


def hook_url(base_url: str | None, source: str) -> str:
    """``http://tracker:8000/hooks/sonarr``."""
    return f"{_base(base_url)}/hooks/{source}"


def qbittorrent_command(base_url: str | None, secret_required: bool = False) -> str:
    """qBittorrent's "Run on torrent finished" line, safe to paste as is (no shell quoting)."""
    target = hook_url(base_url, "qbittorrent") + ("?token=SECRET" if secret_required else "")
    fields = ("hash=%I", "name=%N", "path=%F", "save_path=%D", "category=%L", "size=%Z")
    data = " ".join(f'--data-urlencode "{field}"' for field in fields)
    return f'curl -fsS -m 5 {data} "{target}"'


def _base(base_url: str | None) -> str:
    return (base_url or "http://HOST:8000").rstrip("/")


# --- the step list -------------------------------------------------------------------------

_WORKING = frozenset({S.SEARCHING, S.DOWNLOADING, S.IMPORTING, S.ANIME_INDEXING})
"""Steps that take a while; a failure during one is shown on that step itself."""
_FINISHED = frozenset({S.AVAILABLE, S.COMPLETED})


def _state(value: object) -> RequestState | None:
    try:
        return RequestState(str(value))
    except ValueError:
        return None


def build_steps(r: Mapping[str, Any], timeline: Sequence[Mapping[str, Any]]) -> list[Step]:
    """The request's way through the pipeline, one ``Step`` per stage a user cares about.

    Stages before the current one are ``done`` (also when their webhook was lost), the
    current one is ``current`` (``done`` once the media is ready), later ones ``todo``.
    Matching shows only for anime. A failed request marks the stage it failed at as
    ``failed`` with the reason; a declined one ends with a ``failed`` Declined step.
    """
    entries: dict[RequestState, list[Mapping[str, Any]]] = {}
    for entry in timeline:
        known = _state(entry.get("state"))
        if known is not None:
            entries.setdefault(known, []).append(entry)
    state = _state(r.get("state")) or S.REQUESTED
    anime = bool(r.get("is_anime")) or S.ANIME_INDEXING in entries
    shown: list[RequestState] = [
        s for s in PIPELINE if s is not S.COMPLETED and (s is not S.ANIME_INDEXING or anime)
    ]
    if state is S.COMPLETED:
        shown.append(S.COMPLETED)

    if state in (S.FAILED, S.DECLINED):
        reached = max((s for s in entries if s in RANK), key=RANK.__getitem__, default=S.REQUESTED)
        ending = entries.get(state, [])
        reason = r.get("error") or (ending[-1].get("message") if ending else None)
        when = ending[-1].get("timestamp") if ending else None
        if state is S.DECLINED:
            reached_steps = [_done(s, entries) for s in shown if RANK[s] <= RANK[reached]]
            return [*reached_steps, _step(S.DECLINED, "failed", when, reason)]
        failed_at = reached if reached in _WORKING else _next(shown, reached)
        return [
            _done(s, entries)
            if RANK[s] < RANK[failed_at]
            else _step(s, "failed", when, reason)
            if s is failed_at
            else _step(s, "todo", None, None)
            for s in shown
        ]

    steps: list[Step] = []
    for s in shown:
        if RANK[s] < RANK[state]:
            steps.append(_done(s, entries))
        elif s is state:
            latest = entries.get(s, [])[-1:] or [{}]
            message = latest[0].get("message")
            if s is S.DOWNLOADING and show_progress(r):
                message = progress_line(r)
            status: StepStatus = "done" if s in _FINISHED else "current"
            steps.append(_step(s, status, latest[0].get("timestamp"), message))
        else:
            steps.append(_step(s, "todo", None, None))
    return steps


def _next(shown: Sequence[RequestState], reached: RequestState) -> RequestState:
    later = [s for s in shown if RANK[s] > RANK[reached]]
    return later[0] if later else reached


def _done(state: RequestState, entries: Mapping[RequestState, list[Mapping[str, Any]]]) -> Step:
    found = entries.get(state, [])
    timestamp = found[0].get("timestamp") if found else None
    return _step(state, "done", timestamp, found[-1].get("message") if found else None)


def _step(state: RequestState, status: StepStatus, timestamp: Any, message: Any) -> Step:
    label = LABELS[state]
    text = str(message).strip() if message else ""
    return Step(
        state=state.value,
        label=label,
        status=status,
        timestamp=str(timestamp) if timestamp else None,
        message=text if text and text.casefold() != label.casefold() else None,
    )


# --- Jinja wiring --------------------------------------------------------------------------


def register(env: jinja2.Environment) -> jinja2.Environment:
    """Add this module's filters and globals to ``env`` (call once where the app builds it)."""
    env.filters.update(
        reltime=_relative_filter,
        exact_time=exact_time,
        short_time=short_time,
        iso_time=iso_time,
        bytes=format_bytes,
        speed=format_speed,
        eta=format_eta,
        percent=format_percent,
        badge_class=badge_class,
        state_label=state_label,
        media_type_label=media_type_label,
        source_label=source_label,
        detail_items=detail_items,
        http_url=http_url,
        local_path=local_path,
    )
    env.globals.update(
        progress_line=progress_line,
        size_line=size_line,
        episodes_line=episodes_line,
        show_progress=show_progress,
        title_of=title_of,
        page_url=page_url,
        sse_url=sse_url,
        has_filters=has_filters,
        state_options=state_options,
        hook_url=hook_url,
        qbittorrent_command=qbittorrent_command,
    )
    return env


def environment(undefined: type[jinja2.Undefined] = jinja2.Undefined) -> jinja2.Environment:
    """A Jinja environment over our templates with autoescaping and these helpers registered.

    For FastAPI: ``Jinja2Templates(env=presenters.environment())``.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=undefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return register(env)
