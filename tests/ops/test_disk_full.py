"""A full disk, on a real (small) tmpfs data directory: uploads answer 507 and store nothing,
/readyz goes 503, wall screens keep their feed, the managers get a 存储空间不足 alert; and the
orphan sweep removes what uploads killed half-way left behind (and nothing else)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.alerts.runner import evaluate_all, storage_conditions
from server.app import create_app
from server.materials.models import Material
from server.materials.service import storage_for
from server.ops.disk import MB, free_bytes
from server.retention.service import sweep_orphan_files
from tests.conftest import make_settings
from tests.support.api import login
from tests.support.databases import copy_sqlite
from tests.support.online import book_appointment, sample_png, upload_material

RESERVE_MB = 1.0


@pytest.fixture(scope="module")
def tmpfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An 8 MB tmpfs: a disk that really fills up (needs root, as in CI)."""
    mount = tmp_path_factory.mktemp("tmpfs")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture(scope="module")
def app_on_tmpfs(tmpfs: Path, sqlite_template: Path) -> Iterator[TestClient]:
    data = tmpfs / "data"
    url = copy_sqlite(sqlite_template, data)
    settings = make_settings(data, url, min_free_mb=RESERVE_MB, alert_interval_seconds=0,
                             retention_interval_hours=0)
    with TestClient(create_app(settings)) as client:
        yield client


def _fill(ballast: Path, leave_bytes: int = 0) -> None:
    """Write until the disk is full, then give back about `leave_bytes`."""
    with ballast.open("ab") as f:
        with contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        with contextlib.suppress(OSError):
            os.fsync(f.fileno())
    if leave_bytes:
        os.truncate(ballast, max(0, ballast.stat().st_size - leave_bytes))


def _materials(client: TestClient) -> tuple[list[Path], int]:
    root = client.app.state.settings.data_dir / "materials"
    with client.app.state.db.read() as s:
        rows = s.scalar(select(func.count()).select_from(Material))
    return sorted(p for p in root.rglob("*") if p.is_file()), rows


def _storage_alerts(client: TestClient) -> list[dict]:
    r = client.get("/api/v1/halls/demo/alerts", headers=login(client, "manager"))
    assert r.status_code == 200, r.text
    return [a for a in r.json() if a["rule"] == "storage_low"]


def test_full_disk_gives_507_503_a_live_display_and_an_alert(app_on_tmpfs: TestClient,
                                                            tmpfs: Path) -> None:
    c = app_on_tmpfs
    settings = c.app.state.settings
    booking = book_appointment(c)
    h, code = booking["citizen_headers"], booking["booking_code"]
    assert c.get("/readyz").status_code == 200
    before = _materials(c)
    ballast = tmpfs / "ballast"
    try:
        # 1.5 MB left, reserve 1 MB: the upload may start, and runs out of space half-way.
        _fill(ballast, leave_bytes=round(1.5 * MB))
        assert RESERVE_MB * MB <= free_bytes(settings.data_dir) < 2 * RESERVE_MB * MB
        big = sample_png() + os.urandom(3 * 1_000_000)
        r = upload_material(c, h, code, "id_card", "scan.png", big, "image/png")
        assert r.status_code == 507, r.text
        assert r.json()["error"]["code"] == "storage_full"
        assert "存储空间不足" in r.json()["error"]["message"]
        assert _materials(c) == before  # no temp file, no blob, no row

        # Still above the reserve: ready, but the managers are warned (yellow) in time.
        assert c.get("/readyz").status_code == 200
        assert evaluate_all(c.app.state.db, lambda: storage_conditions(settings)) == 0
        [alert] = _storage_alerts(c)
        assert alert["level"] == "yellow" and alert["rule_name"] == "存储空间不足"
        assert "MB" in alert["message"]
        # A manager's "evaluate now" keeps it open (it is not a hall rule it could clear).
        manager = login(c, "manager")
        assert c.post("/api/v1/halls/demo/alerts/evaluate", headers=manager).status_code == 200
        assert [a["id"] for a in _storage_alerts(c)] == [alert["id"]]

        _fill(ballast)  # now truly full
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["storage"] in ("low_space", "not_writable")
        r = upload_material(c, h, code, "id_card", "photo.png", sample_png(), "image/png")
        assert r.status_code == 507 and r.json()["error"]["code"] == "storage_full"
        assert _materials(c) == before
        # A wall screen connecting now still gets its board (its heartbeat cannot be saved).
        with c.websocket_connect("/ws/halls/demo?token=demo-display-token") as ws:
            assert ws.receive_json()["type"] == "snapshot"
    finally:
        ballast.unlink(missing_ok=True)
    assert c.get("/readyz").status_code == 200
    assert c.post("/api/v1/halls/demo/alerts/evaluate",
                  headers=login(c, "manager")).status_code == 200
    assert _storage_alerts(c) == []  # cleared once there is room again
    r = upload_material(c, h, code, "id_card", "photo.png", sample_png(), "image/png")
    assert r.status_code == 201, r.text


def test_orphan_sweep_removes_leftovers_of_killed_uploads_only(app_on_tmpfs: TestClient) -> None:
    c = app_on_tmpfs
    settings = c.app.state.settings
    booking = book_appointment(c, phone="13900000001")
    r = upload_material(c, booking["citizen_headers"], booking["booking_code"], "id_card",
                        "kept.png", sample_png("#123456"), "image/png")
    assert r.status_code == 201, r.text
    store = storage_for(settings)
    kept = store.path_for(r.json()["sha256"])
    old = time.time() - settings.orphan_file_minutes * 60 - 60
    # What SIGKILL mid-upload leaves: a temp file, and a blob renamed in without its row.
    partial = store.tmp / "up-killed"
    partial.write_bytes(b"half a file")
    orphan_sha = "ab" * 32
    orphan = store.path_for(orphan_sha)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"never recorded")
    fresh = store.tmp / "up-in-progress"  # an upload running right now
    fresh.write_bytes(b"still coming")
    for path in (partial, orphan, kept):
        os.utime(path, (old, old))

    assert sweep_orphan_files(c.app.state.db, settings) == 2
    assert not partial.exists() and not orphan.exists()
    assert kept.exists() and fresh.exists()
    fresh.unlink()
    r = c.get(f"/api/v1/materials/{r.json()['id']}/content",
              headers=login(c, "manager"))
    assert r.status_code == 200 and r.content == sample_png("#123456")

