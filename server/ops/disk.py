"""Free space and writability of the data directory: readiness, the storage alert, 507s."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

MB = 1_000_000


@dataclass(frozen=True)
class StorageState:
    """What readiness and the alert need to know about the data directory."""

    free_bytes: int
    writable: bool
    min_free_bytes: int

    @property
    def problem(self) -> str | None:
        """`not_writable`, `low_space` (below the threshold) or None."""
        if not self.writable:
            return "not_writable"
        if self.free_bytes < self.min_free_bytes:
            return "low_space"
        return None


def free_bytes(data_dir: Path) -> int:
    """Bytes an unprivileged writer may still use on the data directory's filesystem."""
    st = os.statvfs(data_dir)
    return st.f_bavail * st.f_frsize


def storage_state(data_dir: Path, min_free_bytes: int) -> StorageState:
    """Free space plus a real one-byte write (a read-only or broken mount has free space too)."""
    try:
        free = free_bytes(data_dir)
    except OSError:
        return StorageState(0, False, min_free_bytes)
    try:
        fd, name = tempfile.mkstemp(dir=data_dir, prefix=".probe-")
        try:
            os.write(fd, b"x")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(name)
    except OSError:
        return StorageState(free, False, min_free_bytes)
    return StorageState(free, True, min_free_bytes)
