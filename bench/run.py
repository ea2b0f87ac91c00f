"""A bench run: the run directory, database, server processes and the result dict."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.procs import BenchDatabase, ServerProcess, cpu_seconds, raise_fd_limit
from bench.stats import machine

log = logging.getLogger(__name__)

# Every result file has these keys (None where the scenario does not measure them).
REQUIRED_KEYS = (
    "issue_per_s", "issue_p50_ms", "issue_p99_ms",
    "call_next_per_s", "call_next_p50_ms", "call_next_p99_ms",
    "call_to_display_p50_ms", "call_to_display_p99_ms", "subscribers", "rss_mb_per_1000_ws",
    "baseline_insert_per_s", "baseline_insert_p99_ms", "baseline_broadcast_p50_ms",
    "baseline_broadcast_p99_ms", "issue_vs_baseline_insert", "call_to_display_p99_vs_baseline",
    "eta_mae_min", "eta_naive_mae_min", "eta_under_share", "eta_naive_under_share",
    "eta_mae_reduction", "machine", "database", "workers",
)


@dataclass
class Run:
    """Shared state of one scenario run."""

    scenario: str
    quick: bool
    workers: int
    admin_url: str | None
    seed: int
    keep: bool = False
    workers_sweep: list[int] | None = None  # province: one measurement per worker count
    halls: int = 200  # province: halls seeded (request counts scale with them)
    run_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tbbench-")))
    servers: list[ServerProcess] = field(default_factory=list)
    db: BenchDatabase | None = None
    result: dict[str, Any] = field(default_factory=dict)
    _cpu0: float = 0.0
    _t0: float = 0.0

    def __post_init__(self) -> None:
        raise_fd_limit()
        self.result = dict.fromkeys(REQUIRED_KEYS)
        self.result.update(
            scenario=self.scenario, quick=self.quick, workers=self.workers, seed=self.seed,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"), machine=machine(),
            database="postgresql" if self.admin_url else "sqlite",
        )
        self._t0 = time.perf_counter()
        self._cpu0 = _own_cpu()

    def start_servers(self, env: dict[str, str] | None = None) -> list[ServerProcess]:
        """A fresh database and `workers` server processes on it (started one by one so
        only the first migrates and seeds)."""
        self.db = BenchDatabase(self.run_dir, self.admin_url)
        self.servers = []
        for i in range(self.workers):
            self.servers.append(ServerProcess(self.run_dir, self.db.url, i, env).start())
        return self.servers

    def server_cpu(self) -> float:
        """CPU seconds used so far by the server processes."""
        return sum(cpu_seconds(s.pid) for s in self.servers if s.proc)

    def stop_servers(self) -> None:
        """Stop the servers (recording their CPU use) and drop a PostgreSQL database."""
        if self.servers:
            self.result["server_cpu_s"] = round(
                (self.result.get("server_cpu_s") or 0) + self.server_cpu(), 2)
        for s in self.servers:
            s.stop()
        self.servers = []
        if self.db is not None:
            self.db.drop()
            self.db = None

    def finish(self) -> dict[str, Any]:
        """Stop everything and complete the result."""
        self.stop_servers()
        self.result["duration_s"] = round(time.perf_counter() - self._t0, 1)
        self.result["generator_cpu_s"] = round(_own_cpu() - self._cpu0, 2)
        if not self.keep:
            shutil.rmtree(self.run_dir, ignore_errors=True)
        else:
            self.result["run_dir"] = str(self.run_dir)
        return self.result


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system
