"""Fixtures for the qBittorrent tests: recorded payloads and real qbittorrent-nox daemons."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .lab import QbtDaemon


@pytest.fixture
def start_qbt(tmp_path: Path) -> Iterator[Callable[..., QbtDaemon]]:
    """Start real daemons (``start_qbt("name", local_auth=…, finished_program=…)``).

    Each gets its own profile under ``tmp_path`` and free 127.0.0.1 ports; all are
    stopped (SIGTERM, bounded wait, SIGKILL) when the test ends.
    """
    daemons: list[QbtDaemon] = []

    def start(name: str = "qbt", **options: Any) -> QbtDaemon:
        daemon = QbtDaemon.start(tmp_path / name, **options)
        daemons.append(daemon)
        return daemon

    yield start
    for daemon in daemons:
        daemon.stop()
