"""电子证照 in the booking, check-in and counter checklists: a material the licence store holds
is shown as fetched, never counted as missing and never asked for as an upload."""

from __future__ import annotations

from fastapi.testclient import TestClient

from server.demo import DEMO_LICENCE_ID
from tests.support.api import HUKOU, KIOSK, login, open_window
from tests.support.online import book_appointment, sample_pdf, upload_material

FETCHED = "已从电子证照库调取"


def test_licence_material_is_fetched_in_every_checklist(any_client: TestClient) -> None:
    c = any_client
    booking = book_appointment(c, service_code=HUKOU, id_number=DEMO_LICENCE_ID,
                               phone="13900000101")
    code, citizen = booking["booking_code"], booking["citizen_headers"]
    by_code = {m["code"]: m for m in booking["materials"]}
    assert by_code["hukou_book"]["status"] == "from_licence"
    assert by_code["hukou_book"]["source"] == "licence"
    assert by_code["hukou_book"]["licence_text"] == FETCHED
    assert by_code["hukou_book"]["presubmit"] is False
    assert by_code["id_card"]["status"] == "missing"
    assert booking["materials_summary"] == {"total": 3, "accepted": 0, "rejected": 0,
                                            "pending": 0, "missing": 2, "from_licence": 1}

    # The citizen is never asked to upload it: an upload is refused, and nothing is stored.
    up = upload_material(c, citizen, code, "hukou_book", "户口簿.pdf", sample_pdf(),
                         "application/pdf")
    assert up.status_code == 409 and up.json()["error"]["code"] == "material_from_licence"
    assert FETCHED in up.json()["error"]["message"]
    assert c.get(f"/api/v1/appointments/{code}/materials", headers=citizen).json() == []

    # The kiosk's check-in lookup shows the same.
    r = c.post("/api/v1/halls/demo/checkins/lookup", json={"booking_code": code}, headers=KIOSK)
    assert r.status_code == 200, r.text
    [found] = r.json()["appointments"]
    kiosk = {m["code"]: m for m in found["materials"]}
    assert kiosk["hukou_book"]["status"] == "from_licence"
    assert kiosk["hukou_book"]["licence_text"] == FETCHED
    ticket = c.post("/api/v1/halls/demo/checkins", json={"booking_code": code}, headers=KIOSK)
    assert ticket.status_code == 201, ticket.text

    # The counter: summary and checklist; missing ones first, the fetched one after.
    clerk = login(c, "clerk1")
    called = c.post(f"/api/v1/windows/{open_window(c, clerk, 1)}/call-next", headers=clerk)
    assert called.json()["id"] == ticket.json()["id"]
    assert called.json()["materials_summary"]["from_licence"] == 1
    assert called.json()["materials_summary"]["missing"] == 2
    r = c.get(f"/api/v1/tickets/{ticket.json()['id']}/checklist", headers=clerk)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["material_code"] for i in items][-1] == "hukou_book"
    book = items[-1]
    assert book["status"] == "from_licence" and book["licence_text"] == FETCHED
    assert book["licence_no"] and book["presubmit"] is False
    assert {i["status"] for i in items[:-1]} == {"missing"}
