"""Per-client login limits shared through Redis: two server processes cut a guessing client
off at the same total as one process; an unreachable Redis stops the server from starting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.support import shared_redis
from tests.support.databases import PostgresFactory, require_postgres
from tests.support.live import LiveServer, free_port

pytestmark = pytest.mark.postgres
REDIS = shared_redis.REDIS_URL
ALLOWED = 6


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of our own on the local Redis; every key under it is deleted after."""
    with shared_redis.redis_prefix() as prefix:
        yield prefix


def _servers(tmp_path: Path, url: str, n: int, storage: str) -> list[LiveServer]:
    env = {"TONGBAN_RATE_LIMIT_STORAGE": storage, "TONGBAN_ALERT_INTERVAL_SECONDS": "0",
           "TONGBAN_LOGIN_FAILURES_PER_CLIENT": f"{ALLOWED}/10 minutes"}
    return [LiveServer(tmp_path / f"p{i}", url, env=env).start() for i in range(n)]


def _spray(servers: list[LiveServer], attempts: int) -> list[str]:
    """One wrong password per made-up account, round robin over the processes."""
    codes = []
    for i in range(attempts):
        r = httpx.post(f"{servers[i % len(servers)].url}/api/v1/auth/login",
                       json={"username": f"ghost{i}", "password": "123456"}, timeout=10)
        codes.append(r.json()["error"]["code"])
    return codes


def test_two_processes_share_one_allowance(tmp_path: Path, pg_factory: PostgresFactory,
                                           redis_prefix: str) -> None:
    require_postgres(pg_factory)
    storage = f"{REDIS}?key_prefix={redis_prefix}"
    expected = ["bad_credentials"] * ALLOWED + ["rate_limited"] * 4
    single = _servers(tmp_path / "one", pg_factory.new_database(), 1, storage)
    try:
        assert _spray(single, 10) == expected
    finally:
        single[0].stop()
    # a fresh client allowance: the counters of the first run are gone
    client = redis.Redis.from_url(REDIS)
    client.delete(*client.scan_iter(f"{redis_prefix}*"))
    pair = _servers(tmp_path / "two", pg_factory.new_database(), 2, storage)
    try:
        assert _spray(pair, 10) == expected  # not twice the allowance with two processes
        # both processes now refuse this client, even with the right password
        for srv in pair:
            r = httpx.post(f"{srv.url}/api/v1/auth/login",
                           json={"username": "manager", "password": "demo1234"}, timeout=10)
            assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    finally:
        for srv in pair:
            srv.stop()
    assert list(client.scan_iter(f"{redis_prefix}*")), "the counters were not kept in Redis"
    client.close()


def test_unreachable_redis_stops_the_server_with_a_clear_message(tmp_path: Path,
                                                                 sqlite_url: str) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    srv = LiveServer(tmp_path / "data", env={"TONGBAN_RATE_LIMIT_STORAGE": dead})
    with pytest.raises(RuntimeError, match="server exited"):
        srv.start()
    assert srv.proc is not None and srv.proc.returncode == 2
    log = srv.log_path.read_text()
    assert f"refusing to start: TONGBAN_RATE_LIMIT_STORAGE='{dead}' does not answer" in log
