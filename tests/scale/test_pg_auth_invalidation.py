"""Two server processes on one PostgreSQL: a token revoked (or a clerk disabled) through one
process is refused by the other on the very next request, although the other process had
just resolved and remembered it (NOTIFY tongban_auth empties every process's cache)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.support.api import login
from tests.support.databases import PostgresFactory, require_postgres
from tests.support.live import LiveServer

pytestmark = pytest.mark.postgres
QUIET = {"TONGBAN_ALERT_INTERVAL_SECONDS": "0", "TONGBAN_RETENTION_INTERVAL_HOURS": "0"}


def _listeners(pg_url: str) -> int:
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                "'tongban-listener' AND datname = current_database()")).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture
def pair(tmp_path: Path, pg_factory: PostgresFactory) -> Iterator[tuple[httpx.Client, ...]]:
    require_postgres(pg_factory)
    url = pg_factory.new_database()
    one = LiveServer(tmp_path / "p1", url, env=QUIET).start()
    two = LiveServer(tmp_path / "p2", url, env=QUIET).start()
    try:
        deadline = time.monotonic() + 15
        while _listeners(url) < 2:  # both processes LISTEN before anything is revoked
            assert time.monotonic() < deadline, "listeners never connected"
            time.sleep(0.05)
        with httpx.Client(base_url=one.url, timeout=10) as a, \
                httpx.Client(base_url=two.url, timeout=10) as b:
            yield a, b
    finally:
        one.stop()
        two.stop()


def _me(client: httpx.Client, token: str) -> httpx.Response:
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_device_revoked_on_one_process_is_refused_by_the_other_at_once(
        pair: tuple[httpx.Client, httpx.Client]) -> None:
    one, two = pair
    admin = login(one, "admin")
    for i in range(5):  # several rounds: one lucky ordering must not pass the test
        dev = one.post("/api/v1/devices", headers=admin, json={
            "hall_code": "demo", "kind": "display", "name": f"临时屏{i}"}).json()
        # process two resolves the token and remembers it (twice: the second is from memory)
        assert _me(two, dev["token"]).status_code == 200
        assert _me(two, dev["token"]).status_code == 200
        assert one.delete(f"/api/v1/devices/{dev['id']}", headers=admin).status_code == 204
        r = _me(two, dev["token"])
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token", i


def test_logout_and_disabling_reach_the_other_process_at_once(
        pair: tuple[httpx.Client, httpx.Client]) -> None:
    one, two = pair
    clerk = login(one, "clerk1")
    assert two.get("/api/v1/auth/me", headers=clerk).status_code == 200
    assert one.post("/api/v1/auth/logout", headers=clerk).status_code == 204
    assert two.get("/api/v1/auth/me", headers=clerk).status_code == 401

    manager, clerk = login(one, "manager"), login(two, "clerk2")
    staff = one.get("/api/v1/staff", params={"hall": "demo"}, headers=manager).json()
    clerk2 = next(s["id"] for s in staff if s["username"] == "clerk2")
    assert two.get("/api/v1/auth/me", headers=clerk).status_code == 200
    assert one.patch(f"/api/v1/halls/demo/config/staff/{clerk2}", headers=manager,
                     json={"active": False}).status_code == 200
    assert two.get("/api/v1/auth/me", headers=clerk).status_code == 401
