"""The ``status-tracker`` command: ``serve`` and ``demo``.

Configuration errors end the program with one line naming the variable.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

import uvicorn

from status_tracker import __version__
from status_tracker.config import ConfigError, load_settings
from status_tracker.logs import configure


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="status-tracker", description=__doc__)
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=8000)
    demo = commands.add_parser("demo", help="run the server with simulated services")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and ``python -m status_tracker``."""
    args = _parser().parse_args(argv)
    overrides: dict[str, object] = {}
    if args.command == "demo" and "TRACKER_DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="status-tracker-demo-")
        overrides = {"database_url": f"sqlite:///{folder}/demo.db", "data_dir": folder}
    try:
        settings = load_settings(**overrides)
    except ConfigError as exc:
        sys.stderr.write(f"status-tracker: configuration error: {exc}\n")
        return 2
    configure(settings.log_level, settings.log_format)
    from status_tracker.web.app import create_app

    if args.command == "demo":
        from status_tracker.demo import demo_app

        app = demo_app(settings, args.host, args.port)
    else:
        app = create_app(settings)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        timeout_graceful_shutdown=3,
        access_log=False,
    )
    return 0
