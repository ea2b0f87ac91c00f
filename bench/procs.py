"""Server processes and throw-away databases for a bench run (loopback only)."""

from __future__ import annotations

import logging
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG_URL = os.environ.get(
    "TONGBAN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raise_fd_limit() -> int:
    """Lift the soft open-files limit to the hard one (thousands of websockets)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def rss_mb(pid: int) -> float:
    """Resident set size of a process in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def thread_cpu_ns(pid: int) -> dict[int, int]:
    """Per thread id, nanoseconds on CPU so far (/proc/<pid>/task/*/schedstat).

    /proc/<pid>/stat counts whole clock ticks (10 ms), too coarse for a phase of a few
    dozen 2 ms requests; schedstat is exact, per thread.
    """
    out: dict[int, int] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out[int(task.name)] = int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):  # the thread just ended
            continue
    return out


def cpu_ns_between(before: dict[int, int], after: dict[int, int]) -> int:
    """CPU ns spent between two `thread_cpu_ns` samples (threads that ended in between are
    lost; threads started in between count in full)."""
    return sum(ns - before.get(tid, 0) for tid, ns in after.items())


class BenchDatabase:
    """SQLite file in the run directory, or a fresh database on a PostgreSQL server."""

    def __init__(self, run_dir: Path, admin_url: str | None) -> None:
        self.run_dir = run_dir
        self.admin_url = admin_url
        self.name: str | None = None
        if admin_url:
            self.name = f"tbbench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))
            engine.dispose()
            self.url = make_url(admin_url).set(database=self.name).render_as_string(
                hide_password=False)
        else:
            self.url = f"sqlite:///{(run_dir / 'data' / 'tongban.sqlite3').resolve()}"

    @property
    def kind(self) -> str:
        """'sqlite' or 'postgresql'."""
        return "postgresql" if self.admin_url else "sqlite"

    def baseline_url(self) -> str:
        """Where the bare insert baseline writes: a sibling SQLite file, or the same database."""
        if self.admin_url:
            return self.url
        return f"sqlite:///{(self.run_dir / 'baseline.sqlite3').resolve()}"

    def drop(self) -> None:
        """Remove a PostgreSQL bench database (SQLite files go with the run directory)."""
        if not self.admin_url or not self.name:
            return
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        engine.dispose()


class ServerProcess:
    """One `python -m server --demo` process on 127.0.0.1."""

    def __init__(self, run_dir: Path, database_url: str, index: int,
                 env: dict[str, str] | None = None) -> None:
        self.data_dir = run_dir / ("data" if index == 0 else f"data{index}")
        self.database_url = database_url
        self.port = free_port()
        self.env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = run_dir / f"server{index}.log"
        self.index = index
        self.profiler: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Base HTTP URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        """Base websocket URL."""
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """Process id."""
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 60.0) -> ServerProcess:
        """Start and wait for /readyz."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "TONGBAN_LOG_LEVEL": "WARNING", **self.env}
        cmd = [sys.executable, "-m", "server", "--demo", "--host", "127.0.0.1", "--port",
               str(self.port), "--data-dir", str(self.data_dir), "--database-url",
               self.database_url]
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
        wait_ready(self.url + "/readyz", self.proc, self.log_path, timeout)
        profile_dir = os.environ.get("TONGBAN_BENCH_PROFILE")
        if profile_dir:  # sample the server with py-spy (collapsed stacks, one file per process)
            Path(profile_dir).mkdir(parents=True, exist_ok=True)
            out = Path(profile_dir) / f"server{self.index}-{self.port}.txt"
            self.profiler = subprocess.Popen(
                [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(self.pid),
                 "--format", "raw", "--rate", "200", "--nonblocking", "-o", str(out)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self

    def stop(self) -> None:
        """Terminate (then kill) the process."""
        if self.profiler and self.profiler.poll() is None:
            self.profiler.send_signal(signal.SIGINT)
            try:
                self.profiler.wait(20)
            except subprocess.TimeoutExpired:
                self.profiler.kill()
        terminate(self.proc)


def terminate(proc: subprocess.Popen[bytes] | None) -> None:
    """Terminate `proc` if it still runs; kill it when it does not exit within 10 s."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def wait_ready(url: str, proc: subprocess.Popen[bytes], log_path: Path, timeout: float) -> None:
    """Poll `url` until it answers 200, failing early if the process exits."""
    def answers() -> bool:
        try:
            return httpx.get(url, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    _wait_until(answers, proc, log_path, timeout, "not ready")


def _wait_until(check: Callable[[], bool], proc: subprocess.Popen[bytes], log_path: Path,
                timeout: float, failure: str) -> None:
    """Retry `check` every 0.1 s; raise with the log's tail if `proc` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited: {log_path.read_text()[-2000:]}")
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{failure}: {log_path.read_text()[-2000:]}")


class HelperProcess:
    """A `python -m bench.baseline …` process (bare FastAPI insert or websockets broadcast)."""

    def __init__(self, run_dir: Path, name: str, args: list[str]) -> None:
        self.port = free_port()
        self.log_path = run_dir / f"{name}.log"
        self.args = args
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, ready_path: str = "/ready", timeout: float = 30.0) -> HelperProcess:
        """Start and wait until it answers on `ready_path` (HTTP) or accepts TCP."""
        cmd = [sys.executable, "-m", "bench.baseline", *self.args, "--port", str(self.port)]
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=out)
        if ready_path:
            wait_ready(f"http://127.0.0.1:{self.port}{ready_path}", self.proc, self.log_path,
                       timeout)
        else:
            _wait_tcp(self.port, self.proc, self.log_path, timeout)
        return self

    @property
    def pid(self) -> int:
        """Process id."""
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        """Terminate the helper."""
        terminate(self.proc)


def _wait_tcp(port: int, proc: subprocess.Popen[bytes], log_path: Path, timeout: float) -> None:
    def accepts() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    _wait_until(accepts, proc, log_path, timeout, "not listening")
