"""Every life-cycle transition over HTTP, legal and illegal, on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.api import HUKOU, SOCIAL, issue, login, open_window


def _called(client: TestClient, clerk: dict[str, str], wid: int) -> dict:
    r = client.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
    assert r.status_code == 200, r.text
    return r.json()


def test_full_happy_path_and_illegal_steps(any_client: TestClient) -> None:
    c = any_client
    clerk = login(c, "clerk1")
    wid = open_window(c, clerk, 1)
    t = issue(c, HUKOU)
    assert t["number"] == "A001" and t["status"] == "waiting" and t["position"] == 1
    tid = t["id"]

    # Illegal before calling: start/complete/no-show/recall/hang/resume are 409.
    for action in ("start", "complete", "no-show", "recall", "hang", "resume", "requeue"):
        r = c.post(f"/api/v1/tickets/{tid}/{action}", headers=clerk)
        assert r.status_code == 409, (action, r.text)
        assert r.json()["error"]["code"] == "illegal_transition"

    called = _called(c, clerk, wid)
    assert called["id"] == tid and called["status"] == "called" and called["call_count"] == 1
    assert called["window"]["number"] == 1 and called["call_reason"] == "longest_wait"

    r = c.post(f"/api/v1/tickets/{tid}/complete", headers=clerk)
    assert r.status_code == 409  # must start first
    assert c.post(f"/api/v1/tickets/{tid}/recall", headers=clerk).json()["call_count"] == 2
    assert c.post(f"/api/v1/tickets/{tid}/start", headers=clerk).json()["status"] == "serving"
    assert c.post(f"/api/v1/tickets/{tid}/hang", headers=clerk).json()["status"] == "suspended"
    assert c.post(f"/api/v1/tickets/{tid}/resume", headers=clerk).json()["status"] == "serving"
    done = c.post(f"/api/v1/tickets/{tid}/complete", headers=clerk).json()
    assert done["status"] == "done" and done["finished_at"]
    for action in ("complete", "cancel", "start", "recall", "no-show"):
        assert c.post(f"/api/v1/tickets/{tid}/{action}", headers=clerk).status_code == 409


def test_no_show_requeue_cancel_and_recall_limit(any_client: TestClient) -> None:
    c = any_client
    clerk = login(c, "clerk1")
    wid = open_window(c, clerk, 1)
    a, b, d = issue(c, HUKOU), issue(c, HUKOU), issue(c, HUKOU)

    first = _called(c, clerk, wid)
    assert first["id"] == a["id"]
    for _ in range(2):
        assert c.post(f"/api/v1/tickets/{a['id']}/recall", headers=clerk).status_code == 200
    r = c.post(f"/api/v1/tickets/{a['id']}/recall", headers=clerk)
    assert r.status_code == 409 and r.json()["error"]["code"] == "recall_limit"
    assert c.post(f"/api/v1/tickets/{a['id']}/no-show", headers=clerk).json()["status"] == "no_show"

    second = _called(c, clerk, wid)
    assert second["id"] == b["id"]
    back = c.post(f"/api/v1/tickets/{b['id']}/requeue", headers=clerk).json()
    assert back["status"] == "waiting" and back["position"] == 1  # keeps its place
    again = _called(c, clerk, wid)
    assert again["id"] == b["id"] and again["call_count"] == 2

    staff = login(c, "manager")
    r = c.post(f"/api/v1/tickets/{d['id']}/cancel", headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert c.post(f"/api/v1/tickets/{d['id']}/cancel", headers=staff).status_code == 409


def test_transfer_to_service_and_to_window_keeps_number(any_client: TestClient) -> None:
    c = any_client
    clerk1, clerk5 = login(c, "clerk1"), login(c, "clerk5")
    w1, w5 = open_window(c, clerk1, 1), open_window(c, clerk5, 5)
    t = issue(c, HUKOU)
    _called(c, clerk1, w1)
    c.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk1)

    r = c.post(f"/api/v1/tickets/{t['id']}/transfer", headers=clerk1,
               json={"service_code": SOCIAL})
    assert r.status_code == 422 and r.json()["error"]["code"] == "transfer_reason"
    r = c.post(f"/api/v1/tickets/{t['id']}/transfer", headers=clerk1,
               json={"service_code": SOCIAL, "reason": "需同时办理社保卡"})
    moved = r.json()
    assert r.status_code == 200 and moved["status"] == "waiting"
    assert moved["number"] == "A001" and moved["service_code"] == SOCIAL
    assert moved["original_service_code"] == HUKOU and moved["transfer_count"] == 1

    at5 = _called(c, clerk5, w5)  # window 5 handles SOCIAL but not HUKOU
    assert at5["id"] == t["id"] and at5["number"] == "A001"
    c.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk5)
    r = c.post(f"/api/v1/tickets/{t['id']}/transfer", headers=clerk5,
               json={"window_id": w1, "reason": "退回综合窗口补充材料"})
    assert r.status_code == 200 and r.json()["target_window_id"] == w1
    assert c.post(f"/api/v1/windows/{w5}/call-next", headers=clerk5).status_code == 204
    back = _called(c, clerk1, w1)
    assert back["id"] == t["id"] and back["call_reason"] == "transfer_target"


def test_clerk_can_only_act_on_own_window(any_client: TestClient) -> None:
    c = any_client
    clerk1, clerk2 = login(c, "clerk1"), login(c, "clerk2")
    w1 = open_window(c, clerk1, 1)
    t = issue(c, HUKOU)
    r = c.post(f"/api/v1/windows/{w1}/call-next", headers=clerk2)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_window"
    r = c.post(f"/api/v1/windows/{w1}/open", headers=clerk2)
    assert r.status_code == 409 and r.json()["error"]["code"] == "window_taken"
    _called(c, clerk1, w1)
    r = c.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk2)
    assert r.status_code == 403
    # A paused window cannot call; closing with a called ticket is refused.
    assert c.post(f"/api/v1/windows/{w1}/pause", headers=clerk1).json()["state"] == "paused"
    issue(c, HUKOU)
    assert c.post(f"/api/v1/windows/{w1}/close", headers=clerk1).status_code == 409
    c.post(f"/api/v1/tickets/{t['id']}/no-show", headers=clerk1)
    r = c.post(f"/api/v1/windows/{w1}/call-next", headers=clerk1)
    assert r.status_code == 409 and r.json()["error"]["code"] == "window_not_open"
    closed = c.post(f"/api/v1/windows/{w1}/close", headers=clerk1).json()
    assert closed["state"] == "closed" and closed["clerk"] is None
    assert c.post(f"/api/v1/windows/{w1}/open", headers=clerk2).status_code == 200


def test_evaluation_once_after_completion(client: TestClient) -> None:
    c = client
    clerk = login(c, "clerk1")
    wid = open_window(c, clerk, 1)
    t = issue(c, HUKOU)
    url = f"/api/v1/track/{t['tracking_token']}/evaluation"
    r = c.post(url, json={"rating": 5})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_finished"
    _called(c, clerk, wid)
    c.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk)
    c.post(f"/api/v1/tickets/{t['id']}/complete", headers=clerk)
    assert c.post(url, json={"rating": 7}).status_code == 422
    r = c.post(url, json={"rating": 2, "dimensions": {"attitude": 2}, "comment": "等太久"})
    assert r.status_code == 201 and r.json()["rating_label"] == "不满意"
    assert c.post(url, json={"rating": 5}).status_code == 409
    tracked = c.get(f"/api/v1/track/{t['tracking_token']}").json()
    assert tracked["status"] == "done" and tracked["window"]["number"] == 1
