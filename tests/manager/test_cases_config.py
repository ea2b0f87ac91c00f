"""好差评 follow-up cases, audited configuration, and access control."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from server.cases.models import FollowUpCase
from server.cases.service import list_cases
from server.catalog.calendar import add_working_days
from server.catalog.models import Hall
from tests.support.api import HUKOU, issue, login, open_window


def _done_ticket(c: TestClient, clerk: dict[str, str], wid: int) -> dict:
    t = issue(c, HUKOU)
    assert c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()["id"] == t["id"]
    c.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk)
    assert c.post(f"/api/v1/tickets/{t['id']}/complete", headers=clerk).status_code == 200
    return t


def test_working_day_deadlines() -> None:
    # Friday 2026-03-06 + 5 working days → Friday 2026-03-13 (weekend skipped).
    assert add_working_days(date(2026, 3, 6), 5) == date(2026, 3, 13)
    # Opened on a Saturday: counting starts Monday → the following Friday.
    assert add_working_days(date(2026, 3, 7), 5) == date(2026, 3, 13)
    # Wednesday + 5 with a closed Friday (e.g. a holiday) → Thursday after next.
    assert add_working_days(date(2026, 3, 4), 5, {date(2026, 3, 6)}) == date(2026, 3, 12)


def test_bad_rating_case_to_closure(any_client: TestClient) -> None:
    c = any_client
    clerk = login(c, "clerk1")
    wid = open_window(c, clerk, 4)
    good, bad, worst = (_done_ticket(c, clerk, wid) for _ in range(3))
    for t, rating in ((good, 4), (bad, 2), (worst, 1)):
        r = c.post(f"/api/v1/track/{t['tracking_token']}/evaluation",
                   json={"rating": rating, "dimensions": {"attitude": rating},
                         "comment": "等太久" if rating < 3 else "", "channel": "kiosk"})
        assert r.status_code == 201, r.text
    mgr = login(c, "manager")
    cases = c.get("/api/v1/halls/demo/cases", headers=mgr).json()
    assert sorted(x["number"] for x in cases) == sorted([bad["number"], worst["number"]])
    case = next(x for x in cases if x["number"] == bad["number"])
    assert case["status"] == "open" and case["rating_label"] == "不满意"
    assert case["comment"] == "等太久" and case["channel"] == "kiosk" and not case["overdue"]
    assert case["rated_staff"]["name"] == "王芳"
    opened = date.fromisoformat(case["opened_at"][:10])
    assert date.fromisoformat(case["due_date"]) > opened

    cid = case["id"]
    r = c.post(f"/api/v1/cases/{cid}/reply", json={"text": "x"}, headers=mgr)
    assert r.status_code == 409 and r.json()["error"]["code"] == "case_not_assigned"
    r = c.post(f"/api/v1/cases/{cid}/close", json={"resolution": "x"}, headers=mgr)
    assert r.status_code == 409 and r.json()["error"]["code"] == "case_not_replied"
    assert c.post(f"/api/v1/cases/{cid}/assign", json={"staff_id": 999999},
                  headers=mgr).status_code == 422
    staff = c.get("/api/v1/staff", params={"hall": "demo"}, headers=mgr).json()
    clerk2_id = next(x["id"] for x in staff if x["username"] == "clerk2")
    r = c.post(f"/api/v1/cases/{cid}/assign", json={"staff_id": clerk2_id}, headers=mgr)
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    # clerk1 is not the assignee; clerk2 is.
    r = c.post(f"/api/v1/cases/{cid}/reply", json={"text": "已致电解释"}, headers=clerk)
    assert r.status_code == 403
    assert c.post(f"/api/v1/cases/{cid}/assign", json={"staff_id": clerk2_id},
                  headers=clerk).status_code == 403
    clerk2 = login(c, "clerk2")
    r = c.post(f"/api/v1/cases/{cid}/reply", json={"text": "已致电群众说明情况并致歉"},
               headers=clerk2)
    assert r.status_code == 200 and r.json()["status"] == "replied"
    r = c.post(f"/api/v1/cases/{cid}/close", json={"resolution": "群众表示理解"}, headers=mgr)
    body = r.json()
    assert r.status_code == 200 and body["status"] == "closed" and body["closed_at"]
    assert [h["action"] for h in body["history"]] == ["opened", "assigned", "replied", "closed"]
    assert c.post(f"/api/v1/cases/{cid}/close", json={"resolution": "again"},
                  headers=mgr).status_code == 409
    assert [x["status"] for x in c.get("/api/v1/halls/demo/cases", params={"status": "closed"},
                                       headers=mgr).json()] == ["closed"]


def test_overdue_flag(client: TestClient) -> None:
    c = client
    clerk = login(c, "clerk1")
    wid = open_window(c, clerk, 4)
    t = _done_ticket(c, clerk, wid)
    c.post(f"/api/v1/track/{t['tracking_token']}/evaluation", json={"rating": 1})
    db = c.app.state.db
    with db.read() as s:
        case = s.scalar(select(FollowUpCase))
        hall = s.scalar(select(Hall).where(Hall.code == "demo"))
        due = case.due_date
        on_due = list_cases(s, hall=hall, today=due)
        after = list_cases(s, hall=hall, today=date.fromordinal(due.toordinal() + 1))
        only_overdue = list_cases(s, hall=hall, today=date.fromordinal(due.toordinal() + 1),
                                  overdue=True)
    assert not on_due[0]["overdue"] and after[0]["overdue"] and len(only_overdue) == 1


def test_config_changes_are_validated_and_audited(client: TestClient) -> None:
    c = client
    mgr = login(c, "manager")
    url = f"/api/v1/halls/demo/config/services/{HUKOU}"
    for body, code in (({"expected_minutes": 0}, "validation_error"),
                       ({"booking": {"slot_minutes": 1}}, "invalid_booking"),
                       ({"booking": {"capacity_per_slot": "many"}}, "invalid_booking"),
                       ({"materials": [{"code": "a", "name": "甲"}, {"code": "a", "name": "乙"}]},
                        "invalid_materials")):
        r = c.put(url, json=body, headers=mgr)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (body, r.text)
    r = c.put(url, json={"expected_minutes": 15, "booking": {"slot_minutes": 30,
                                                              "capacity_per_slot": 4}},
              headers=mgr)
    assert r.status_code == 200 and r.json()["expected_minutes"] == 15
    msg = c.put(url, json={"booking": {"horizon_days": 0}}, headers=mgr).json()["error"]
    assert msg["message"] == "可提前预约天数应为 1–90 之间的整数"
    cfg = c.get("/api/v1/halls/demo/config", headers=mgr).json()
    w4 = next(w for w in cfg["windows"] if w["number"] == 4)
    r = c.put(f"/api/v1/halls/demo/config/windows/{w4['id']}", headers=mgr,
              json={"services": [{"service_code": HUKOU, "priority": 8}]})
    assert r.status_code == 200 and r.json()["services"][0]["priority"] == 8
    r = c.put(f"/api/v1/halls/demo/config/windows/{w4['id']}", headers=mgr,
              json={"services": [{"service_code": HUKOU, "priority": 10}]})
    assert r.status_code == 422
    r = c.post("/api/v1/halls/demo/config/staff", headers=mgr,
               json={"username": "clerk9", "password": "secret123", "full_name": "新同事"})
    assert r.status_code == 201
    r = c.post("/api/v1/halls/demo/config/staff", headers=mgr,
               json={"username": "boss2", "password": "secret123", "full_name": "x",
                     "role": "manager"})
    assert r.status_code == 403
    dev = c.post("/api/v1/halls/demo/config/devices", headers=mgr,
                 json={"kind": "display", "name": "二楼屏"})
    assert dev.status_code == 201 and dev.json()["token"]
    assert c.delete(f"/api/v1/halls/demo/config/devices/{dev.json()['id']}",
                    headers=mgr).json()["revoked"]
    r = c.put("/api/v1/halls/demo/notice", json={"notice": "今日下午系统升级"}, headers=mgr)
    assert r.status_code == 200
    assert c.get("/api/v1/halls/demo/board",
                 headers={"Authorization": "Bearer demo-display-token"}).json()["notice"] \
        == "今日下午系统升级"
    r = c.put("/api/v1/halls/demo/manager-settings", headers=mgr,
              json={"case_deadline_days": 0})
    assert r.status_code == 422
    r = c.put("/api/v1/halls/demo/manager-settings", headers=mgr,
              json={"case_deadline_days": 3, "closed_days": ["2026-10-01"]})
    assert r.status_code == 200 and r.json()["case_deadline_days"] == 3

    audit = c.get("/api/v1/halls/demo/audit", headers=mgr).json()
    entities = [a["entity"] for a in reversed(audit)]
    assert entities == ["service", "window", "staff", "device", "device", "notice", "settings"]
    svc = audit[-1]
    assert svc["before"]["expected_minutes"] == 12 and svc["after"]["expected_minutes"] == 15
    assert svc["after"]["booking"] == {"slot_minutes": 30, "capacity_per_slot": 4}
    assert all("secret123" not in str(a) for a in audit)


def test_access_control(client: TestClient) -> None:
    c = client
    admin = login(c, "admin")
    assert c.post("/api/v1/halls", json={"code": "east", "name": "东区分中心"},
                  headers=admin).status_code == 201
    assert c.post("/api/v1/staff", headers=admin, json={
        "username": "eastboss", "password": "east12345", "role": "manager",
        "hall_code": "east"}).status_code == 201
    east = login(c, "eastboss", "east12345")
    clerk = login(c, "clerk1")
    mgr = login(c, "manager")
    paths = ["/api/v1/halls/demo/stats", "/api/v1/halls/demo/stats/export.xlsx",
             "/api/v1/halls/demo/alerts", "/api/v1/halls/demo/live", "/api/v1/halls/demo/cases",
             "/api/v1/halls/demo/audit", "/api/v1/halls/demo/config",
             "/api/v1/halls/demo/alert-rules"]
    for p in paths:
        assert c.get(p).status_code == 401, p
        assert c.get(p, headers=clerk).status_code == 403, p
        assert c.get(p, headers=east).status_code == 403, p
        assert c.get(p, headers=mgr).status_code == 200, p
        assert c.get(p, headers=admin).status_code == 200, p
    assert c.put("/api/v1/halls/demo/notice", json={"notice": "x"},
                 headers=east).status_code == 403
    r = c.get("/api/v1/halls/demo/stats", params={"from": "2026-13-01"}, headers=mgr)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_date"
    r = c.get("/api/v1/halls/demo/stats", params={"from": "2026-03-02", "to": "2026-03-01"},
              headers=mgr)
    assert r.json()["error"]["code"] == "invalid_range"
    r = c.get("/api/v1/halls/demo/stats", params={"group": "planet"}, headers=mgr)
    assert r.json()["error"]["code"] == "invalid_group"


def test_live_snapshot_numbers(client: TestClient) -> None:
    c = client
    mgr = login(c, "manager")
    clerk = login(c, "clerk1")
    wid = open_window(c, clerk, 4)
    issue(c, HUKOU)
    issue(c, HUKOU)
    c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
    live = c.get("/api/v1/halls/demo/live", headers=mgr).json()
    assert live["totals"]["issued"] == 2 and live["totals"]["waiting"] == 1
    assert live["totals"]["in_service"] == 1 and live["totals"]["open_windows"] == 1
    hukou = next(x for x in live["services"] if x["code"] == HUKOU)
    assert hukou["waiting"] == 1 and hukou["estimated_wait_minutes"] is not None
    w4 = next(w for w in live["windows"] if w["number"] == 4)
    assert w4["clerk"] == "王芳" and w4["current_ticket"]["number"] == "A001"
    assert w4["serving_seconds"] is not None
