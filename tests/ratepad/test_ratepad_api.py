"""评价器 API: 办结 at a window prompts that window's pad over the websocket; the pad's rating is
stored once (window, clerk, ticket) through the evaluations domain; bad ones open a case; a pad
rates only its own window's recent tickets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from server.auth.models import Staff
from server.core.clock import utcnow
from server.evaluations.models import Evaluation
from server.tickets.models import Ticket
from tests.support.api import issue, login, open_window, window_id

PAD1 = {"Authorization": "Bearer demo-ratepad-token"}
PAD2 = {"Authorization": "Bearer demo-ratepad-token-2"}


def serve(c: TestClient, clerk: dict[str, str], wid: int) -> dict[str, Any]:
    """Issue a walk-in ticket, call it at the window, serve and complete it (办结)."""
    issue(c)
    ticket = c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    assert c.post(f"/api/v1/tickets/{ticket['id']}/start", headers=clerk).status_code == 200
    done = c.post(f"/api/v1/tickets/{ticket['id']}/complete", headers=clerk)
    assert done.status_code == 200, done.text
    return done.json()


def rate(c: TestClient, ticket_id: int, rating: int, headers: dict[str, str] = PAD1,
         reasons: list[str] | None = None) -> Any:  # noqa: ANN401 - httpx response
    return c.post("/api/v1/ratepad/ratings", headers=headers,
                  json={"ticket_id": ticket_id, "rating": rating, "reasons": reasons or []})


def test_complete_prompts_the_pad_and_the_rating_is_stored_once(any_client: TestClient) -> None:
    c = any_client
    clerk = login(c, "clerk1")
    wid = open_window(c, clerk, 1)
    state = c.get("/api/v1/ratepad/state", headers=PAD1).json()
    assert state["window"] == {"id": wid, "number": 1, "name": state["window"]["name"],
                               "state": "open"}
    assert state["clerk"] == {"name": "王芳", "staff_no": "clerk1"}
    assert [lv["label"] for lv in state["levels"]] == [
        "非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert "服务态度不好" in [r["label"] for r in state["reasons"]]
    assert state["prompt"] is None

    with c.websocket_connect("/ws/halls/demo?token=demo-ratepad-token") as ws:
        assert ws.receive_json()["type"] == "snapshot"
        ticket = serve(c, clerk, wid)
        asked = c.post(f"/api/v1/tickets/{ticket['id']}/rating-request", headers=clerk).json()
        assert asked["ratepad"] is True
        prompt = next(m for m in iter(ws.receive_json, None)
                      if m["type"] == "ticket.rating_requested")
    assert prompt["data"] == {"ticket_id": ticket["id"], "number": ticket["number"],
                              "window_id": wid, "window_number": 1,
                              "clerk": {"name": "王芳", "staff_no": "clerk1"}}
    # A pad that starts (or reloads) now still gets the prompt.
    assert c.get("/api/v1/ratepad/state", headers=PAD1).json()["prompt"] == prompt["data"]

    r = rate(c, ticket["id"], 4)
    assert r.status_code == 201, r.text
    assert r.json()["rating_label"] == "满意" and r.json()["case_opened"] is False
    with c.app.state.db.read() as s:
        ev = s.scalar(select(Evaluation).where(Evaluation.ticket_id == ticket["id"]))
        clerk1 = s.scalar(select(Staff.id).where(Staff.username == "clerk1"))
        assert (ev.window_id, ev.staff_id, ev.rating, ev.channel) == (wid, clerk1, 4, "pad")
    assert c.get("/api/v1/ratepad/state", headers=PAD1).json()["prompt"] is None

    again = rate(c, ticket["id"], 5)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    by_qr = c.post(f"/api/v1/track/{ticket['tracking_token']}/evaluation", json={"rating": 1})
    assert by_qr.status_code == 409 and by_qr.json()["error"]["code"] == "already_rated"


def test_bad_rating_needs_reasons_and_opens_a_case(client: TestClient) -> None:
    clerk = login(client, "clerk1")
    ticket = serve(client, clerk, open_window(client, clerk, 1))
    none = rate(client, ticket["id"], 2)
    assert none.status_code == 422 and none.json()["error"]["code"] == "reasons_required"
    unknown = rate(client, ticket["id"], 2, reasons=["rude"])
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "invalid_reason"
    good = rate(client, ticket["id"], 5, reasons=["slow"])
    assert good.status_code == 422 and good.json()["error"]["code"] == "reasons_not_allowed"

    r = rate(client, ticket["id"], 1, reasons=["long_wait", "attitude"])
    assert r.status_code == 201, r.text
    assert r.json()["case_opened"] is True and r.json()["reasons"] == ["attitude", "long_wait"]
    cases = client.get("/api/v1/halls/demo/cases", headers=login(client, "manager")).json()
    case = next(k for k in cases if k["ticket_id"] == ticket["id"])
    assert case["rating_label"] == "非常不满意" and case["channel"] == "pad"
    assert case["rated_staff"]["name"] == "王芳" and case["window_number"] == 1
    assert case["comment"] == "服务态度不好、等候时间过长"
    assert case["dimensions"] == {"attitude": 1, "efficiency": 1}


def test_a_pad_rates_only_its_own_windows_recent_tickets(client: TestClient) -> None:
    clerk = login(client, "clerk1")
    wid = open_window(client, clerk, 1)
    by_qr = serve(client, clerk, wid)
    qr = client.post(f"/api/v1/track/{by_qr['tracking_token']}/evaluation", json={"rating": 5})
    assert qr.status_code == 201
    r = rate(client, by_qr["id"], 3)  # rated by the slip's QR code first
    assert r.status_code == 409 and r.json()["error"]["message"] == "该号码已评价，感谢您的反馈"

    ticket = serve(client, clerk, wid)
    other = rate(client, ticket["id"], 5, headers=PAD2)
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_this_window"
    for headers in ({"Authorization": "Bearer demo-display-token"}, clerk, {}):
        assert rate(client, ticket["id"], 5, headers=headers).status_code in (401, 403)
        assert client.get("/api/v1/ratepad/state", headers=headers).status_code in (401, 403)

    waiting = issue(client)
    r = rate(client, waiting["id"], 5)
    assert r.status_code == 403  # not served at this window (yet)

    client.app.state.db.write(lambda s: s.execute(
        update(Ticket).where(Ticket.id == ticket["id"])
        .values(finished_at=utcnow() - timedelta(minutes=11))))
    late = rate(client, ticket["id"], 5)
    assert late.status_code == 409 and late.json()["error"]["code"] == "rating_expired"
    assert client.get("/api/v1/ratepad/state", headers=PAD1).json()["prompt"] is None


def test_a_ratepad_belongs_to_a_window_of_its_hall(client: TestClient) -> None:
    admin = login(client, "admin")
    body = {"hall_code": "demo", "kind": "ratepad", "name": "评价器"}
    r = client.post("/api/v1/devices", json=body, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["code"] == "window_required"
    r = client.post("/api/v1/devices", headers=admin,
                    json={**body, "window_id": window_id(client, admin, 3)})
    assert r.status_code == 201
    pad = {"Authorization": f"Bearer {r.json()['token']}"}
    state = client.get("/api/v1/ratepad/state", headers=pad).json()
    assert state["window"]["number"] == 3 and state["clerk"] is None  # nobody signed in
