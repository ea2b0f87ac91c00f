"""Small helpers to drive the HTTP API from tests (TestClient or httpx)."""

from __future__ import annotations

from typing import Any

import httpx

PASSWORD = "demo1234"
KIOSK = {"Authorization": "Bearer demo-kiosk-token"}
DISPLAY = {"Authorization": "Bearer demo-display-token"}
HUKOU = "11110000MB0123456X4000117001"  # prefix A, windows 1, 2, 4
IDCARD = "11110000MB0123456X4000117002"  # prefix A, windows 1, 2, 4
SOCIAL = "11110000MB0234567Y4000217001"  # prefix B, windows 1, 2, 3, 5
MEDICAL = "11110000MB0234567Y4000217002"  # prefix C, windows 1, 2, 5
FUND = "11110000MB0345678Z4000317001"  # prefix D, windows 2, 3, 6
ESTATE = "11110000MB0456789A4000417001"  # prefix E, window 7


def login(client: httpx.Client, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Log a staff member in and return the Authorization header."""
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def issue(client: httpx.Client, service: str = HUKOU, headers: dict[str, str] | None = None,
          **body: Any) -> dict[str, Any]:
    """Issue a ticket from the demo kiosk (or given headers); asserts 201."""
    r = client.post("/api/v1/halls/demo/tickets", json={"service_code": service, **body},
                    headers=headers or KIOSK)
    assert r.status_code == 201, r.text
    return r.json()


def window_id(client: httpx.Client, headers: dict[str, str], number: int) -> int:
    """Id of the demo window with this number."""
    r = client.get("/api/v1/windows", params={"hall": "demo"}, headers=headers)
    assert r.status_code == 200, r.text
    return next(w["id"] for w in r.json() if w["number"] == number)


def open_window(client: httpx.Client, headers: dict[str, str], number: int) -> int:
    """Open (claim) a demo window by number; returns its id."""
    wid = window_id(client, headers, number)
    r = client.post(f"/api/v1/windows/{wid}/open", headers=headers)
    assert r.status_code == 200, r.text
    return wid


def hall_with_device(client: httpx.Client, hall: str, kind: str) -> str:
    """Create hall `hall` (admin) with one service and a `kind` device; returns its token."""
    admin = login(client, "admin")
    for url, body in (("/api/v1/halls", {"code": hall, "name": f"{hall} 分中心"}),
                      (f"/api/v1/halls/{hall}/services",
                       {"code": f"{hall}-svc", "name": "社会保障卡申领", "prefix": "B"})):
        r = client.post(url, json=body, headers=admin)
        assert r.status_code == 201, r.text
    r = client.post("/api/v1/devices", json={"hall_code": hall, "kind": kind, "name": kind},
                    headers=admin)
    assert r.status_code == 201, r.text
    return r.json()["token"]
