"""qBittorrent progress poller: one ``sync/maindata`` call per tick while something downloads.

A ``PollSource`` for ``runtime.poller.run_poller``. Which downloads it watches is
read from the active requests on every tick: a download is *live* while it is not
done, its id is an info-hash, and its request (or one of the episodes it carries)
is ``indexed`` or ``downloading``. The poller is ``wanted`` while a live download is
either seen in qBittorrent or grabbed and not seen yet; a grab that never shows up
(another download client) stops counting after ``unseen_grace`` seconds. A
committed change to a request with a download the poller has not looked for yet
(a Grab) wakes it at once.

Each tick makes exactly one ``maindata()`` call (incremental ``rid``) and, per live
download found in it (by torrent ID, v1 or v2 hash), submits one batch to the
writer, and only when the sample differs from the last one submitted:

- ``Progressed`` under the download id the request knows (so a hybrid torrent
  grabbed by its v1 hash stays one download), status and problem from
  ``translate.progress_event``;
- with it, once per download, ``DownloadFinished`` when the sample says ``done``;
- ``NeedsAttention`` once when a torrent the poller saw disappears before it was
  done (deleted in qBittorrent before the import).

Errors are the client's (``Unreachable``, ``AuthFailed``, ``BadPayload``);
``run_poller`` turns them into health, backoff and one log line per change.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from status_tracker.config import Settings
from status_tracker.core.events import DownloadFinished, Event, NeedsAttention, Progressed
from status_tracker.core.model import Request
from status_tracker.core.states import RequestState
from status_tracker.integrations.base import Host
from status_tracker.integrations.qbittorrent.client import QbittorrentClient
from status_tracker.integrations.qbittorrent.payloads import TorrentSnapshot, usable_hash
from status_tracker.integrations.qbittorrent.translate import (
    DONE,
    SOURCE,
    download_keys,
    progress_event,
)

log = logging.getLogger(__name__)

REMOVED = "Removed from qBittorrent before it was imported"
UNSEEN_GRACE_S = 300.0
"""How long a grabbed download may be missing from qBittorrent before it stops keeping
the poller busy (it was probably sent to another download client)."""

LIVE_STEPS: frozenset[RequestState] = frozenset({RequestState.INDEXED, RequestState.DOWNLOADING})


@dataclass(frozen=True, slots=True)
class Live:
    """A download the poller watches: its request and the id that request knows it by."""

    request_id: int
    download_id: str


def live_downloads(requests: Iterable[Request]) -> dict[str, Live]:
    """Live downloads by lower-case hash: not done, an info-hash, request or episode in flight."""
    live: dict[str, Live] = {}
    for request in requests:
        if request.id is None:
            continue
        for download_id, download in request.downloads.items():
            hashed = usable_hash(download_id)
            if hashed is None or download.done:
                continue
            episodes_in_flight = any(
                request.episodes.get(episode) in LIVE_STEPS for episode in download.episodes
            )
            if request.state in LIVE_STEPS or episodes_in_flight:
                live[hashed] = Live(request.id, download_id)
    return live


class QbittorrentPoller:
    """Progress samples for active requests' torrents, from one merged ``sync/maindata``."""

    name = SOURCE

    def __init__(
        self,
        client: QbittorrentClient,
        interval: float = 2.0,
        *,
        unseen_grace: float = UNSEEN_GRACE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.interval = interval
        self.unseen_grace = unseen_grace
        self._clock = clock
        self._live: dict[str, Live] = {}
        self._seen: set[str] = set()
        self._missing_since: dict[str, float] = {}
        self._given_up: set[str] = set()
        self._last: dict[str, Progressed] = {}
        self._finished: set[str] = set()
        self._index: dict[str, str] = {}
        self.polls = 0
        """``maindata`` calls made (one per tick)."""
        self.submitted = 0
        """Event batches handed to the writer (a batch only when something changed)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> QbittorrentPoller:
        """A poller for the configured WebUI (``TRACKER_QBITTORRENT_*``)."""
        url = settings.url("qbittorrent")
        if url is None:
            raise ValueError("TRACKER_QBITTORRENT_URL is not set")
        client = QbittorrentClient(
            url, settings.qbittorrent_username, settings.qbittorrent_password
        )
        return cls(client, settings.qbittorrent_poll_seconds)

    async def __aenter__(self) -> QbittorrentPoller:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.client.close()

    # --- PollSource --------------------------------------------------------------------

    async def wanted(self, host: Host) -> bool:
        """True while a live download is seen in qBittorrent or grabbed and not seen yet."""
        self._live = live_downloads(await host.active_requests())
        self._forget_stale()
        return any(h in self._seen or h not in self._given_up for h in self._live)

    def wakes_on(self, request: Request) -> bool:
        """A change to a request with a download this poller has not looked for yet (a Grab).

        Downloads already seen, or already looked for and missing, do not wake it, so
        the poller's own samples never trigger extra polls.
        """
        for download_id, download in request.downloads.items():
            hashed = usable_hash(download_id)
            if (
                hashed is not None
                and not download.done
                and hashed not in self._seen
                and hashed not in self._missing_since
            ):
                return True
        return False

    async def poll(self, host: Host) -> None:
        """One ``maindata`` call; submit what changed for live downloads."""
        data = await self.client.maindata()
        self.polls += 1
        if data.full_update or data.changed or data.removed or not self._index:
            self._index = hash_index(data.torrents)
        now = self._clock()
        for hashed, live in self._live.items():
            torrent_id = self._index.get(hashed)
            torrent = data.torrents.get(torrent_id) if torrent_id else None
            if torrent is None:
                batch = self._missing(hashed, live, now)
            else:
                batch = self._present(hashed, live, torrent)
            if batch:
                self.submitted += 1
                await host.submit(batch)

    # --- per download ------------------------------------------------------------------

    def _present(self, hashed: str, live: Live, torrent: TorrentSnapshot) -> list[Event]:
        if hashed not in self._seen:
            self._seen.add(hashed)
            self._missing_since.pop(hashed, None)
            if hashed in self._given_up:
                self._given_up.discard(hashed)
                log.info(
                    "qbittorrent: download %s of request %d showed up", hashed, live.request_id
                )
        sample = dataclasses.replace(progress_event(torrent), download_id=live.download_id)
        batch: list[Event] = []
        if self._last.get(hashed) != sample:
            self._last[hashed] = sample
            batch.append(sample)
        if sample.status == DONE and hashed not in self._finished:
            self._finished.add(hashed)
            batch.append(
                DownloadFinished(source=SOURCE, keys=sample.keys, download_id=live.download_id)
            )
        return batch

    def _missing(self, hashed: str, live: Live, now: float) -> list[Event]:
        if hashed in self._finished:
            return []  # removed after it finished (Sonarr/Radarr clean up after importing)
        if hashed in self._seen:
            self._seen.discard(hashed)
            self._last.pop(hashed, None)
            self._missing_since[hashed] = now
            log.info(
                "qbittorrent: torrent %s of request %d was removed before it finished",
                hashed,
                live.request_id,
            )
            details = (("download_id", live.download_id),)
            keys = download_keys((live.download_id, hashed))
            return [NeedsAttention(source=SOURCE, keys=keys, message=REMOVED, details=details)]
        since = self._missing_since.setdefault(hashed, now)
        if hashed not in self._given_up and now - since >= self.unseen_grace:
            self._given_up.add(hashed)
            log.info(
                "qbittorrent: download %s of request %d is not in qBittorrent after %.0f s "
                "(another download client?); not polling for it",
                hashed,
                live.request_id,
                now - since,
            )
        return []

    def _forget_stale(self) -> None:
        """Drop memory of downloads that are no longer live (done, imported, gone)."""
        for memory in (self._seen, self._given_up, self._finished):
            memory.intersection_update(self._live)
        for mapping in (self._missing_since, self._last):
            for hashed in [h for h in mapping if h not in self._live]:
                del mapping[hashed]


def hash_index(torrents: Mapping[str, TorrentSnapshot]) -> dict[str, str]:
    """Every hash spelling (torrent ID, v1, full v2) → torrent ID."""
    index: dict[str, str] = {}
    for torrent_id, torrent in torrents.items():
        for hashed in torrent.info_hashes:
            index.setdefault(hashed, torrent_id)
        index[torrent_id] = torrent_id
    return index
