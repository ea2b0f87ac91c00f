"""Follow-ups of the 办件 on both databases (one app per backend for the module):
电子证照 in the booking, check-in and counter checklists (a material the licence store holds is
shown as fetched, never counted as missing, never asked for as an upload), and 一事一评 (a
decided application is rated once, through the slip or the portal; 差评 opens the follow-up
case as a visit's bad rating does)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.demo import DEMO_LICENCE_ID
from tests.conftest import make_settings
from tests.support.api import HUKOU, KIOSK, issue, login, open_window
from tests.support.databases import copy_sqlite, require_postgres
from tests.support.online import book_appointment, sample_pdf, upload_material

FETCHED = "已从电子证照库调取"


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def c(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
      sqlite_template: Path) -> Iterator[TestClient]:
    """One demo app per backend, shared by the tests below (they touch different people)."""
    data = tmp_path_factory.mktemp("followups") / "data"
    if request.param == "sqlite":
        url = copy_sqlite(sqlite_template, data)
    else:
        factory = request.getfixturevalue("pg_factory")
        require_postgres(factory)
        url = factory.new_database()
    with TestClient(create_app(make_settings(data, url))) as client:
        yield client


def _ok(r: Any, status: int = 200) -> Any:  # noqa: ANN401 - JSON of a response
    assert r.status_code == status, r.text
    return r.json()


def test_licence_material_is_fetched_in_every_checklist(c: TestClient) -> None:
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


def _approve(c: TestClient, app: dict[str, Any]) -> None:
    manager = login(c, "manager")
    decided = _ok(c.post(f"/api/v1/applications/{app['id']}/review", headers=manager,
                         json={"decision": "approve"}))
    assert decided["status"] == "decided"


def test_rate_an_application_once_and_a_bad_rating_opens_a_case(c: TestClient) -> None:
    clerk = login(c, "clerk4")
    t = issue(c, HUKOU, id_number=DEMO_LICENCE_ID)
    wid = open_window(c, clerk, 4)
    assert _ok(c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk))["id"] == t["id"]
    _ok(c.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk))
    app = _ok(c.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk,
                     json={"materials": ["id_card", "move_proof"], "delivery": "pickup"}), 201)
    rate = f"/api/v1/track/{t['tracking_token']}/applications/{app['receipt_no']}/evaluation"

    early = c.post(rate, json={"rating": 5})
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_finished"
    [shown] = _ok(c.get(f"/api/v1/track/{t['tracking_token']}/applications"))
    assert shown["can_rate"] is False and shown["rating"] is None

    _approve(c, app)
    [shown] = _ok(c.get(f"/api/v1/track/{t['tracking_token']}/applications"))
    assert shown["can_rate"] is True
    wrong = c.post(f"/api/v1/track/{t['tracking_token']}/applications/X{app['receipt_no']}"
                   "/evaluation", json={"rating": 1})
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "application_not_found"
    rated = _ok(c.post(rate, json={"rating": 1, "dimensions": {"efficiency": 1},
                                   "comment": "审批太慢"}), 201)
    assert rated["receipt_no"] == app["receipt_no"] and rated["rating_label"] == "非常不满意"
    twice = c.post(rate, json={"rating": 5})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_rated"
    [shown] = _ok(c.get(f"/api/v1/track/{t['tracking_token']}/applications"))
    assert shown["rating"] == 1 and shown["can_rate"] is False

    manager = login(c, "manager")
    [case] = _ok(c.get("/api/v1/halls/demo/cases", headers=manager))
    assert case["receipt_no"] == app["receipt_no"] and case["ticket_id"] is None
    assert case["status"] == "open" and case["comment"] == "审批太慢"
    assert case["window_number"] == 4 and case["service_name"] == t["service_name"]
    # The visit itself is rated separately (一事一评 as well as per visit).
    _ok(c.post(f"/api/v1/tickets/{t['id']}/complete", headers=clerk))
    _ok(c.post(f"/api/v1/track/{t['tracking_token']}/evaluation", json={"rating": 5}), 201)

    # Through the portal: the citizen's own application, a good rating opens no case.
    b = book_appointment(c, service_code=HUKOU, phone="13900000202")
    own = _ok(c.post(f"/api/v1/appointments/{b['booking_code']}/application",
                     headers=login(c, "clerk1"),
                     json={"materials": ["id_card", "hukou_book", "move_proof"]}), 201)
    _approve(c, own)
    path = f"/api/v1/citizen/applications/{own['receipt_no']}/evaluation"
    stranger = book_appointment(c, service_code=HUKOU, phone="13900000203")
    other = c.post(path, json={"rating": 1}, headers=stranger["citizen_headers"])
    assert other.status_code == 404
    _ok(c.post(path, json={"rating": 5}, headers=b["citizen_headers"]), 201)
    [mine] = _ok(c.get("/api/v1/citizen/applications", headers=b["citizen_headers"]))
    assert mine["rating"] == 5
    assert len(_ok(c.get("/api/v1/halls/demo/cases", headers=manager))) == 1
