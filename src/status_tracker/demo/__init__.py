"""``status-tracker demo``: the real server plus a simulator that plays realistic pipelines.

The simulator POSTs the same webhook bodies the real services send to the
server's own ``/hooks/*`` endpoints over HTTP, so every delivery goes through
authentication, the inbox, the writer and the bus exactly as in production.
``STORIES`` is the explicit list of what it plays.
"""

from __future__ import annotations

from fastapi import FastAPI

from status_tracker.config import Settings
from status_tracker.demo import anime, arr, qbittorrent, stories, story_download
from status_tracker.demo.simulator import Simulator, Story
from status_tracker.web.app import create_app

STORIES: tuple[Story, ...] = (
    stories.movie,
    stories.series,
    stories.declined,
    stories.failed,
    anime.anime,
    story_download.movie_download,
    arr.season_pack,
    arr.radarr_film,
)


def demo_app(settings: Settings, host: str, port: int) -> FastAPI:
    """The production app with the simulator running beside it."""
    target = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    simulator = Simulator(f"http://{target}:{port}", settings.webhook_secret, STORIES)
    settings, upstreams = qbittorrent.simulate_unless_configured(settings)
    return create_app(settings, extra_tasks=(simulator.run, *upstreams))
