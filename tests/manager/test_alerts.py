"""电子监察: raise → escalate → clear with explicit times; rules API; background task."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from server.alerts.models import Alert
from server.alerts.runner import evaluate_all
from server.alerts.service import evaluate_alerts
from server.app import create_app
from server.auth.models import Device
from server.catalog.models import Hall
from server.core.clock import utcnow
from server.events.models import Event
from tests.conftest import make_settings
from tests.manager.seed import Seeder, local
from tests.support.api import HUKOU, login


@pytest.fixture
def app_client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    app = create_app(make_settings(tmp_path / "data", database_url, alert_interval_seconds=0))
    with TestClient(app) as c:
        yield c


def _eval(db, now) -> dict:  # noqa: ANN001
    return db.write(lambda s: evaluate_alerts(
        s, s.scalar(select(Hall).where(Hall.code == "demo")), now))


def _open(db) -> dict[tuple[str, str], Alert]:  # noqa: ANN001
    with db.read() as s:
        return {(a.rule, a.subject): a for a in s.scalars(
            select(Alert).where(Alert.cleared_at.is_(None)))}


def test_wait_alert_raises_escalates_clears(app_client: TestClient) -> None:
    app = app_client.app
    db = app.state.db
    sd = Seeder(db, app.state.settings)
    t0 = local(2026, 3, 2, 9, 0)
    tid = sd.issue(HUKOU, t0)
    key = ("long_wait", f"ticket:{tid}")

    assert _eval(db, t0 + timedelta(minutes=29)) == {"raised": 0, "changed": 0, "cleared": 0}
    assert _eval(db, t0 + timedelta(minutes=30))["raised"] == 1
    alert = _open(db)[key]
    assert alert.level == "yellow" and "A001" in alert.message
    # Idempotent: a second pass changes nothing and opens no duplicate.
    assert _eval(db, t0 + timedelta(minutes=31)) == {"raised": 0, "changed": 0, "cleared": 0}
    assert _eval(db, t0 + timedelta(minutes=45))["changed"] == 1
    assert _open(db)[key].level == "red"

    # Acknowledge over HTTP; the time to acknowledge is kept.
    mgr = login(app_client, "manager")
    listed = app_client.get("/api/v1/halls/demo/alerts", headers=mgr).json()
    mine = next(a for a in listed if a["subject"] == f"ticket:{tid}")
    r = app_client.post(f"/api/v1/alerts/{mine['id']}/ack", headers=mgr)
    assert r.status_code == 200 and r.json()["seconds_to_acknowledge"] > 0
    assert app_client.post(f"/api/v1/alerts/{mine['id']}/ack", headers=mgr).status_code == 409

    # Calling the ticket clears it.
    c1 = sd.clerk("clerk1")
    wid = sd.open(4, c1, t0)
    assert sd.call(wid, c1, t0 + timedelta(minutes=50)) == tid
    assert _eval(db, t0 + timedelta(minutes=50))["cleared"] == 1
    assert key not in _open(db)
    history = app_client.get("/api/v1/halls/demo/alerts", params={"state": "all"},
                             headers=mgr).json()
    row = next(a for a in history if a["id"] == mine["id"])
    assert [c["level"] for c in row["level_changes"]] == ["yellow", "red"]
    assert row["cleared_at"] and not row["open"] and row["acknowledged_at"]
    with db.read() as s:
        types = [e.type for e in s.scalars(select(Event).where(Event.type.like("alert.%"))
                                           .order_by(Event.seq))]
        datas = [e.data for e in s.scalars(select(Event).where(Event.type.like("alert.%")))]
    assert types == ["alert.raised", "alert.raised", "alert.acknowledged", "alert.cleared"]
    assert all("citizen" not in str(d) and "id_masked" not in str(d) for d in datas)


def test_crowd_idle_window_slow_service_and_silent_device(app_client: TestClient) -> None:
    app = app_client.app
    db = app.state.db
    sd = Seeder(db, app.state.settings)
    mgr = login(app_client, "manager")
    r = app_client.put("/api/v1/halls/demo/alert-rules", headers=mgr, json={
        "crowd": {"minutes": 10, "yellow_count": 2, "red_count": 3},
        "long_wait": {"enabled": False}})
    assert r.status_code == 200 and r.json()["crowd"]["yellow_count"] == 2
    t0 = local(2026, 3, 2, 9, 0)
    c1 = sd.clerk("clerk1")
    w4 = sd.open(4, c1, t0)
    first = sd.issue(HUKOU, t0)
    assert sd.call(w4, c1, t0) == first
    sd.act(first, "start", c1, t0)  # HUKOU expects 12 min: yellow at 24, red at 36
    for _ in range(3):
        sd.issue(HUKOU, t0)
    with db.read() as s:
        kiosk = s.scalar(select(Device).where(Device.kind == "kiosk"))
    db.write(lambda s: s.execute(update(Device).where(Device.id == kiosk.id)
                                 .values(last_seen_at=t0)))
    # A paused HUKOU window (window 2) while 3 people wait.
    c2 = sd.clerk("clerk2")
    w2 = sd.open(2, c2, t0)
    from server.windows.service import set_state
    db.write(lambda s: set_state(s, window_id=w2, state="paused", principal=c2, now=t0))

    _eval(db, t0 + timedelta(minutes=25))
    got = {k: a.level for k, a in _open(db).items()}
    assert got[("crowd", _svc_subject(db, HUKOU))] == "red"          # 3 waiting ≥ 10 min
    assert got[("slow_service", f"ticket:{first}")] == "yellow"       # 25/12 ≈ 2.1×
    assert got[("window_idle", f"window:{w2}")] == "red"              # paused 25 min ≥ 20
    assert got[("device_silent", f"device:{kiosk.id}")] == "red"      # 25 min ≥ 10
    assert not any(rule == "long_wait" for rule, _ in got)            # switched off
    # Window 4 is busy serving, so it is not idle.
    assert ("window_idle", f"window:{w4}") not in got

    # Close the causes: finish, call the others away, reopen, heartbeat.
    sd.act(first, "complete", c1, t0 + timedelta(minutes=26))
    db.write(lambda s: set_state(s, window_id=w2, state="open", principal=c2,
                                 now=t0 + timedelta(minutes=26)))
    db.write(lambda s: s.execute(update(Device).where(Device.id == kiosk.id)
                                 .values(last_seen_at=t0 + timedelta(minutes=26))))
    sd.call(w4, c1, t0 + timedelta(minutes=26))
    sd.call(w2, c2, t0 + timedelta(minutes=26))
    _eval(db, t0 + timedelta(minutes=27))
    assert set(_open(db)) == set()  # one left waiting: not a crowd; windows busy


def _svc_subject(db, code: str) -> str:  # noqa: ANN001
    from server.catalog.models import ServiceItem
    with db.read() as s:
        return f"service:{s.scalar(select(ServiceItem.id).where(ServiceItem.code == code))}"


def test_rule_validation_and_audit(client: TestClient) -> None:
    mgr = login(client, "manager")
    bad = [
        ({"nope": {}}, "unknown_rule"),
        ({"long_wait": {"yellow_minutes": -1}}, "invalid_rule"),
        ({"long_wait": {"yellow_minutes": 50, "red_minutes": 40}}, "invalid_thresholds"),
        ({"long_wait": {"enabled": "yes"}}, "invalid_rule"),
        ({"crowd": {"colour": 1}}, "invalid_rule"),
    ]
    for body, code in bad:
        r = client.put("/api/v1/halls/demo/alert-rules", json=body, headers=mgr)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (body, r.text)
    ok = client.put("/api/v1/halls/demo/alert-rules", headers=mgr,
                    json={"long_wait": {"yellow_minutes": 1, "red_minutes": 2}})
    assert ok.status_code == 200
    assert client.get("/api/v1/halls/demo/alert-rules",
                      headers=mgr).json()["long_wait"]["red_minutes"] == 2
    audit = client.get("/api/v1/halls/demo/audit", headers=mgr).json()
    assert audit[0]["entity"] == "alert_rules" and audit[0]["staff_name"] == "周主任"
    assert audit[0]["before"]["long_wait"]["yellow_minutes"] == 30
    assert audit[0]["after"]["long_wait"]["yellow_minutes"] == 1
    clerk = login(client, "clerk1")
    assert client.get("/api/v1/halls/demo/alerts", headers=clerk).status_code == 403
    assert client.put("/api/v1/halls/demo/alert-rules", json={},
                      headers=clerk).status_code == 403


def test_background_pass_survives_a_broken_hall(app_client: TestClient) -> None:
    db = app_client.app.state.db
    # Waiting today (the pass only looks at today's queue), so the long-wait rule is read.
    Seeder(db, app_client.app.state.settings).issue(HUKOU, utcnow() - timedelta(minutes=5))
    # Corrupt one hall's rules so its evaluation raises; the pass reports it and goes on.
    db.write(lambda s: s.execute(update(Hall).values(
        settings={"alert_rules": {"long_wait": {"red_minutes": "x"}}})))
    assert evaluate_all(db) == 1
    db.write(lambda s: s.execute(update(Hall).values(settings={})))
    assert evaluate_all(db) == 0


def test_overlapping_passes_of_two_workers_raise_one_alert(app_client: TestClient) -> None:
    """Two server processes may run the alert pass at the same moment: one alert, not two."""
    import threading

    app = app_client.app
    db = app.state.db
    t0 = local(2026, 3, 2, 9, 0)
    Seeder(db, app.state.settings).issue(HUKOU, t0)
    late = t0 + timedelta(minutes=31)
    second_started = threading.Event()

    def first(s) -> None:  # noqa: ANN001
        evaluate_alerts(s, s.scalar(select(Hall).where(Hall.code == "demo")), late)
        second_started.wait(5)
        # Hold the transaction open while the other pass reads the open alerts.
        threading.Event().wait(0.5)

    worker = threading.Thread(target=lambda: db.write(first))
    worker.start()
    threading.Event().wait(0.2)
    second_started.set()
    _eval(db, late)
    worker.join(10)
    with db.read() as s:
        rows = s.scalars(select(Alert).where(Alert.rule == "long_wait")).all()
    assert len(rows) == 1
