"""Personal data: ID numbers only as keyed hash + mask, and purged after the retention period
while statistics stay exactly the same."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.orm import Session

from server.app import create_app
from server.auth.models import Device, Staff
from server.auth.principal import Principal
from server.catalog.models import Hall
from server.core.clock import business_day, utcnow
from server.core.db import Database
from server.core.ids import hash_id
from server.events.models import Event
from server.tickets.models import Ticket
from server.tickets.service import call_next, issue_ticket, transition
from server.windows.models import Window
from server.windows.service import set_state
from tests.conftest import make_settings
from tests.support.api import HUKOU, SOCIAL, issue, login
from tests.support.live import ROOT

ELDER_ID = "11010519491231002X"  # born 1949: green channel
YOUNG_ID = "110105199001011234"
NAMES = ("欧阳娜娜", "司马相如")


def _valid(id17: str) -> str:
    from server.core.ids import check_digit

    return id17 + check_digit(id17)


def _database_text(url: str) -> bytes:
    """Everything the database holds: the raw SQLite files, or every PostgreSQL row as text."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    engine = create_engine(url)
    out = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                out.append(repr(tuple(row)))
    engine.dispose()
    return "\n".join(out).encode()


def test_raw_id_numbers_and_names_never_reach_the_database(
        any_client: TestClient, database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    c = any_client
    caplog.set_level(logging.DEBUG)
    young = _valid(YOUNG_ID[:17])
    t1 = issue(c, HUKOU, id_number=ELDER_ID, citizen_name=NAMES[0])
    t2 = issue(c, SOCIAL, id_number=young, citizen_name=NAMES[1])
    clerk = login(c, "clerk1")
    wid = next(w["id"] for w in c.get("/api/v1/windows", params={"hall": "demo"},
                                      headers=clerk).json() if w["number"] == 1)
    c.post(f"/api/v1/windows/{wid}/open", headers=clerk)
    called = c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    assert called["id"] == t1["id"] and called["id_masked"] == "110105********002X"
    with c.websocket_connect(f"/ws/halls/demo?token={clerk['Authorization'][7:]}&since=0") as ws:
        replay = [ws.receive_json() for _ in range(3)]
    assert any(m["data"].get("id_masked") == "110105********002X" for m in replay)
    c.app.state.db.dispose()  # let SQLite checkpoint nothing away: read the files as they are
    blob = _database_text(database_url)
    secret = c.app.state.settings.secret_key
    for raw in (ELDER_ID, young, *NAMES):
        assert raw.encode() not in blob, f"{raw} stored in clear"
        assert raw not in caplog.text, f"{raw} written to the log"
    assert b"110105********002X" in blob  # the masked form is what is kept ...
    assert hash_id(ELDER_ID, secret).encode() in blob  # ... with the keyed hash for lookup
    assert hashlib.sha256(ELDER_ID.encode()).hexdigest().encode() not in blob  # keyed, not plain
    assert t2["priority_class"] == "normal"


def _old_visits(db: Database, *, days_ago: int, secret: str) -> list[int]:
    """Three finished visits on a day `days_ago` in the past, made with explicit clocks."""
    def work(s: Session) -> list[int]:
        hall = s.scalar(select(Hall).where(Hall.code == "demo"))
        kiosk_dev = s.scalar(select(Device).where(Device.kind == "kiosk"))
        kiosk = Principal("device", kiosk_dev.id, "kiosk", hall.id)
        clerk_row = s.scalar(select(Staff).where(Staff.username == "clerk1"))
        clerk = Principal("staff", clerk_row.id, "clerk", hall.id, clerk_row.full_name)
        # 10:00 in Shanghai on the hall's business day `days_ago` back (the UTC date differs
        # from it between 16:00 and 24:00 UTC)
        day = business_day(utcnow(), "Asia/Shanghai") - timedelta(days=days_ago)
        base = datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
        settings = make_settings(Path("."), "sqlite://", secret_key=secret)
        w1 = s.scalar(select(Window).where(Window.hall_id == hall.id, Window.number == 1))
        set_state(s, window_id=w1.id, state="open", principal=clerk, now=base)
        ids = []
        for i, (idn, name) in enumerate(((ELDER_ID, "欧阳娜娜"), (None, None),
                                         (_valid(YOUNG_ID[:17]), "司马相如"))):
            at = base + timedelta(minutes=10 * i)
            t = issue_ticket(s, hall=hall, service_code=HUKOU, settings=settings,
                             principal=kiosk, id_number=idn, citizen_name=name, now=at).ticket
            called = call_next(s, window_id=w1.id, principal=clerk, settings=settings,
                               now=at + timedelta(minutes=3))
            assert called is not None and called.id == t.id
            transition(s, ticket_id=t.id, action="start", principal=clerk, settings=settings,
                       now=at + timedelta(minutes=4))
            action = "complete" if i != 1 else "hang"
            transition(s, ticket_id=t.id, action=action, principal=clerk, settings=settings,
                       now=at + timedelta(minutes=9))
            ids.append(t.id)
        set_state(s, window_id=w1.id, state="closed", principal=clerk, now=base)
        return ids

    return db.write(work)


def _stats(c: TestClient, manager: dict[str, str], day: str) -> dict:
    out = {}
    for group in ("hall", "service", "window", "clerk", "hour"):
        r = c.get("/api/v1/halls/demo/stats", params={"from": day, "to": day, "group": group},
                  headers=manager)
        assert r.status_code == 200, r.text
        out[group] = r.json()
    return out


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env})


