"""Outside-in experiments against one real server per database: the same Idempotency-Key sent
concurrently, odd input (missing foreign rows, ids past 2^63, over-long path segments) and
websocket disconnects must each answer cleanly and leave no error or traceback in the log."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from websockets.sync.client import connect

from server.tickets.models import Ticket
from tests.support.api import HUKOU, KIOSK, login
from tests.support.databases import PostgresFactory, copy_sqlite, require_postgres
from tests.support.live import LiveServer

CONCURRENT = 40


class Logged:
    """A live server plus its database URL; `new_log()` is what it logged since last asked."""

    def __init__(self, server: LiveServer, url: str) -> None:
        self.server = server
        self.url = url
        self._seen = 0
        with httpx.Client(base_url=server.url, timeout=10) as http:
            self.admin = login(http, "admin")  # once: argon2 makes logins slow on purpose

    def new_log(self) -> str:
        """Log text written since the previous call."""
        text = self.server.log_path.read_text(errors="replace")
        fresh, self._seen = text[self._seen:], len(text)
        return fresh


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                                 marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         sqlite_template: Path) -> Iterator[Logged]:
    """One server per backend for the whole module (tests use fresh keys and rows)."""
    data = tmp_path_factory.mktemp(f"robust-{request.param}")
    if request.param == "sqlite":
        url = copy_sqlite(sqlite_template, data)
    else:
        factory: PostgresFactory = request.getfixturevalue("pg_factory")
        require_postgres(factory)
        url = factory.new_database()
    server = LiveServer(data, url).start()
    logged = Logged(server, url)
    logged.new_log()
    yield logged
    server.stop()


def _no_errors(log: str) -> None:
    bad = [line for line in log.splitlines()
           if " ERROR " in line or line.startswith(("ERROR", "Traceback", "Task exception"))]
    assert not bad, "\n".join(bad[:5])


def _ticket_count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(Ticket)) or 0
    finally:
        engine.dispose()


def test_concurrent_requests_with_one_key_all_get_the_one_ticket(live: Logged) -> None:
    before = _ticket_count(live.url)
    headers = {**KIOSK, "Idempotency-Key": f"kiosk-retry-{live.server.port}"}

    async def fire() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=CONCURRENT)
        async with httpx.AsyncClient(base_url=live.server.url, timeout=30,
                                     limits=limits) as http:
            return await asyncio.gather(*(
                http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                          headers=headers) for _ in range(CONCURRENT)))

    answers = asyncio.run(fire())
    assert [r.status_code for r in answers] == [201] * CONCURRENT, \
        [r.text for r in answers if r.status_code != 201][:2]
    bodies = [r.json() for r in answers]
    assert len({(b["id"], b["number"], b["tracking_token"]) for b in bodies}) == 1
    assert sum(not b["replayed"] for b in bodies) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in answers) == CONCURRENT - 1
    assert _ticket_count(live.url) == before + 1
    _no_errors(live.new_log())


def test_device_for_a_missing_window_is_refused_by_name(live: Logged) -> None:
    admin = live.admin
    with httpx.Client(base_url=live.server.url, timeout=10) as http:
        r = http.post("/api/v1/devices", headers=admin, json={
            "hall_code": "demo", "kind": "counter", "name": "柜台 99", "window_id": 999_999})
        assert r.status_code == 404, r.text
        assert r.json()["error"]["code"] == "window_not_found"
        ok = http.post("/api/v1/devices", headers=admin, json={
            "hall_code": "demo", "kind": "kiosk", "name": "一楼取号机 2"})
        assert ok.status_code == 201, ok.text
    _no_errors(live.new_log())


@pytest.mark.parametrize("path", [
    "/api/v1/tickets/9223372036854775808",
    "/api/v1/windows/99999999999999999999999/queue",
    "/api/v1/devices/9223372036854775808",
])
def test_huge_ids_answer_422_without_a_traceback(live: Logged, path: str) -> None:
    with httpx.Client(base_url=live.server.url, timeout=10) as http:
        method = "DELETE" if path.startswith("/api/v1/devices") else "GET"
        r = http.request(method, path, headers=live.admin)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "value_out_of_range"
        # The connection stays usable (an exception re-raised to uvicorn closes it).
        assert http.get("/healthz").status_code == 200
    _no_errors(live.new_log())


@pytest.mark.parametrize("prefix", ["/portal/", "/dashboard/", "/display/_assets/",
                                    "/ratepad/_assets/", "/backoffice/"])
def test_overlong_static_names_answer_404(live: Logged, prefix: str) -> None:
    with httpx.Client(base_url=live.server.url, timeout=10) as http:
        r = http.get(prefix + "页" * 100 + ".js")  # 300 bytes: longer than any file name
        assert r.status_code == 404, r.text
        assert r.json()["error"]["code"] == "not_found"
        assert http.get(prefix + "app.js").status_code == 200  # the folder still serves
    _no_errors(live.new_log())


def test_websocket_disconnects_log_no_error(live: Logged) -> None:
    for _ in range(3):
        with connect(f"{live.server.ws_url}/ws/halls/demo?token=demo-display-token") as ws:
            assert '"snapshot"' in str(ws.recv(timeout=10))
    # Leaving is noticed by the server asynchronously: wait until the last one is gone.
    with httpx.Client(base_url=live.server.url, timeout=10) as http:
        for _ in range(200):
            if _open_websockets(http.get("/metrics", headers=live.admin).text) == 0:
                break
        else:
            raise AssertionError("the server still counts an open websocket")
    _no_errors(live.new_log())


def _open_websockets(metrics: str) -> float:
    line = next(x for x in metrics.splitlines() if x.startswith("tongban_websocket_connections "))
    return float(line.split()[1])
