"""窗口取件 time slots on SQLite and PostgreSQL: the counter lists free slots and books one at
acceptance, the citizen sees it on the slip's link and in the portal and moves it before
pickup, a full slot is refused, a refused result frees its place, and the public link masks
the carrier tracking number."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from server.catalog.models import Hall
from server.core.clock import business_day, utcnow
from tests.support.api import ESTATE, HUKOU, KIOSK, issue, login, open_window
from tests.support.online import book_appointment, make_id_number

ESTATE_MATERIALS = ["id_card", "sale_contract", "tax_receipt", "property_cert"]
HUKOU_MATERIALS = ["id_card", "hukou_book", "move_proof"]


def _ok(r: Any, status: int = 200) -> Any:  # noqa: ANN401 - JSON of a response
    assert r.status_code == status, r.text
    return r.json()


def _error(r: Any, status: int, code: str) -> None:  # noqa: ANN401
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code, r.text


def _capacity(c: TestClient, n: int) -> None:
    """Give the demo hall's pickup slots `n` places each."""

    def work(s: Session) -> None:
        hall = s.query(Hall).filter_by(code="demo").one()
        hall.settings = {**hall.settings, "pickup": {"slot_minutes": 60, "capacity_per_slot": n,
                                                     "days": 5}}

    c.app.state.db.write(work)


def _serving(c: TestClient, clerk: dict[str, str], window: int, service: str) -> dict:
    t = issue(c, service, id_number=make_id_number())
    wid = open_window(c, clerk, window)
    assert _ok(c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk))["id"] == t["id"]
    _ok(c.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk))
    return t


def _approve_all(c: TestClient, app: dict) -> dict:
    manager = login(c, "manager")
    for r in app["reviews"]:
        if r["status"] == "pending":
            app = _ok(c.post(f"/api/v1/applications/{app['id']}/review", headers=manager,
                             json={"decision": "approve", "department": r["department"]}))
    return app


def test_counter_books_a_slot_citizen_moves_it_and_full_slots_are_refused(
        any_client: TestClient) -> None:
    c = any_client
    _capacity(c, 1)
    clerk = login(c, "clerk7")
    t = _serving(c, clerk, 7, ESTATE)

    # The counter's list: open days from the day after the promised date, places left each.
    listed = _ok(c.get("/api/v1/halls/demo/pickup-slots", headers=clerk,
                       params={"service_code": ESTATE}))
    due = date.fromisoformat(listed["promised_due"])
    assert date.fromisoformat(listed["earliest"]) > due
    assert len(listed["days"]) == 5
    first_day = listed["days"][0]
    assert date.fromisoformat(first_day["date"]) > due
    slot, other = first_day["slots"][0], first_day["slots"][1]
    assert slot["available"] and slot["remaining"] == 1 and slot["label"].count(":") == 2
    denied = c.get("/api/v1/halls/demo/pickup-slots", headers=KIOSK,
                   params={"service_code": ESTATE})
    assert denied.status_code == 403

    # Too early (the promised day itself) and a time that is no slot are refused.
    early = c.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk, json={
        "materials": ESTATE_MATERIALS, "pickup_slot_start": f"{due}T09:30:00+08:00"})
    _error(early, 422, "pickup_slot_too_early")
    odd = c.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk, json={
        "materials": ESTATE_MATERIALS, "pickup_slot_start": f"{first_day['date']}T09:10:00+08:00"})
    _error(odd, 422, "invalid_pickup_slot")

    app = _ok(c.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk, json={
        "materials": ESTATE_MATERIALS, "delivery": "pickup", "phone": "13800005678",
        "pickup_slot_start": slot["start"]}), 201)
    assert app["pickup_slot"]["start"] == slot["start"]
    assert app["pickup_slot"]["text"].endswith(slot["label"])
    assert "预约取件时段" in app["timeline"][0]["text"]

    # The slot is now full for everyone else.
    again = _ok(c.get("/api/v1/halls/demo/pickup-slots", headers=clerk,
                      params={"service_code": ESTATE}))
    taken = next(x for x in again["days"][0]["slots"] if x["start"] == slot["start"])
    assert taken["remaining"] == 0 and not taken["available"]
    _ok(c.post(f"/api/v1/tickets/{t['id']}/complete", headers=clerk))
    t2 = _serving(c, clerk, 7, ESTATE)
    full = c.post(f"/api/v1/tickets/{t2['id']}/application", headers=clerk, json={
        "materials": ESTATE_MATERIALS, "pickup_slot_start": slot["start"]})
    _error(full, 409, "pickup_slot_full")

    # On the slip's link: the slot shown, the choices without its own place counted as taken.
    token, receipt = t["tracking_token"], app["receipt_no"]
    [shown] = _ok(c.get(f"/api/v1/track/{token}/applications"))
    assert shown["pickup_slot"]["start"] == slot["start"] and shown["can_change_pickup_slot"]
    assert "id_masked" not in shown and "name_masked" not in shown
    choices = _ok(c.get(f"/api/v1/track/{token}/applications/{receipt}/pickup-slots"))
    assert choices["can_change"] and choices["current"]["start"] == slot["start"]
    mine = next(x for x in choices["days"][0]["slots"] if x["start"] == slot["start"])
    assert mine["available"]
    wrong = c.get(f"/api/v1/track/{t2['tracking_token']}/applications/{receipt}/pickup-slots")
    _error(wrong, 404, "application_not_found")

    moved = _ok(c.put(f"/api/v1/track/{token}/applications/{receipt}/pickup-slot",
                      json={"slot_start": other["start"]}))
    assert moved["pickup_slot"]["start"] == other["start"]
    assert moved["timeline"][-1]["action"] == "pickup_slot"
    assert moved["timeline"][-1]["text"] == f"改约取件时段：{moved['pickup_slot']['text']}"
    # The old slot is free again: the second applicant takes it.
    app2 = _ok(c.post(f"/api/v1/tickets/{t2['id']}/application", headers=clerk, json={
        "materials": ESTATE_MATERIALS, "pickup_slot_start": slot["start"]}), 201)
    back = c.put(f"/api/v1/track/{token}/applications/{receipt}/pickup-slot",
                 json={"slot_start": slot["start"]})
    _error(back, 409, "pickup_slot_full")

    # Decided early: the result can be collected from today on; ready names the slot.
    decided = _approve_all(c, app)
    assert decided["status"] == "decided"
    choices = _ok(c.get(f"/api/v1/track/{token}/applications/{receipt}/pickup-slots"))
    assert choices["earliest"] == business_day(utcnow(), "Asia/Shanghai").isoformat()
    ready = _ok(c.post(f"/api/v1/applications/{app['id']}/ready", headers=clerk))
    assert ready["pickup_slot"]["text"] in ready["timeline"][-1]["text"]
    sent = _ok(c.get("/api/v1/admin/outbox", headers=login(c, "admin"),
                     params={"recipient": "13800005678", "kind": "application"}))
    assert any(ready["pickup_slot"]["text"] in m["body"] for m in sent)

    # After pickup nothing moves any more.
    _ok(c.post(f"/api/v1/applications/{app['id']}/handover", headers=clerk))
    late = c.put(f"/api/v1/track/{token}/applications/{receipt}/pickup-slot",
                 json={"slot_start": other["start"]})
    _error(late, 409, "illegal_transition")
    [shown] = _ok(c.get(f"/api/v1/track/{token}/applications"))
    assert shown["status"] == "picked_up" and not shown["can_change_pickup_slot"]

    # A refusal frees the place it held.
    refused = _ok(c.post(f"/api/v1/applications/{app2['id']}/review", headers=login(c, "manager"),
                         json={"decision": "refuse", "reason": "材料不符",
                               "department": "不动产登记中心"}))
    assert refused["outcome"] == "refused" and refused["pickup_slot"] is None
    free = _ok(c.get("/api/v1/halls/demo/pickup-slots", headers=clerk,
                     params={"service_code": ESTATE}))
    assert next(x for x in free["days"][0]["slots"] if x["start"] == slot["start"])["available"]


