"""Acceptance 3: a killed server restarts on the same data with numbering, queue and
idempotency intact."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.api import HUKOU, KIOSK, SOCIAL, login, open_window
from tests.support.live import LiveServer


def test_kill_and_restart_keeps_state(tmp_path: Path, database_url: str) -> None:
    server = LiveServer(tmp_path / "data", database_url).start()
    try:
        http = httpx.Client(base_url=server.url, timeout=10)
        clerk = login(http, "clerk1")
        wid = open_window(http, clerk, 1)
        first = http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                          headers={**KIOSK, "Idempotency-Key": "kiosk-1-req-1"}).json()
        second = http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                           headers=KIOSK).json()
        called = http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
        assert called["number"] == first["number"] == "A001"

        server.kill()
        server.start()
        http = httpx.Client(base_url=server.url, timeout=10)

        # The kiosk retries its request with the same key: same ticket, not a new one.
        retry = http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                          headers={**KIOSK, "Idempotency-Key": "kiosk-1-req-1"})
        assert retry.status_code == 201 and retry.headers.get("Idempotent-Replayed") == "true"
        assert retry.json()["id"] == first["id"] and retry.json()["number"] == "A001"
        third = http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                          headers=KIOSK).json()
        assert third["number"] == "A003"  # numbering continues
        assert http.post("/api/v1/halls/demo/tickets", json={"service_code": SOCIAL},
                         headers=KIOSK).json()["number"] == "B001"
        # The token survived, the window still holds A001, the queue order is intact.
        assert http.get(f"/api/v1/tickets/{first['id']}", headers=clerk).json()["status"] \
            == "called"
        queue = http.get(f"/api/v1/windows/{wid}/queue", headers=clerk).json()
        assert [i["number"] for i in queue["items"]][:2] == [second["number"], "A003"]
        http.post(f"/api/v1/tickets/{first['id']}/no-show", headers=clerk)
        assert http.post(f"/api/v1/windows/{wid}/call-next",
                         headers=clerk).json()["number"] == second["number"]
    finally:
        server.stop()
