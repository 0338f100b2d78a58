"""A real qbittorrent-nox on loopback for tests and the bench, plus recorded fixtures.

``QbtDaemon.start`` writes a pre-seeded profile (known PBKDF2 password, legal notice
accepted, DHT/PeX/LSD/UPnP/GeoIP off, WebUI and BitTorrent bound to 127.0.0.1, IP ban
off, queueing off, fast stats refresh) and starts ``qbittorrent-nox --profile=…`` as
a child process, waiting until the WebUI answers. ``stop`` sends SIGTERM and falls
back to SIGKILL; every wait is bounded. ``LabAdmin`` is the setup side (add torrents,
connect peers, throttle) spoken over httpx, separate from the client under test.
``make_torrent`` builds a trackerless v1 .torrent with the standard library.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

USERNAME = "admin"
PASSWORD = "lab-secret-123"
FIXTURES = Path(__file__).parent / "fixtures"
CONTRACT_HOOK = (
    'curl -fsS -m 5 --data-urlencode "hash=%I" --data-urlencode "name=%N" '
    '--data-urlencode "path=%F" --data-urlencode "save_path=%D" '
    '--data-urlencode "category=%L" --data-urlencode "size=%Z" '
    '"http://HOST:8000/hooks/qbittorrent?token=SECRET"'
)
"""The run-on-completion line of CONTRACT §3.3, character for character."""
START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0


def load_fixture(name: str) -> Any:
    """A recorded JSON payload from ``fixtures/``."""
    return json.loads((FIXTURES / name).read_text())


def qbittorrent_nox() -> str:
    """Path of the qbittorrent-nox binary (Debian package ``qbittorrent-nox``)."""
    path = shutil.which("qbittorrent-nox")
    if path is None:
        raise RuntimeError("qbittorrent-nox is not installed: apt-get install -y qbittorrent-nox")
    return path


def free_ports(count: int) -> list[int]:
    """``count`` distinct free TCP ports on 127.0.0.1."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def pbkdf2_value(password: str) -> str:
    """The ``WebUI\\Password_PBKDF2`` value qBittorrent 4.2+ reads."""
    salt = os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 100_000, dklen=64)
    return f"{base64.b64encode(salt).decode()}:{base64.b64encode(key).decode()}"


def ini_quote(value: str) -> str:
    """A QSettings string value: double-quoted, inner quotes and backslashes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(
    profile: Path,
    *,
    web_port: int,
    bt_port: int,
    save_path: Path,
    username: str,
    password: str,
    local_auth: bool,
    finished_program: str | None,
    refresh_ms: int,
) -> None:
    """Write ``<profile>/qBittorrent/config/qBittorrent.conf`` before the first start."""
    config = profile / "qBittorrent" / "config"
    config.mkdir(parents=True, exist_ok=True)
    autorun = (
        f"enabled=true\nprogram={ini_quote(finished_program)}\n"
        if finished_program
        else "enabled=false\n"
    )
    text = f"""[LegalNotice]
Accepted=true

[Meta]
MigrationVersion=4

[AutoRun]
{autorun}
[BitTorrent]
Session\\DefaultSavePath={save_path}
Session\\TempPathEnabled=false
Session\\Port={bt_port}
Session\\InterfaceAddress=127.0.0.1
Session\\DHTEnabled=false
Session\\PeXEnabled=false
Session\\LSDEnabled=false
Session\\AddTrackersEnabled=false
Session\\QueueingSystemEnabled=false
Session\\BTProtocol=TCP
Session\\MultiConnectionsPerIp=true
Session\\IgnoreLimitsOnLAN=false
Session\\AddExtensionToIncompleteFiles=false
Session\\DisableAutoTMMByDefault=true
Session\\GlobalDLSpeedLimit=0
Session\\GlobalUPSpeedLimit=0
Session\\RefreshInterval={refresh_ms}

[Network]
PortForwardingEnabled=false

[Preferences]
General\\Locale=en
Connection\\ResolvePeerCountries=false
WebUI\\Address=127.0.0.1
WebUI\\Port={web_port}
WebUI\\UseUPnP=false
WebUI\\Username={username}
WebUI\\Password_PBKDF2="@ByteArray({pbkdf2_value(password)})"
WebUI\\LocalHostAuth={"true" if local_auth else "false"}
WebUI\\MaxAuthenticationFailCount=0
"""
    (config / "qBittorrent.conf").write_text(text)


@dataclass
class QbtDaemon:
    """One qbittorrent-nox child process with its own profile and ports."""

    root: Path
    web_port: int
    bt_port: int
    username: str = USERNAME
    password: str = PASSWORD
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def profile(self) -> Path:
        return self.root / "profile"

    @property
    def save_path(self) -> Path:
        return self.root / "data"

    @property
    def log_text(self) -> str:
        path = self.root / "stdout.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @classmethod
    def start(
        cls,
        root: Path,
        *,
        local_auth: bool = True,
        finished_program: str | None = None,
        refresh_ms: int = 500,
        username: str = USERNAME,
        password: str = PASSWORD,
    ) -> QbtDaemon:
        """Write a fresh profile under ``root`` and start the daemon on free ports."""
        web_port, bt_port = free_ports(2)
        daemon = cls(root, web_port, bt_port, username, password)
        daemon.save_path.mkdir(parents=True, exist_ok=True)
        write_config(
            daemon.profile,
            web_port=web_port,
            bt_port=bt_port,
            save_path=daemon.save_path,
            username=username,
            password=password,
            local_auth=local_auth,
            finished_program=finished_program,
            refresh_ms=refresh_ms,
        )
        daemon.launch()
        return daemon

    def launch(self) -> None:
        """Start the process on the existing profile and wait until the WebUI answers."""
        with (self.root / "stdout.log").open("ab") as log:
            self.process = subprocess.Popen(
                [qbittorrent_nox(), f"--profile={self.profile}"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"qbittorrent-nox exited early:\n{self.log_text}")
            if self._answers():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"qbittorrent-nox WebUI did not answer:\n{self.log_text}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/app/webapiVersion", timeout=1):
                return True
        except urllib.error.HTTPError:
            return True  # 403: up, login required
        except OSError:
            return False

    def stop(self) -> None:
        """SIGTERM, wait (bounded), SIGKILL as a fallback. Safe to call twice."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT_S)

    def restart(self) -> None:
        """Stop and start again on the same profile and ports (sessions are lost)."""
        self.stop()
        self.launch()


