"""Shared fixtures: a real server on a loopback port over a real SQLite file.

``running`` starts uvicorn in a thread with a fresh database in ``tmp_path`` and
yields a ``Running`` handle (base URL, the tracker, the settings). Tests talk to
it over real HTTP, exactly as Sonarr or a browser would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from status_tracker.config import Settings, load_settings
from tests.support import Running, start_server


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings over a fresh SQLite file in ``tmp_path``; keyword arguments override."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": f"sqlite:///{tmp_path}/tracker.db",
            "data_dir": str(tmp_path),
            "_env_file": None,
        }
        values.update(overrides)
        return load_settings(**values)

    return make


@pytest.fixture
def start(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., Running]]:
    """Start servers (stopped at the end of the test)."""
    started: list[Running] = []

    def run(settings: Settings | None = None, **app_kwargs: Any) -> Running:
        running = start_server(settings or make_settings(), **app_kwargs)
        started.append(running)
        return running

    yield run
    for running in started:
        running.stop()


@pytest.fixture
def running(start: Callable[..., Running]) -> Running:
    """One server with default settings and no secret."""
    return start()
