"""Online backup of the SQLite data directory (VACUUM INTO) and restore."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)
DB_NAME = "tongban.sqlite3"


def backup_data_dir(data_dir: Path, dest: Path) -> Path:
    """Consistent copy of a live data directory: the database via VACUUM INTO, then materials.

    VACUUM INTO reads one snapshot, so writers keep going while it runs.
    """
    source = data_dir / DB_NAME
    if not source.exists():
        raise FileNotFoundError(f"no database at {source}")
    dest.mkdir(parents=True, exist_ok=False)
    conn = sqlite3.connect(source, timeout=30)
    try:
        conn.execute("VACUUM INTO ?", (str(dest / DB_NAME),))
    finally:
        conn.close()
    materials = data_dir / "materials"
    if materials.is_dir():
        # Content-addressed files never change once written, so a plain copy is consistent.
        shutil.copytree(materials, dest / "materials")
    log.info("backup of %s written to %s", data_dir, dest)
    return dest


def restore_data_dir(backup: Path, data_dir: Path) -> None:
    """Replace a (stopped) server's data directory contents with a backup."""
    if not (backup / DB_NAME).exists():
        raise FileNotFoundError(f"{backup} is not a Tongban backup (no {DB_NAME})")
    check = sqlite3.connect(backup / DB_NAME)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise ValueError("backup database failed its integrity check")
    finally:
        check.close()
    data_dir.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"{DB_NAME}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup / DB_NAME, data_dir / DB_NAME)
    if (backup / "materials").is_dir():
        shutil.rmtree(data_dir / "materials", ignore_errors=True)
        shutil.copytree(backup / "materials", data_dir / "materials")
    log.info("restored %s from %s", data_dir, backup)
