"""The ``status-tracker`` command: clear config errors, clean shutdown on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support import free_port


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "status_tracker", *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TRACKER_QBITTORRENT_POLL_SECONDS", "often"),
        ("TRACKER_SONARR_URL", "not a url"),
        ("TRACKER_LOG_FORMAT", "xml"),
        ("TRACKER_PATH_MAPPINGS", "/anime"),
        ("TRACKER_DATABASE_URL", "mysql://x"),
    ],
)
def test_bad_config_fails_with_one_line_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run_cli("serve", "--port", str(free_port()), env={variable: value}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_serve_starts_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path}/t.db"}
    process = subprocess.Popen(
        [sys.executable, "-m", "status_tracker", "serve", "--host", "127.0.0.1", "--port",
         str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not come up"
                assert process.poll() is None, process.stdout and process.stdout.read()
                time.sleep(0.1)
        assert response.json()["status"] == "ok"
        with httpx.stream("GET", f"http://127.0.0.1:{port}/api/sse", timeout=5) as stream:
            assert stream.status_code == 200
            process.send_signal(signal.SIGTERM)
            returncode = process.wait(timeout=5)
        output = process.stdout.read() if process.stdout else ""
    finally:
        if process.poll() is None:
            process.kill()
        if process.stdout:
            process.stdout.close()
    # uvicorn finishes shutting down, then re-raises SIGTERM as its exit status
    assert returncode in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in output
    assert (tmp_path / "t.db").exists()
