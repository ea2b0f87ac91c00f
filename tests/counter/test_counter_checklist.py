"""GET /tickets/{id}/checklist (issue 16 item 6): every material of the service, 未提交 first,
then the pre-submitted ones with their pre-review state; the handling clerk gets the full name
(audited once per clerk and ticket), managers and public views only the masked one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.api import HUKOU, KIOSK, SOCIAL, issue, login, open_window
from tests.support.online import book_appointment, sample_png

PNG = sample_png()


def test_checklist_orders_missing_first_and_shows_the_full_name_to_the_handler(
        any_client: TestClient) -> None:
    client = any_client
    booking = book_appointment(
        client, service_code=HUKOU, name="张小三",
        materials={"hukou_book": ("户口簿.png", PNG, "image/png"),
                   "move_proof": ("证明.png", PNG, "image/png")},
        accept=["hukou_book"], reject={"move_proof": "印章不清晰"})
    r = client.post("/api/v1/halls/demo/checkins",
                    json={"booking_code": booking["booking_code"]}, headers=KIOSK)
    assert r.status_code == 201, r.text
    ticket = r.json()
    clerk = login(client, "clerk4")
    wid = open_window(client, clerk, 4)
    called = client.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    assert called["id"] == ticket["id"]

    url = f"/api/v1/tickets/{ticket['id']}/checklist"
    body = client.get(url, headers=clerk).json()
    assert [(i["name"], i["status"]) for i in body["items"]] == [
        ("居民身份证", "missing"), ("居民户口簿", "accepted"), ("准予迁入证明", "rejected")]
    assert body["items"][0]["id"] is None and body["items"][2]["review_reason"] == "印章不清晰"
    assert body["citizen_name"] == "张小三" and body["citizen_name_masked"] == "张*三"
    client.get(url, headers=clerk)  # the counter re-reads on every change: one audit row

    manager = login(client, "manager")
    reads = [e for e in client.get("/api/v1/halls/demo/audit", headers=manager).json()
             if e["entity"] == "citizen_name"]
    assert [(e["action"], e["staff_name"], e["entity_key"]) for e in reads] == [
        ("read", "刘洋", f"ticket {ticket['id']} {ticket['number']}")]
    as_manager = client.get(url, headers=manager).json()
    assert as_manager["citizen_name"] is None and as_manager["citizen_name_masked"] == "张*三"
    other = client.get(url, headers=login(client, "clerk1"))
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_handling_ticket"
    tracked = client.get(f"/api/v1/track/{ticket['tracking_token']}")
    assert "张小三" not in tracked.text  # public surfaces stay masked


def test_walk_in_lists_every_material_as_not_submitted(any_client: TestClient) -> None:
    client = any_client
    ticket = issue(client, SOCIAL)
    clerk = login(client, "clerk5")
    wid = open_window(client, clerk, 5)
    assert client.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()["id"] == \
        ticket["id"]
    body = client.get(f"/api/v1/tickets/{ticket['id']}/checklist", headers=clerk).json()
    assert [(i["name"], i["status"], i["id"]) for i in body["items"]] == [
        ("居民身份证", "missing", None), ("近期免冠证件照", "missing", None)]
    assert body["citizen_name"] is None
