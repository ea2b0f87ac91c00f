"""The whole 办件 path on SQLite and PostgreSQL: window acceptance with a licence, joint review
by two departments, result ready, 取件 number at the kiosk, handed over at the 出件 window."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from server.demo import DEMO_LICENCE_ID
from server.events.models import Event
from tests.support.api import ESTATE, KIOSK, issue, login, open_window

PHONE = "13800001234"


def _ok(r: Any, status: int = 200) -> Any:  # noqa: ANN401 - JSON of a response
    assert r.status_code == status, r.text
    return r.json()


def _serve(c: TestClient, clerk: dict[str, str], window: int, **ticket: Any) -> dict:  # noqa: ANN401
    """Issue a 不动产 ticket at the kiosk and have window 7's clerk call and start it."""
    t = issue(c, ESTATE, **ticket)
    wid = open_window(c, clerk, window)
    called = _ok(c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk))
    assert called["id"] == t["id"]
    _ok(c.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk))
    return t


def test_accept_review_in_two_departments_ready_pickup_at_kiosk(any_client: TestClient) -> None:
    c = any_client
    clerk = login(c, "clerk7")
    t = _serve(c, clerk, 7, id_number=DEMO_LICENCE_ID, citizen_name="张三")

    # 受理: the 不动产权证书 comes from the licence store, the rest was handed over.
    app = _ok(c.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk, json={
        "materials": ["id_card", "sale_contract", "tax_receipt"], "phone": PHONE,
        "delivery": "pickup"}), 201)
    assert app["status"] == "in_review" and app["id_masked"].startswith("110101")
    assert DEMO_LICENCE_ID not in str(app)
    cert = next(m for m in app["materials"] if m["code"] == "property_cert")
    assert cert["source"] == "licence" and cert["licence_text"] == "已从电子证照库调取"
    assert [r["department"] for r in app["reviews"]] == ["不动产登记中心", "税务局"]
    assert app["promised_days"] == 5 and app["working_days_left"] >= 0

    registry, tax, police = login(c, "reviewer1"), login(c, "reviewer2"), login(c, "reviewer3")
    queue = _ok(c.get("/api/v1/halls/demo/applications", headers=registry))
    assert [a["id"] for a in queue] == [app["id"]]
    assert _ok(c.get("/api/v1/halls/demo/applications", headers=police)) == []
    denied = c.get(f"/api/v1/applications/{app['id']}", headers=police)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden_department"
    refused = c.post(f"/api/v1/applications/{app['id']}/review", headers=police,
                     json={"decision": "approve"})
    assert refused.status_code == 403

    # 并联审批: the first approval leaves it in review, the second decides it.
    one = _ok(c.post(f"/api/v1/applications/{app['id']}/review", headers=registry,
                     json={"decision": "approve"}))
    assert one["status"] == "in_review"
    assert {r["department"]: r["status"] for r in one["reviews"]} == {
        "不动产登记中心": "approved", "税务局": "pending"}
    assert _ok(c.get("/api/v1/halls/demo/applications", headers=registry)) == []
    again = c.post(f"/api/v1/applications/{app['id']}/review", headers=registry,
                   json={"decision": "approve"})
    assert again.status_code == 409
    both = _ok(c.post(f"/api/v1/applications/{app['id']}/review", headers=tax,
                      json={"decision": "approve"}))
    assert both["status"] == "decided" and both["outcome"] == "approved"

    ready = _ok(c.post(f"/api/v1/applications/{app['id']}/ready", headers=clerk))
    assert ready["status"] == "ready_for_pickup"

    # 取件 at the kiosk: a number in the 出件 queue, not behind new applications.
    nothing = c.post("/api/v1/halls/demo/pickups", headers=KIOSK,
                     json={"id_number": "110105199001011232"})
    assert nothing.status_code == 404
    pickup = _ok(c.post("/api/v1/halls/demo/pickups", headers=KIOSK,
                        json={"id_number": DEMO_LICENCE_ID}), 201)
    assert pickup["number"].startswith("Q") and pickup["service_code"] == "PICKUP"
    assert [a["receipt_no"] for a in pickup["applications"]] == [app["receipt_no"]]
    again = _ok(c.post("/api/v1/halls/demo/pickups", headers=KIOSK,
                       json={"id_number": DEMO_LICENCE_ID}), 201)
    assert again["number"] == pickup["number"]  # pressed twice: the same number, not a new one
    issue(c, ESTATE)  # a new applicant arrives after: the 出件 window does not call them
    handout = login(c, "clerk8")
    wid = open_window(c, handout, 11)
    called = _ok(c.post(f"/api/v1/windows/{wid}/call-next", headers=handout))
    assert called["number"] == pickup["number"]
    done = _ok(c.post(f"/api/v1/applications/{app['id']}/handover", headers=handout))
    assert done["status"] == "picked_up"

    # Progress for the citizen through the slip's tracking token: the whole timeline.
    tracked = _ok(c.get(f"/api/v1/track/{t['tracking_token']}/applications"))
    assert len(tracked) == 1 and "id_masked" not in tracked[0]
    steps = [s["action"] for s in tracked[0]["timeline"]]
    assert steps == ["accepted", "dispatched", "approved", "approved", "decided", "ready",
                     "pickup_ticket", "picked_up"]
    assert tracked[0]["on_time"] is True

    admin = login(c, "admin")
    sent = _ok(c.get("/api/v1/admin/outbox", headers=admin,
                     params={"recipient": PHONE, "kind": "application"}))
    assert len(sent) == 4  # sent to review, decided, ready, picked up
    assert any("统一出件窗口" in m["body"] for m in sent)
    with c.app.state.db.read() as s:
        types = list(s.scalars(select(Event.type).where(Event.type.like("application.%"))
                               .order_by(Event.seq)))
    assert types == ["application.dispatched", "application.approved",
                     "application.decided", "application.ready", "application.picked_up"]