def bencode(value: Any) -> bytes:
    """Bencode ints, str/bytes, lists and dicts (keys sorted)."""
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(item) for item in value) + b"e"
    if isinstance(value, dict):
        items = sorted((k.encode() if isinstance(k, str) else k, v) for k, v in value.items())
        return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"
    raise TypeError(type(value))


def make_torrent(src: Path, piece_length: int = 1 << 18) -> tuple[bytes, str]:
    """A trackerless single-file v1 torrent of ``src``: (torrent bytes, lower-case info-hash)."""
    pieces = bytearray()
    with src.open("rb") as f:
        while chunk := f.read(piece_length):
            pieces += hashlib.sha1(chunk).digest()
    info = {
        "name": src.name,
        "length": src.stat().st_size,
        "piece length": piece_length,
        "pieces": bytes(pieces),
    }
    return bencode({"info": info, "creation date": 0}), hashlib.sha1(bencode(info)).hexdigest()


def make_payload(path: Path, size: int) -> Path:
    """Write ``size`` random bytes to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size))
    return path


class LabAdmin:
    """Setup calls against a lab daemon (not the client under test)."""

    def __init__(self, daemon: QbtDaemon) -> None:
        self.daemon = daemon
        self.http = httpx.AsyncClient(base_url=daemon.url, timeout=10)

    async def __aenter__(self) -> LabAdmin:
        await self.login()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def login(self) -> None:
        form = {"username": self.daemon.username, "password": self.daemon.password}
        response = await self.http.post("/api/v2/auth/login", data=form)
        assert response.text == "Ok.", response.text

    async def post(self, path: str, data: dict[str, str], **kwargs: Any) -> str:
        response = await self.http.post(f"/api/v2/{path}", data=data, **kwargs)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.text

    async def add_torrent(
        self,
        torrent: bytes,
        save_path: Path,
        *,
        paused: bool = False,
        skip_checking: bool = False,
        category: str = "",
    ) -> None:
        form = {
            "savepath": str(save_path),
            "category": category,
            "paused": str(paused).lower(),
            "stopped": str(paused).lower(),
            "skip_checking": str(skip_checking).lower(),
        }
        files = {"torrents": ("t.torrent", torrent, "application/x-bittorrent")}
        assert await self.post("torrents/add", form, files=files) == "Ok."

    async def info(self, info_hash: str) -> dict[str, Any] | None:
        response = await self.http.get("/api/v2/torrents/info", params={"hashes": info_hash})
        items: list[dict[str, Any]] = response.json()
        return items[0] if items else None

    async def add_peer(self, info_hash: str, peer: str) -> None:
        await self.post("torrents/addPeers", {"hashes": info_hash, "peers": peer})

    async def set_download_limit(self, bytes_per_second: int) -> None:
        await self.post("transfer/setDownloadLimit", {"limit": str(bytes_per_second)})

    async def set_preferences(self, preferences: dict[str, Any]) -> None:
        await self.post("app/setPreferences", {"json": json.dumps(preferences)})

    async def delete(self, info_hash: str) -> None:
        await self.post("torrents/delete", {"hashes": info_hash, "deleteFiles": "true"})


CONNECT_TIMEOUT_S = 30.0


async def connect_peers(leech: LabAdmin, seed: LabAdmin, info_hash: str) -> None:
    """Point the leecher at the seeder (and back) until a seed shows up; bounded.

    A peer added while the torrent is still paused or restoring is dropped, so this
    waits for an active state first, then re-issues ``addPeers`` every 4 s.
    """
    to_seed = f"127.0.0.1:{seed.daemon.bt_port}"
    to_leech = f"127.0.0.1:{leech.daemon.bt_port}"
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    last_add = 0.0
    while time.monotonic() < deadline:
        info = await leech.info(info_hash)
        if info and info["num_seeds"] > 0:
            return
        inactive = ("pausedDL", "stoppedDL", "checkingResumeData")
        if info and info["state"] not in inactive and time.monotonic() - last_add > 4:
            if last_add:
                await seed.add_peer(info_hash, to_leech)
            await leech.add_peer(info_hash, to_seed)
            last_add = time.monotonic()
        await asyncio.sleep(0.2)
    raise TimeoutError("the leecher never connected to the seeder")
