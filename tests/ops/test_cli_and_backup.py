"""The command line: --help, first-setup commands, the production secret guard, backup/restore."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.api import HUKOU, KIOSK
from tests.support.databases import copy_sqlite
from tests.support.live import ROOT, LiveServer


def _cli(*args: str, data: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "server", "--data-dir", str(data), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "TONGBAN_SECRET_KEY": "s3cret-for-tests", **(env or {})},
    )


def test_help_documents_flags_and_environment(tmp_path: Path) -> None:
    out = _cli("--help", data=tmp_path).stdout
    for word in ("--demo", "--port", "--data-dir", "--database-url", "TONGBAN_DATA_DIR",
                 "TONGBAN_DATABASE_URL", "TONGBAN_SECRET_KEY", "create-admin", "create-device",
                 "backup"):
        assert word in out


def test_first_setup_commands(tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert _cli("create-admin", "root", "--password", "rootpass1", data=data).returncode == 0
    assert _cli("create-hall", "east", "东区分中心", data=data).returncode == 0
    dev = _cli("create-device", "east", "kiosk", "取号机", data=data)
    assert dev.returncode == 0 and "shown once" in dev.stdout
    token = dev.stdout.strip().rsplit(" ", 1)[-1]
    bad = _cli("create-device", "nohall", "kiosk", "x", data=data)
    assert bad.returncode == 2 and "不存在" in bad.stderr
    dup = _cli("create-admin", "root", "--password", "rootpass1", data=data)
    assert dup.returncode == 2
    server = LiveServer(data, env={"TONGBAN_SECRET_KEY": "s3cret-for-tests"})
    server.start()
    try:
        http = httpx.Client(base_url=server.url, timeout=10)
        r = http.post("/api/v1/auth/login", json={"username": "root", "password": "rootpass1"})
        assert r.json()["role"] == "admin"
        me = http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert me["kind"] == "device" and me["hall_code"] == "east"
    finally:
        server.stop()


def test_refuses_demo_secret_without_demo(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TONGBAN_SECRET_KEY"}
    r = subprocess.run([sys.executable, "-m", "server", "--data-dir", str(tmp_path),
                        "--port", "1"], cwd=ROOT, capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 2 and "TONGBAN_SECRET_KEY" in r.stderr


def test_backup_while_running_then_restore(tmp_path: Path, sqlite_template: Path) -> None:
    data = tmp_path / "data"
    copy_sqlite(sqlite_template, data)
    server = LiveServer(data).start()
    try:
        http = httpx.Client(base_url=server.url, timeout=10)
        for _ in range(3):
            http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU}, headers=KIOSK)
        backup = tmp_path / "backup-1"
        r = _cli("backup", str(backup), data=data)
        assert r.returncode == 0, r.stderr
        for _ in range(2):  # after the backup: these must disappear on restore
            http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU}, headers=KIOSK)
    finally:
        server.stop()
    assert _cli("backup", str(backup), data=data).returncode == 2  # never overwrites
    r = _cli("restore", str(backup), data=data)
    assert r.returncode == 0, r.stderr
    server = LiveServer(data).start()
    try:
        http = httpx.Client(base_url=server.url, timeout=10)
        nxt = http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                        headers=KIOSK).json()
        assert nxt["number"] == "A004"
    finally:
        server.stop()
