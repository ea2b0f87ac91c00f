"""Latency recording, percentiles and machine facts for bench results."""

from __future__ import annotations

import math
import os
import platform
import time
from collections.abc import Iterable
from pathlib import Path


def percentile(values: Iterable[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    data = sorted(values)
    if not data:
        return None
    rank = max(1, math.ceil(q / 100 * len(data)))
    return data[min(rank, len(data)) - 1]


def rounded(value: float | None, digits: int = 2) -> float | None:
    """Round for the JSON file, keeping None."""
    return None if value is None else round(value, digits)


class Recorder:
    """Latencies (ms) of one kind of request and the wall time they span."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self.errors = 0
        self.started = time.perf_counter()
        self.finished = self.started

    def begin(self) -> None:
        """Mark the start of the measured phase."""
        self.started = time.perf_counter()

    def end(self) -> None:
        """Mark its end."""
        self.finished = time.perf_counter()

    def add(self, ms: float) -> None:
        """One successful request."""
        self.ms.append(ms)

    def figures(self, prefix: str) -> dict[str, float | int | None]:
        """`<prefix>_per_s`, `_p50_ms`, `_p99_ms`, `_max_ms`, `_count`, `_errors`."""
        span = max(self.finished - self.started, 1e-9)
        return {
            f"{prefix}_per_s": rounded(len(self.ms) / span, 1) if self.ms else None,
            f"{prefix}_p50_ms": rounded(percentile(self.ms, 50)),
            f"{prefix}_p99_ms": rounded(percentile(self.ms, 99)),
            f"{prefix}_max_ms": rounded(max(self.ms) if self.ms else None),
            f"{prefix}_count": len(self.ms),
            f"{prefix}_errors": self.errors,
        }


def machine() -> dict[str, object]:
    """What the figures were measured on (the generator shares these CPUs with the server)."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_mb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0].split()
        mem_mb = int(first[1]) // 1024
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "mem_total_mb": mem_mb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "note": "load generator, server processes and database share these CPUs",
    }
