"""A PostgreSQL partition (connections open, no byte flowing) seen through a TCP proxy: requests
answer 503 `database_unavailable` instead of hanging, /readyz 503, /healthz stays up under a
full thread pool, and the server recovers when the link comes back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.support.api import HUKOU, KIOSK
from tests.support.databases import PostgresFactory, require_postgres
from tests.support.live import LiveServer
from tests.support.proxy import FaultProxy

pytestmark = pytest.mark.postgres
HANGING = 60  # more than the 40 request threads and the 40 pooled connections
# Short limits so the test is quick: answers within statement + 2 s, connects within 2 s.
TIMEOUTS = {"TONGBAN_DB_CONNECT_TIMEOUT_SECONDS": "2", "TONGBAN_DB_STATEMENT_TIMEOUT_SECONDS": "1",
            "TONGBAN_DB_LOCK_TIMEOUT_SECONDS": "1", "TONGBAN_DB_POOL_TIMEOUT_SECONDS": "1",
            "TONGBAN_DB_KEEPALIVE_SECONDS": "1"}


@pytest.fixture
def behind_proxy(tmp_path: Path, pg_factory: PostgresFactory) -> Iterator[tuple[LiveServer,
                                                                                  FaultProxy]]:
    """A live server whose every PostgreSQL connection goes through a fault proxy."""
    require_postgres(pg_factory)
    url = make_url(pg_factory.new_database())
    proxy = FaultProxy(url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    server = LiveServer(tmp_path / "data", proxied, env=TIMEOUTS).start()
    yield server, proxy
    proxy.resume()
    server.stop()
    proxy.close()


def _issue(http: httpx.AsyncClient) -> asyncio.Task[httpx.Response]:
    return asyncio.ensure_future(http.post("/api/v1/halls/demo/tickets", headers=KIOSK,
                                           json={"service_code": HUKOU}))


def test_a_stalled_database_link_answers_503_and_recovers(
        behind_proxy: tuple[LiveServer, FaultProxy]) -> None:
    server, proxy = behind_proxy

    async def scenario() -> None:
        limits = httpx.Limits(max_connections=HANGING + 10)
        # The client timeouts bound the test: the bug was requests hanging for the whole outage.
        async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as http:
            assert (await _issue(http)).status_code == 201
            # Pooled connections too, so the stall also catches established links mid-use.
            boards = [http.get("/api/v1/halls/demo/board") for _ in range(10)]
            assert {r.status_code for r in await asyncio.gather(*boards)} == {200}
            proxy.stall_all()
            hanging = [_issue(http) for _ in range(HANGING)]
            # Every request thread is now waiting on the database.
            assert await asyncio.to_thread(proxy.wait_held, 30)
            health = await http.get("/healthz", timeout=5)
            assert health.status_code == 200 and health.json() == {"status": "ok"}
            ready = await http.get("/readyz", timeout=10)
            assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
            answers = await asyncio.gather(*hanging)
            assert {r.status_code for r in answers} == {503}
            assert {r.json()["error"]["code"] for r in answers} == {"database_unavailable"}
            assert all(r.headers["retry-after"] for r in answers)
            proxy.resume()
            for _ in range(50):  # the pool drops the cut connections and dials again
                if (await http.get("/readyz", timeout=10)).status_code == 200:
                    break
            assert (await _issue(http)).status_code == 201

    asyncio.run(scenario())
