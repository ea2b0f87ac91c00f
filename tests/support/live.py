"""A real server process on 127.0.0.1 for websocket, restart and client tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.databases import copy_sqlite

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`python -m server` in a subprocess; can be killed and restarted on the same data."""

    def __init__(self, data_dir: Path, database_url: str | None = None, *,
                 port: int | None = None, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.port = port or free_port()
        self.extra_env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "server.log"

    @property
    def url(self) -> str:
        """Base HTTP URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        """Base websocket URL."""
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> LiveServer:
        """Start the process and wait until /readyz answers."""
        env = {**os.environ, "TONGBAN_HEARTBEAT_SECONDS": "2", **self.extra_env}
        cmd = [sys.executable, "-m", "server", "--demo", "--host", "127.0.0.1",
               "--port", str(self.port), "--data-dir", str(self.data_dir)]
        if self.database_url:
            cmd += ["--database-url", self.database_url]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child process
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL the process (crash), then reap it."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        """Terminate gracefully (falls back to kill)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self, *, kill: bool = True) -> None:
        """Kill (or stop) and start again on the same data and port."""
        self.kill() if kill else self.stop()
        self.start()


@contextmanager
def demo_server(data_dir: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    """A started LiveServer on a copy of the demo SQLite template in `data_dir`; stopped after."""
    copy_sqlite(sqlite_template, data_dir)
    server = LiveServer(data_dir).start()
    try:
        yield server
    finally:
        server.stop()
