"""Two server processes on one PostgreSQL: calls made through one reach displays on the
other through LISTEN/NOTIFY, in order, across restarts and a dropped LISTEN connection."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from hallclient import EventStream
from tests.support.api import HUKOU, KIOSK, login, open_window
from tests.support.databases import PostgresFactory, require_postgres
from tests.support.live import LiveServer

pytestmark = pytest.mark.postgres
# Polling would hide a broken NOTIFY path: make it far slower than every wait below.
NO_POLL = {"TONGBAN_HUB_POLL_SECONDS": "120", "TONGBAN_ALERT_INTERVAL_SECONDS": "0"}


@pytest.fixture
def pg_url(pg_factory: PostgresFactory) -> str:
    require_postgres(pg_factory)
    return pg_factory.new_database()


@pytest.fixture
def pair(tmp_path: Path, pg_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    one = LiveServer(tmp_path / "p1", pg_url, env=NO_POLL).start()
    two = LiveServer(tmp_path / "p2", pg_url, env=NO_POLL).start()
    yield one, two
    one.stop()
    two.stop()


class Collector:
    """Events seen by one display, with a way to wait for a count of calls."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.cond = threading.Condition()

    def __call__(self, msg: dict) -> None:
        with self.cond:
            self.events.append(msg)
            self.cond.notify_all()

    def calls(self) -> list[str]:
        return [m["data"]["number"] for m in self.events if m["type"] == "ticket.called"]

    def wait_calls(self, n: int, timeout: float = 15.0) -> list[str]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.calls()) < n and time.monotonic() < deadline:
                self.cond.wait(0.1)
        return self.calls()


def _call(http: httpx.Client, clerk: dict, wid: int) -> str:
    r = http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
    assert r.status_code == 200, r.text
    ticket = r.json()
    assert http.post(f"/api/v1/tickets/{ticket['id']}/no-show", headers=clerk).status_code == 200
    return ticket["number"]


def _wait_connected(stream: EventStream, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while stream.state != "connected" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert stream.state == "connected"


def test_display_on_process_two_sees_calls_from_process_one(
        pair: tuple[LiveServer, LiveServer], pg_url: str) -> None:
    one, two = pair
    http = httpx.Client(base_url=one.url, timeout=10)
    clerk = login(http, "clerk1")
    wid = open_window(http, clerk, 1)
    for _ in range(12):
        assert http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                         headers=KIOSK).status_code == 201
    seen = Collector()
    stream = EventStream(two.ws_url, "demo", "demo-display-token", on_event=seen,
                         ping_seconds=1, max_backoff=0.5).start()
    try:
        _wait_connected(stream)
        made = [_call(http, clerk, wid) for _ in range(3)]
        assert seen.wait_calls(3) == made == ["A001", "A002", "A003"]

        one.restart()  # the writing process crashes and comes back
        http = httpx.Client(base_url=one.url, timeout=10)
        made += [_call(http, clerk, wid) for _ in range(2)]
        assert seen.wait_calls(5) == made

        two.restart()  # the display's own process crashes: it reconnects with since=
        made += [_call(http, clerk, wid) for _ in range(2)]
        _wait_connected(stream)
        assert seen.wait_calls(7) == made

        # Drop every LISTEN connection: listeners reconnect and re-read from their last seq.
        engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            killed = conn.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'tongban-listener' AND datname = current_database()"
            )).scalar_one()
        engine.dispose()
        assert killed == 2
        made += [_call(http, clerk, wid) for _ in range(3)]
        assert seen.wait_calls(10) == made
    finally:
        stream.stop()
    seqs = [m["seq"] for m in seen.events]
    assert seqs == sorted(set(seqs))  # in order, never twice
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # and no gaps
