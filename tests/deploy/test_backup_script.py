"""deploy/bin/tongban-backup on PostgreSQL, and the restore drill of docs/operations.md:
the dump restores into an empty database with the same rows, the materials come along, and
backups older than the keep period are deleted."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from server.events.pglisten import libpq_url
from tests.support.databases import PostgresFactory, require_postgres
from tests.support.live import ROOT
from tests.support.tools import require_tool

pytestmark = pytest.mark.postgres
SCRIPT = ROOT / "deploy" / "bin" / "tongban-backup"
TABLES = ("halls", "service_items", "windows", "staff", "devices", "alembic_version")


def _rows(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
                    for t in TABLES}
    finally:
        engine.dispose()


def test_backup_restores_into_an_empty_database(tmp_path: Path,
                                                pg_factory: PostgresFactory) -> None:
    pg_restore = require_tool("pg_restore")
    require_tool("pg_dump")
    require_postgres(pg_factory)
    url = pg_factory.new_database()
    data = tmp_path / "data"
    upload = data / "materials" / "ab" / "abcdef"
    upload.parent.mkdir(parents=True)
    upload.write_bytes("身份证扫描件".encode())
    backups = tmp_path / "backups"
    stale = backups / "20000101T010000Z"
    stale.mkdir(parents=True)
    month_ago = time.time() - 30 * 86400
    os.utime(stale, (month_ago, month_ago))
    env = {**os.environ, "TONGBAN_DATABASE_URL": url, "TONGBAN_DATA_DIR": str(data),
           "TONGBAN_BACKUP_DIR": str(backups), "TONGBAN_BACKUP_KEEP_DAYS": "14"}
    run = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    (written,) = backups.iterdir()  # the new one; the month-old one is gone
    assert f"written {written}" in run.stdout
    assert (written / "materials" / "ab" / "abcdef").read_bytes() == upload.read_bytes()

    restored = pg_factory.new_database(seeded=False)
    subprocess.run([pg_restore, "--no-owner", "--exit-on-error", f"--dbname={libpq_url(restored)}",
                    str(written / "tongban.pgdump")], check=True, capture_output=True, timeout=120)
    assert _rows(restored) == _rows(url)
