"""Id normalisation: every service spells the same id its own way.

Info-hashes arrive upper-case from Sonarr/Radarr and lower-case from qBittorrent;
Jellyfin GUIDs arrive dashed and undashed; paths differ by mount point. These
functions give one canonical spelling so correlation keys compare equal.
"""

from __future__ import annotations

import re

_HEX = re.compile(r"[0-9a-f]+")
_INT = re.compile(r"-?[0-9]+")


def to_int(value: object) -> int | None:
    """A lenient integer: ``603``, ``"603"``, ``" 603 "`` → 603; ``""``/``None``/junk → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if _INT.fullmatch(text):
            return int(text)
    return None


def to_text(value: object) -> str | None:
    """A string with surrounding space removed, or None when empty or missing."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def info_hash(value: str) -> str:
    """Canonical info-hash: lower-case hex without spaces."""
    return value.strip().lower()


def guid(value: str) -> str:
    """Canonical GUID: lower-case, without dashes or braces."""
    return value.strip().strip("{}").replace("-", "").lower()


def is_hex(value: str) -> bool:
    """True when ``value`` is non-empty lower-case hex."""
    return bool(_HEX.fullmatch(value))


PathMappings = tuple[tuple[str, str], ...]


def parse_path_mappings(text: str) -> PathMappings:
    """Parse ``from=to;from=to`` into pairs (longest ``from`` first).

    Raises ValueError naming the bad part.
    """
    pairs: list[tuple[str, str]] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        source, sep, target = part.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ValueError(f"expected 'from=to', got {part.strip()!r}")
        pairs.append((_clean(source), _clean(target)))
    return tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))


def _clean(path: str) -> str:
    text = path.strip().replace("\\", "/")
    text = re.sub(r"/{2,}", "/", text)
    return text.rstrip("/") or "/"


def canonical_path(path: str, mappings: PathMappings = ()) -> str:
    """One spelling for a path: forward slashes, no doubled or trailing slash, mapped.

    A mapping applies only at a folder boundary: ``/anime`` maps ``/anime/x`` but
    not ``/animes/x``.
    """
    text = _clean(path)
    for source, target in mappings:
        if text == source or text.startswith(source.rstrip("/") + "/"):
            rest = text[len(source) :].lstrip("/")
            return f"{target.rstrip('/')}/{rest}" if rest else target
    return text


def path_tail(path: str, parts: int = 3) -> str:
    """The last ``parts`` components of a canonical path (series/season/file)."""
    pieces = [piece for piece in path.split("/") if piece]
    return "/".join(pieces[-parts:])