def test_citizen_moves_own_slot_in_the_portal_and_mail_is_masked_on_the_link(
        any_client: TestClient) -> None:
    c = any_client
    clerk = login(c, "clerk1")
    b = book_appointment(c, service_code=HUKOU, phone="13900000301")
    own = _ok(c.post(f"/api/v1/appointments/{b['booking_code']}/application", headers=clerk,
                     json={"materials": HUKOU_MATERIALS}), 201)
    assert own["pickup_slot"] is None  # not chosen at the counter: the citizen picks it online
    me = b["citizen_headers"]
    [mine] = _ok(c.get("/api/v1/citizen/applications", headers=me))
    assert mine["can_change_pickup_slot"] and mine["pickup_slot"] is None
    assert mine["promised_due"] and "working_days_left" in mine
    path = f"/api/v1/citizen/applications/{own['receipt_no']}"
    choices = _ok(c.get(f"{path}/pickup-slots", headers=me))
    start = choices["days"][0]["slots"][0]["start"]
    stranger = book_appointment(c, service_code=HUKOU, phone="13900000302")["citizen_headers"]
    _error(c.get(f"{path}/pickup-slots", headers=stranger), 404, "application_not_found")
    _error(c.put(f"{path}/pickup-slot", headers=stranger, json={"slot_start": start}), 404,
           "application_not_found")
    _error(c.put(f"{path}/pickup-slot", json={"slot_start": start}), 401, "unauthenticated")
    for odd in ("9999-12-31T23:00:00-23:00", "2026-12-07T09:00:00"):  # no local day; no zone
        _error(c.put(f"{path}/pickup-slot", headers=me, json={"slot_start": odd}), 422,
               "invalid_pickup_slot")
    chosen = _ok(c.put(f"{path}/pickup-slot", headers=me, json={"slot_start": start}))
    assert chosen["pickup_slot"]["start"] == start
    assert chosen["timeline"][-1]["text"].startswith("预约取件时段：")
    # The counter sees it too (and may move it there).
    staff = _ok(c.get(f"/api/v1/applications/{own['id']}", headers=clerk))
    assert staff["pickup_slot"]["start"] == start

    # 邮寄: no slot to choose; the public link hides the middle of the tracking number.
    t = _serving(c, clerk, 1, HUKOU)
    _error(c.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk, json={
        "materials": HUKOU_MATERIALS, "delivery": "mail", "mail_address": "示范市人民路2号",
        "pickup_slot_start": start}), 422, "pickup_slot_not_needed")
    mailed = _ok(c.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk, json={
        "materials": HUKOU_MATERIALS, "delivery": "mail", "mail_address": "示范市人民路2号"}), 201)
    nope = c.put(f"/api/v1/applications/{mailed['id']}/pickup-slot", headers=clerk,
                 json={"slot_start": start})
    _error(nope, 409, "wrong_delivery")
    _approve_all(c, mailed)
    _ok(c.post(f"/api/v1/applications/{mailed['id']}/mail", headers=clerk,
               json={"tracking_no": "SF1234567890"}))
    [public] = _ok(c.get(f"/api/v1/track/{t['tracking_token']}/applications"))
    assert public["mail_tracking_no"] == "SF******7890"
    assert "SF1234567890" not in str(public) and "SF******7890" in public["timeline"][-1]["text"]
    assert public["pickup_slot"] is None and not public["can_change_pickup_slot"]
