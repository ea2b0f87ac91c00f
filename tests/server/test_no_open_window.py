"""Services nobody serves (issue 16 item 1): no estimate, no closed window named, 暂停受理.

The demo hall starts with every window closed. 户籍 (prefix A) is handled by windows 1, 2 and 4.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support.api import HUKOU, KIOSK, issue, login, open_window, window_id

BOARD = "/api/v1/halls/demo/board"


def _hukou(client: TestClient, path: str = BOARD, headers: dict[str, str] | None = None
           ) -> dict[str, Any]:
    r = client.get(path, headers=headers or KIOSK)
    assert r.status_code == 200, r.text
    body = r.json()
    services = body["services"] if isinstance(body, dict) else body
    return next(s for s in services if s["code"] == HUKOU)


def test_no_open_window_means_no_estimate_and_no_window_named(any_client: TestClient) -> None:
    client = any_client
    issue(client)  # someone already waits: the old fallback estimated from the closed windows
    for path in (BOARD, "/api/v1/halls/demo/services"):
        svc = _hukou(client, path)
        assert svc["accepting"] is False and svc["estimated_wait_minutes"] is None
    manager = login(client, "manager")
    live = _hukou(client, "/api/v1/halls/demo/live", manager)
    assert live["accepting"] is False and live["estimated_wait_minutes"] is None

    ticket = issue(client)  # the default policy (ask): the kiosk asked, the citizen said yes
    assert ticket["accepting"] is False
    assert ticket["estimated_wait_minutes"] is None and ticket["window_hint"] == ""
    assert ticket["people_ahead"] == 1
    tracked = client.get(f"/api/v1/track/{ticket['tracking_token']}").json()
    assert tracked["accepting"] is False and tracked["estimated_wait_minutes"] is None
    assert tracked["window_hint"] == ""
    found = client.get(f"/api/v1/halls/demo/tickets/by-number/{ticket['number']}",
                       headers=KIOSK).json()
    assert found["accepting"] is False and found["window_hint"] == ""

    clerk = login(client, "clerk1")
    open_window(client, clerk, 2)  # of 1, 2 and 4 only window 2 opens
    svc = _hukou(client)
    assert svc["accepting"] is True and svc["estimated_wait_minutes"] is not None
    tracked = client.get(f"/api/v1/track/{ticket['tracking_token']}").json()
    assert tracked["accepting"] is True and tracked["window_hint"] == "2号窗口"
    assert tracked["estimated_wait_minutes"] is not None

    wid = window_id(client, clerk, 2)
    assert client.post(f"/api/v1/windows/{wid}/pause", headers=clerk).status_code == 200
    assert _hukou(client)["accepting"] is True  # a paused window is expected back
    assert client.post(f"/api/v1/windows/{wid}/close", headers=clerk).status_code == 200
    svc = _hukou(client)
    assert svc["accepting"] is False and svc["estimated_wait_minutes"] is None


def test_hall_can_refuse_numbers_nobody_would_serve(any_client: TestClient) -> None:
    client = any_client
    manager = login(client, "manager")
    url = "/api/v1/halls/demo/manager-settings"
    bad = client.put(url, json={"no_window_policy": "maybe"}, headers=manager)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_settings"
    r = client.put(url, json={"no_window_policy": "refuse"}, headers=manager)
    assert r.status_code == 200 and r.json()["no_window_policy"] == "refuse"

    r = client.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU}, headers=KIOSK)
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "no_open_window" and "暂无窗口办理" in error["message"]

    open_window(client, login(client, "clerk1"), 4)
    ticket = issue(client)
    assert ticket["accepting"] is True and ticket["window_hint"] == "4号窗口"
