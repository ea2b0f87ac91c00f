"""Structured logs carry request ids; metrics cover websockets, latencies and alerts; readiness
turns 503 when the database goes away."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from server.alerts.models import Alert
from server.app import create_app
from server.core.clock import utcnow
from tests.conftest import make_settings
from tests.support.api import HUKOU, KIOSK
from tests.support.databases import PostgresFactory, copy_sqlite, require_postgres
from tests.support.live import LiveServer


def test_json_logs_carry_the_request_id(tmp_path: Path, sqlite_template: Path) -> None:
    data = tmp_path / "data"
    copy_sqlite(sqlite_template, data)
    server = LiveServer(data, env={"TONGBAN_LOG_JSON": "true"}).start()
    try:
        with httpx.Client(base_url=server.url, timeout=10) as http:
            r = http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                          headers={**KIOSK, "X-Request-ID": "kiosk-7-req-0001"})
            assert r.status_code == 201 and r.headers["x-request-id"] == "kiosk-7-req-0001"
            generated = http.get("/api/v1/halls/demo/board").headers["x-request-id"]
    finally:
        server.stop()
    lines = [json.loads(line) for line in server.log_path.read_text().splitlines()
             if line.startswith("{")]
    mine = [x for x in lines if x["request_id"] == "kiosk-7-req-0001"]
    assert mine and mine[-1]["logger"] == "tongban.access"
    assert mine[-1]["method"] == "POST" and mine[-1]["status"] == 201
    assert mine[-1]["path"] == "/api/v1/halls/demo/tickets" and mine[-1]["duration_ms"] >= 0
    assert any(x["request_id"] == generated and x["path"].endswith("/board") for x in lines)
    assert all({"ts", "level", "logger", "msg", "request_id"} <= set(x) for x in lines)


def test_metrics_cover_websockets_latency_and_alerts(tmp_path: Path, sqlite_url: str) -> None:
    settings = make_settings(tmp_path / "data", sqlite_url, alert_interval_seconds=0,
                             retention_interval_hours=0, metrics_token="scrape-token-123456")
    with TestClient(create_app(settings)) as c:
        scrape = {"Authorization": "Bearer scrape-token-123456"}
        assert c.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        with c.websocket_connect("/ws/halls/demo?token=demo-display-token") as ws:
            ws.receive_json()
            text_open = c.get("/metrics", headers=scrape).text
        c.app.state.db.write(lambda s: s.add(Alert(
            hall_id=1, rule="queue_length", subject="x", level="red", message="m", value=50.0,
            raised_at=utcnow())))
        text_after = c.get("/metrics", headers=scrape).text
    assert "tongban_websocket_connections 1.0" in text_open
    assert "tongban_websocket_connections 0.0" in text_after
    assert "tongban_alerts_open 1.0" in text_after
    assert 'tongban_http_request_seconds_bucket{le="+Inf",method="GET",route="/metrics"}' \
        in text_after
    assert 'tongban_http_request_seconds_count{method="GET",route="/metrics"}' in text_after
    assert 'tongban_http_requests_total{method="GET",route="/metrics",status="401"} 1.0' \
        in text_after


def test_readiness_is_503_when_the_database_is_gone(tmp_path: Path,
                                                    pg_factory: PostgresFactory) -> None:
    require_postgres(pg_factory)
    url = pg_factory.new_database()
    with TestClient(create_app(make_settings(tmp_path / "data", url, alert_interval_seconds=0,
                                             retention_interval_hours=0))) as c:
        assert c.get("/readyz").json() == {"status": "ready", "database": "postgresql"}
        name = url.rsplit("/", 1)[1]
        admin = create_engine(pg_factory.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
        pg_factory.created.remove(name)
        deadline = time.monotonic() + 10
        r = c.get("/readyz")
        while r.status_code == 200 and time.monotonic() < deadline:  # pooled connections die
            r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "unavailable"
        assert c.get("/healthz").status_code == 200  # alive, just not ready
        r = c.post("/api/v1/auth/login", json={"username": "clerk1", "password": "demo1234"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "database_unavailable"
        assert r.headers["retry-after"] == "2"


def test_security_headers_on_pages_api_and_errors(client: TestClient) -> None:
    for path in ("/portal/index.html", "/dashboard/index.html", "/api/v1/halls", "/nowhere",
                 "/api/v1/track/unknown"):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["x-frame-options"] == "DENY", path
        assert r.headers["referrer-policy"] == "no-referrer", path
    r = client.post("/api/v1/halls/demo/tickets", content=b"x" * 2_000_000,
                    headers={**KIOSK, "content-type": "application/json"})
    assert r.status_code == 413 and r.headers["x-frame-options"] == "DENY"
