"""Server endpoints added for the counter client: the clerk's own counts today (hand-computed,
explicit clocks), the window's suspended list, the rating request, recall_limit on tickets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.models import Staff
from server.auth.principal import Principal
from server.catalog.models import Hall
from server.core.config import Settings
from server.core.db import Database
from server.events.models import Event
from server.stats.clerk import clerk_today
from server.tickets.service import call_next, issue_ticket, transition
from server.windows.models import Window
from server.windows.service import set_state
from tests.support.api import HUKOU, SOCIAL, issue, login, open_window

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _principal(s: Session, username: str) -> Principal:
    staff = s.scalar(select(Staff).where(Staff.username == username))
    return Principal("staff", staff.id, staff.role, staff.hall_id, staff.full_name)


def test_clerk_today_counts_by_hand(database_url: str, tmp_path: Path) -> None:
    db = Database(database_url)
    settings = Settings(data_dir=tmp_path, demo=True)
    try:
        def work(s: Session) -> dict:
            hall = s.scalar(select(Hall).where(Hall.code == "demo"))
            me, other = _principal(s, "clerk1"), _principal(s, "clerk2")
            w1 = s.scalar(select(Window).where(Window.number == 1))
            w2 = s.scalar(select(Window).where(Window.number == 2))
            set_state(s, window_id=w1.id, state="open", principal=me, now=T0)
            set_state(s, window_id=w2.id, state="open", principal=other, now=T0)
            for i in range(5):
                issue_ticket(s, hall=hall, service_code=HUKOU, settings=settings,
                             principal=None, now=T0 + timedelta(seconds=i))

            def step(p: Principal, wid: int, minute: float, actions: list[str],
                     serve: float = 0, **kw: object) -> None:
                at = T0 + timedelta(minutes=minute)
                t = call_next(s, window_id=wid, principal=p, settings=settings, now=at)
                for action in actions:
                    if action == "complete":
                        at += timedelta(minutes=serve)
                    transition(s, ticket_id=t.id, action=action, principal=p,
                               settings=settings, now=at, **kw)

            step(me, w1.id, 1, ["start", "complete"], serve=4)       # 4 min
            step(me, w1.id, 10, ["start", "complete"], serve=10)     # 10 min
            step(me, w1.id, 30, ["no-show"])
            step(me, w1.id, 31, ["start", "transfer"], service_code=SOCIAL, reason="社保")
            step(other, w2.id, 32, ["start", "complete"], serve=3)   # someone else's
            return clerk_today(s, hall=hall, staff_id=me.id, now=T0 + timedelta(hours=1))

        out = db.write(work)
    finally:
        db.dispose()
    assert out == {"day": "2026-11-23", "served": 2, "no_shows": 1, "transfers": 1,
                   "suspended": 0, "avg_service_minutes": 7.0}


def test_my_today_suspended_and_rating_request_over_http(any_client: TestClient) -> None:
    c = any_client
    clerk = login(c, "clerk1")
    wid = open_window(c, clerk, 1)
    empty = c.get("/api/v1/staff/me/today", headers=clerk).json()
    assert empty["served"] == 0 and empty["avg_service_minutes"] is None
    assert c.get("/api/v1/staff/me/today").status_code == 401
    assert c.get("/api/v1/staff/me/today",
                 headers={"Authorization": "Bearer demo-kiosk-token"}).status_code == 403

    a, b = issue(c, HUKOU), issue(c, HUKOU)
    called = c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    assert called["recall_limit"] == 3 and called["expected_minutes"] == 12
    c.post(f"/api/v1/tickets/{a['id']}/start", headers=clerk)
    c.post(f"/api/v1/tickets/{a['id']}/hang", headers=clerk)
    hung = c.get(f"/api/v1/windows/{wid}/suspended", headers=clerk).json()
    assert [t["number"] for t in hung] == [a["number"]] and hung[0]["suspended_at"]
    other = login(c, "manager")
    assert c.get(f"/api/v1/windows/{wid}/suspended", headers=other).status_code == 200
    assert c.get(f"/api/v1/windows/{wid}/suspended").status_code == 401
    assert c.get("/api/v1/windows/99999/suspended", headers=clerk).status_code == 404

    r = c.post(f"/api/v1/tickets/{a['id']}/rating-request", headers=clerk)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_finished"
    c.post(f"/api/v1/tickets/{a['id']}/resume", headers=clerk)
    assert c.get(f"/api/v1/windows/{wid}/suspended", headers=clerk).json() == []
    c.post(f"/api/v1/tickets/{a['id']}/complete", headers=clerk)
    clerk2 = login(c, "clerk2")
    r = c.post(f"/api/v1/tickets/{a['id']}/rating-request", headers=clerk2)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_ticket"
    r = c.post(f"/api/v1/tickets/{a['id']}/rating-request", headers=clerk)
    assert r.status_code == 200 and r.json()["tracking_token"] == a["tracking_token"]
    assert c.post("/api/v1/tickets/99999/rating-request", headers=clerk).status_code == 404
    today = c.get("/api/v1/staff/me/today", headers=clerk).json()
    assert today["served"] == 1 and today["avg_service_minutes"] is not None
    assert b["status"] == "waiting"


def test_rating_request_event_has_no_personal_data(client: TestClient) -> None:
    c = client
    clerk = login(c, "clerk1")
    wid = open_window(c, clerk, 1)
    t = issue(c, HUKOU, id_number="11010519491231002X", citizen_name="张三")
    c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
    c.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk)
    c.post(f"/api/v1/tickets/{t['id']}/complete", headers=clerk)
    assert c.post(f"/api/v1/tickets/{t['id']}/rating-request", headers=clerk).status_code == 200
    with c.app.state.db.read() as s:
        ev = s.scalar(select(Event).where(Event.type == "ticket.rating_requested"))
        # The window's rating pad shows the clerk (staff name and 工号), never the citizen.
        assert ev.data == {"ticket_id": t["id"], "number": t["number"], "window_id": wid,
                           "window_number": 1, "clerk": {"name": "王芳", "staff_no": "clerk1"}}
        assert ev.private is None
        completed = s.scalar(select(Event).where(Event.type == "ticket.completed"))
        # The acting clerk is staff-only data, never in the public part.
        assert "staff_id" not in completed.data and completed.private["staff_id"]
        assert "张" not in str(completed.data)
