"""一事一评: a decided application is rated once, through the slip or the portal; 差评 opens
the follow-up case as a visit's bad rating does."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from server.demo import DEMO_LICENCE_ID
from tests.support.api import HUKOU, issue, login, open_window
from tests.support.online import book_appointment


def _ok(r: Any, status: int = 200) -> Any:  # noqa: ANN401 - JSON of a response
    assert r.status_code == status, r.text
    return r.json()


def _approve(c: TestClient, app: dict[str, Any]) -> None:
    manager = login(c, "manager")
    decided = _ok(c.post(f"/api/v1/applications/{app['id']}/review", headers=manager,
                         json={"decision": "approve"}))
    assert decided["status"] == "decided"


def test_rate_an_application_once_and_a_bad_rating_opens_a_case(any_client: TestClient) -> None:
    c = any_client
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
