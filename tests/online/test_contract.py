"""The cross-team contract: booking → kiosk lookup/check-in → counter sees the materials."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.api import HUKOU, KIOSK, issue, login, open_window
from tests.support.online import book_appointment, sample_pdf, sample_png


def test_booking_checkin_and_counter_materials(any_client: TestClient) -> None:
    c = any_client
    pdf, png = sample_pdf(), sample_png()
    booking = book_appointment(
        c, service_code=HUKOU, name="张小三",
        materials={"id_card": ("身份证.png", png, "image/png"),
                   "hukou_book": ("户口簿.pdf", pdf, "application/pdf")},
        accept=["id_card"], reject={"hukou_book": "户主页不清晰"})
    code = booking["booking_code"]
    assert len(code) == 8 and booking["status"] == "booked"
    by_code = {m["code"]: m for m in booking["materials"]}
    assert by_code["id_card"]["status"] == "accepted"
    assert by_code["hukou_book"] == {**by_code["hukou_book"], "status": "rejected",
                                     "reason": "户主页不清晰"}
    assert by_code["move_proof"]["status"] == "missing"

    # Walk-ins queued earlier; the checked-in appointment still goes first.
    walk_in = issue(c, HUKOU)
    r = c.post("/api/v1/halls/demo/checkins/lookup", json={"booking_code": code.lower()},
               headers=KIOSK)
    assert r.status_code == 200, r.text
    [found] = r.json()["appointments"]
    assert found["citizen_name_masked"] == "张*三"
    assert found["id_masked"].startswith("110105") and "*" in found["id_masked"]
    assert "张小三" not in r.text and booking["id_number"] not in r.text
    assert found["arrival"] in ("on_time", "early") and found["can_check_in"] is True
    assert {m["code"]: m["status"] for m in found["materials"]}["hukou_book"] == "rejected"

    r = c.post("/api/v1/halls/demo/checkins", json={"booking_code": code}, headers=KIOSK)
    assert r.status_code == 201, r.text
    ticket = r.json()
    assert ticket["priority_class"] == "appointment" and ticket["source"] == "appointment"
    assert ticket["appointment"]["booking_code"] == code
    assert ticket["appointment"]["late"] is False
    assert ticket["number"].startswith("A") and ticket["tracking_token"]

    again = c.post("/api/v1/halls/demo/checkins", json={"booking_code": code}, headers=KIOSK)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_checked_in"
    assert ticket["number"] in again.json()["error"]["message"]

    clerk = login(c, "clerk1")
    other = login(c, "clerk2")
    assert c.get(f"/api/v1/tickets/{ticket['id']}/materials", headers=clerk).status_code == 403
    wid = open_window(c, clerk, 4)
    called = c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
    assert called.status_code == 200, called.text
    assert called.json()["id"] == ticket["id"] != walk_in["id"]
    assert called.json()["call_reason"] == "appointment"
    assert called.json()["appointment"]["booking_code"] == code
    assert called.json()["materials_summary"] == {"total": 3, "accepted": 1, "rejected": 1,
                                                  "pending": 0, "missing": 1,
                                                  "from_licence": 0}

    r = c.get(f"/api/v1/tickets/{ticket['id']}/materials", headers=clerk)
    assert r.status_code == 200, r.text
    mats = {m["material_code"]: m for m in r.json()}
    assert mats["id_card"]["content_type"] == "image/png"
    assert mats["hukou_book"]["review_status"] == "rejected"
    mid = mats["id_card"]["id"]
    content = c.get(f"/api/v1/materials/{mid}/content", headers=clerk)
    assert content.status_code == 200 and content.content == png
    assert content.headers["content-type"] == "image/png"
    assert c.get(f"/api/v1/materials/{mid}/content", headers=other).status_code == 403
    v = c.post(f"/api/v1/materials/{mid}/verify", headers=clerk)
    assert v.status_code == 200 and v.json()["verified"] is True
    assert v.json()["verified_by"] == "王芳"

    log = c.get(f"/api/v1/materials/{mid}/audit", headers=login(c, "manager"))
    assert log.status_code == 200
    entries = [e for e in log.json() if e["action"] in ("read", "verify")]
    assert [(e["staff"], e["ticket_id"], e["action"]) for e in entries] == [
        ("王芳", ticket["id"], "read"), ("王芳", ticket["id"], "verify")]
    assert c.get(f"/api/v1/materials/{mid}/audit", headers=clerk).status_code == 403


def test_checkin_by_id_number_and_errors(client: TestClient) -> None:
    c = client
    booking = book_appointment(c, name="李四")
    r = c.post("/api/v1/halls/demo/checkins/lookup", json={"id_number": booking["id_number"]},
               headers=KIOSK)
    assert r.status_code == 200, r.text
    assert [a["booking_code"] for a in r.json()["appointments"]] == [booking["booking_code"]]
    missing = c.post("/api/v1/halls/demo/checkins/lookup", json={"booking_code": "ZZZZ2222"},
                     headers=KIOSK)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "appointment_not_found"
    bad = c.post("/api/v1/halls/demo/checkins", json={"id_number": "110105199001011235"},
                 headers=KIOSK)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_id_number"
    assert c.post("/api/v1/halls/demo/checkins", json={"booking_code": "X"}).status_code == 401
    walk_key = {"Idempotency-Key": "walk-in-1", **KIOSK}
    assert c.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                  headers=walk_key).status_code == 201
    reused = c.post("/api/v1/halls/demo/checkins", json={"id_number": booking["id_number"]},
                    headers=walk_key)
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    key = {"Idempotency-Key": "kiosk-retry-1", **KIOSK}
    first = c.post("/api/v1/halls/demo/checkins", json={"id_number": booking["id_number"]},
                   headers=key)
    assert first.status_code == 201, first.text
    retry = c.post("/api/v1/halls/demo/checkins", json={"id_number": booking["id_number"]},
                   headers=key)
    assert retry.status_code == 201 and retry.json()["id"] == first.json()["id"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    ticket = c.get(f"/api/v1/tickets/{first.json()['id']}", headers=login(c, "manager")).json()
    assert ticket["appointment"]["booking_code"] == booking["booking_code"]
    assert ticket["materials_summary"]["missing"] == 3