def test_retention_purge_clears_personal_data_and_keeps_statistics(
        tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path / "data", database_url, alert_interval_seconds=0,
                             retention_interval_hours=0)
    app = create_app(settings)
    db: Database = app.state.db
    old_ids = _old_visits(db, days_ago=200, secret=settings.secret_key)
    with TestClient(app) as c:
        recent = issue(c, HUKOU, id_number=ELDER_ID, citizen_name="张小三")
        manager = login(c, "manager")
        old_day = (business_day(utcnow(), "Asia/Shanghai") - timedelta(days=200)).isoformat()
        before = _stats(c, manager, old_day)
        assert before["hall"]["totals"]["tickets"] == 3 and before["hall"]["totals"]["served"] == 2
        with db.read() as s:
            old = list(s.scalars(select(Ticket).where(Ticket.id.in_(old_ids))))
            assert sum(t.id_hash is not None for t in old) == 2
            assert s.scalar(select(Event.id).where(Event.ticket_id == old_ids[0],
                                                   Event.private.is_not(None)))
        # the CLI, as an operator's cron job would run it (server still running)
        r = _cli("--database-url", database_url, "--data-dir", str(tmp_path / "data"), "purge",
                 env={"TONGBAN_RETENTION_DAYS": "180"})
        assert r.returncode == 0, r.stderr
        report = json.loads(r.stdout)
        assert report["older_than_days"] == 180
        assert report["purged"]["tickets"] == 2 and report["purged"]["events"] >= 4
        after = _stats(c, manager, old_day)
        assert after == before  # statistics identical, row for row
        with db.read() as s:
            for t in s.scalars(select(Ticket).where(Ticket.id.in_(old_ids))):
                assert (t.id_hash, t.id_masked, t.citizen_name_masked, t.citizen_id) == \
                    (None, None, None, None)
                assert t.issued_at and t.started_at  # timing data stays
            left = s.scalars(select(Event.private).where(Event.ticket_id.in_(old_ids))).all()
            assert left and all(p is None for p in left)
            fresh = s.get(Ticket, recent["id"])
            assert fresh.id_masked == "110105********002X"  # today's visit is untouched
        clerk_view = c.get(f"/api/v1/tickets/{old_ids[0]}", headers=login(c, "clerk1")).json()
        assert clerk_view["id_masked"] is None and clerk_view["number"] == "A001"
        # a second run finds nothing more to do
        again = json.loads(_cli("--database-url", database_url, "--data-dir",
                                str(tmp_path / "data"), "purge", "--days", "180", env={}).stdout)
        assert again["purged"]["tickets"] == 0 and again["purged"]["events"] == 0
    if database_url.startswith("sqlite"):
        db.dispose()
        blob = _database_text(database_url)
        assert hash_id(ELDER_ID, settings.secret_key).encode() in blob  # today's, still needed
        assert blob.count(b"110105********002X") >= 1


def test_server_runs_the_purge_periodically(tmp_path: Path, sqlite_url: str) -> None:
    settings = make_settings(tmp_path / "data", sqlite_url, alert_interval_seconds=0,
                             retention_days=30, retention_interval_hours=0.0003)
    app = create_app(settings)
    old_ids = _old_visits(app.state.db, days_ago=40, secret=settings.secret_key)
    with TestClient(app):
        deadline = time.monotonic() + 20
        while True:
            with app.state.db.read() as s:
                left = s.scalar(select(Ticket.id).where(Ticket.id.in_(old_ids),
                                                        Ticket.id_hash.is_not(None)))
            if left is None:
                break
            assert time.monotonic() < deadline, "the periodic purge never ran"
            time.sleep(0.2)


def test_purge_refuses_nonsense_days(tmp_path: Path) -> None:
    r = _cli("--data-dir", str(tmp_path), "purge", "--days", "0", env={})
    assert r.returncode == 2 and "--days" in r.stderr


@pytest.mark.parametrize("secret", ["tongban-demo-secret-change-me", "short", ""])
def test_production_mode_refuses_weak_secrets(tmp_path: Path, secret: str) -> None:
    r = _cli("--data-dir", str(tmp_path), "--port", "1", env={"TONGBAN_SECRET_KEY": secret})
    assert r.returncode == 2 and "TONGBAN_SECRET_KEY" in r.stderr
    assert not (tmp_path / "tongban.sqlite3").exists()  # refused before touching any data


def test_secret_from_settings_keys_the_id_hash(tmp_path: Path, sqlite_url: str) -> None:
    settings = make_settings(tmp_path / "data", sqlite_url, secret_key="x" * 32,
                             alert_interval_seconds=0, retention_interval_hours=0)
    with TestClient(create_app(settings)) as c:
        t = issue(c, HUKOU, id_number=ELDER_ID)
        with c.app.state.db.read() as s:
            stored = s.get(Ticket, t["id"]).id_hash
    assert stored == hash_id(ELDER_ID, "x" * 32) != hash_id(ELDER_ID, "tongban-demo-secret-"
                                                                       "change-me")
