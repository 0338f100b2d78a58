"""Settings from ``TRACKER_*`` environment variables and an optional ``.env`` file.

An integration whose URL is unset is disabled. ``load_settings`` turns any
validation error into ``ConfigError`` whose message names the variable, so the
CLI can print one clear line instead of a traceback.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AnyHttpUrl, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from status_tracker.core.ids import PathMappings, parse_path_mappings


class ConfigError(Exception):
    """Invalid configuration; the message names the variable."""


class Settings(BaseSettings):
    """Every setting, flat, as in the README's table."""

    model_config = SettingsConfigDict(
        env_prefix="TRACKER_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = "sqlite:///./data/status-tracker.db"
    webhook_secret: str | None = None
    public_url: AnyHttpUrl | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    data_dir: str = "./data"

    jellyseerr_url: AnyHttpUrl | None = None
    jellyseerr_api_key: str | None = None
    sonarr_url: AnyHttpUrl | None = None
    sonarr_api_key: str | None = None
    radarr_url: AnyHttpUrl | None = None
    radarr_api_key: str | None = None
    qbittorrent_url: AnyHttpUrl | None = None
    qbittorrent_username: str | None = None
    qbittorrent_password: str | None = None
    qbittorrent_poll_seconds: float = Field(default=2.0, gt=0, le=3600)
    shoko_url: AnyHttpUrl | None = None
    shoko_api_key: str | None = None
    jellyfin_url: AnyHttpUrl | None = None
    jellyfin_api_key: str | None = None
    jellyfin_public_url: AnyHttpUrl | None = None
    path_mappings: str | None = None

    history_after_days: float = Field(default=7.0, ge=0)
    """A failed request nobody touched for this long moves to history."""
    reconcile_minutes: float = Field(default=5.0, gt=0)
    stall_searching_hours: float = Field(default=24.0, gt=0)
    """Searching (or found, not yet downloading) this long with nothing new: stalled."""
    stall_downloading_hours: float = Field(default=6.0, gt=0)
    """Downloading this long without any progress: stalled."""
    stall_importing_hours: float = Field(default=1.0, gt=0)
    """Downloaded, importing or matching this long without reaching the library: stalled."""

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("path_mappings")
    @classmethod
    def _mappings(cls, value: str | None) -> str | None:
        if value:
            parse_path_mappings(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgres://", "postgresql+")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @property
    def mappings(self) -> PathMappings:
        """Parsed ``TRACKER_PATH_MAPPINGS``."""
        return parse_path_mappings(self.path_mappings) if self.path_mappings else ()

    def url(self, name: str) -> str | None:
        """The configured base URL of integration ``name`` (no trailing slash), or None."""
        value = getattr(self, f"{name}_url", None)
        return str(value).rstrip("/") if value else None

    @property
    def watch_base(self) -> str | None:
        """Base of "Watch now" links: the public Jellyfin URL, else the Jellyfin URL."""
        return self.url("jellyfin_public") or self.url("jellyfin")


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise ``ConfigError`` naming the first bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"TRACKER_{field.upper()}: {message}") from None
