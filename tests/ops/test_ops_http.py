"""Operations surface: request ids, metrics access, early refusal of hostile bodies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.api import HUKOU, KIOSK, issue, login, open_window


def test_request_id_is_returned_and_propagated(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and len(r.headers["x-request-id"]) >= 8
    r = client.get("/readyz", headers={"X-Request-ID": "abc-123"})
    assert r.json()["status"] == "ready" and r.headers["x-request-id"] == "abc-123"


def test_metrics_need_admin_and_count_tickets(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=login(client, "clerk1")).status_code == 403
    clerk = login(client, "clerk1")
    wid = open_window(client, clerk, 1)
    issue(client, HUKOU)
    issue(client, HUKOU)
    client.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
    text = client.get("/metrics", headers=login(client, "admin")).text
    assert "tongban_tickets_issued_total 2.0" in text
    assert "tongban_tickets_called_total 1.0" in text
    assert 'route="/api/v1/halls/{hall_code}/tickets"' in text
    assert "tongban_websocket_connections" in text
    assert "tongban_alerts_open 0.0" in text


def test_hostile_bodies_are_refused_early(client: TestClient) -> None:
    url = "/api/v1/halls/demo/tickets"
    big = b'{"service_code": "' + b"x" * 2_000_000 + b'"}'
    r = client.post(url, content=big, headers={**KIOSK, "content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"

    def chunks():  # no Content-Length: the limit is enforced while streaming
        for _ in range(40):
            yield b"x" * 50_000

    r = client.post(url, content=chunks(), headers={**KIOSK, "content-type": "application/json"})
    assert r.status_code == 413
    deep = b"[" * 100_000 + b"]" * 100_000
    r = client.post(url, content=deep, headers={**KIOSK, "content-type": "application/json"})
    assert 400 <= r.status_code < 500
    r = client.post(url, content=b'{"service_code": "\xff\xfe"}',
                    headers={**KIOSK, "content-type": "application/json"})
    assert 400 <= r.status_code < 500 and "error" in r.json()
    # Nothing was issued by any of these.
    assert client.get("/api/v1/halls/demo/board").json()["seq"] == 0
    assert issue(client, HUKOU)["number"] == "A001"
