"""WS /ws/track/{token} against a real server on 127.0.0.1: the citizen's own number, live."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, update
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from server.tickets.models import Ticket
from tests.support.api import HUKOU, IDCARD, issue, login, open_window
from tests.support.databases import copy_sqlite
from tests.support.live import LiveServer


@pytest.fixture
def live(tmp_path: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    data = tmp_path / "live"
    server = LiveServer(data, copy_sqlite(sqlite_template, data),
                        env={"TONGBAN_ALERT_INTERVAL_SECONDS": "0"}).start()
    yield server
    server.stop()


def _track(ws: ClientConnection, timeout: float = 15.0) -> dict[str, Any]:
    """The next tracking view (heartbeats skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        msg = json.loads(ws.recv(timeout=max(0.05, deadline - time.monotonic())))
        if msg["type"] == "track":
            return msg["data"]
        assert msg["type"] in ("ping", "pong"), msg


def _until(ws: ClientConnection, pred: Any, seen: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: ANN401
    """Read views (recording them in `seen`) until one satisfies `pred`."""
    while True:
        view = _track(ws)
        seen.append(view)
        if pred(view):
            return view


def _close_code(ws: ClientConnection) -> int:
    """Read until the server closes; the close code it sent."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            ws.recv(timeout=15)
    assert closed.value.rcvd is not None, "closed without a close frame"
    return closed.value.rcvd.code


def test_live_positions_called_state_and_close_on_finish(live: LiveServer) -> None:
    http = httpx.Client(base_url=live.url, timeout=10)
    tickets = [issue(http, HUKOU) for _ in range(3)]
    mine = tickets[2]
    token = mine["tracking_token"]
    clerk = login(http, "clerk1")
    wid = open_window(http, clerk, 1)
    with connect(f"{live.ws_url}/ws/track/{token}") as ws:
        first = _track(ws)
        # The same view as the GET, and nothing personal.
        assert first == http.get(f"/api/v1/track/{token}").json()
        assert (first["number"], first["status"], first["people_ahead"]) == ("A003", "waiting", 2)
        assert "id" not in first and "id_masked" not in first

        seen: list[dict[str, Any]] = [first]
        for ahead in (1, 0):
            called = http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
            _until(ws, lambda v, a=ahead: v["people_ahead"] == a, seen)
            assert http.post(f"/api/v1/tickets/{called['id']}/no-show",
                             headers=clerk).status_code == 200
        # Traffic elsewhere in the hall (a ticket behind us) does not disturb the stream.
        issue(http, IDCARD)
        assert http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()["id"] == \
            mine["id"]
        view = _until(ws, lambda v: v["status"] == "called", seen)
        assert view["window"]["number"] == 1 and view["position"] is None
        waiting_aheads = [v["people_ahead"] for v in seen if v["status"] == "waiting"]
        assert sorted(set(waiting_aheads), reverse=True) == [2, 1, 0]
        assert waiting_aheads == sorted(waiting_aheads, reverse=True)  # never backwards

        assert http.post(f"/api/v1/tickets/{mine['id']}/start", headers=clerk).status_code == 200
        assert _until(ws, lambda v: v["status"] != "called", seen)["status"] == "serving"
        assert http.post(f"/api/v1/tickets/{mine['id']}/complete",
                         headers=clerk).status_code == 200
        assert _until(ws, lambda v: v["status"] != "serving", seen)["status"] == "done"
        assert _close_code(ws) == 1000
    # A finished ticket: one view, then closed straight away.
    with connect(f"{live.ws_url}/ws/track/{token}") as ws:
        assert _track(ws)["status"] == "done"
        assert _close_code(ws) == 1000


def test_unknown_and_expired_tokens_are_closed_with_clear_codes(live: LiveServer,
                                                                 tmp_path: Path) -> None:
    for bad in ("nope", "x" * 300, "%E4%BD%A0%E5%A5%BD"):
        with connect(f"{live.ws_url}/ws/track/{bad}") as ws:
            assert _close_code(ws) == 4404
    http = httpx.Client(base_url=live.url, timeout=10)
    old = issue(http, HUKOU)
    # An earlier day's number (the server shares this SQLite file; WAL lets us write beside it).
    engine = create_engine(f"sqlite:///{live.data_dir / 'tongban.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(update(Ticket).where(Ticket.id == old["id"])
                     .values(business_day=date(2020, 1, 1)))
    engine.dispose()
    with connect(f"{live.ws_url}/ws/track/{old['tracking_token']}") as ws:
        assert _track(ws)["number"] == old["number"]  # the page can still say which number
        assert _close_code(ws) == 4410


def test_connections_per_token_are_limited(live: LiveServer) -> None:
    http = httpx.Client(base_url=live.url, timeout=10)
    token = issue(http, HUKOU)["tracking_token"]
    other = issue(http, HUKOU)["tracking_token"]
    url = f"{live.ws_url}/ws/track/{token}"
    socks = [connect(url) for _ in range(5)]
    try:
        for ws in socks:
            assert _track(ws)["status"] == "waiting"
        with connect(url) as sixth:
            assert _close_code(sixth) == 4429
        with connect(f"{live.ws_url}/ws/track/{other}") as ws:  # other tokens are unaffected
            assert _track(ws)["people_ahead"] == 1
        socks.pop().close()
        # Once the server has counted the closed one off, a new socket gets in again.
        deadline = time.monotonic() + 15
        while (ws := _admitted(url)) is None:
            assert time.monotonic() < deadline, "a freed place was never given back"
        socks.append(ws)
    finally:
        for ws in socks:
            ws.close()


def _admitted(url: str) -> ClientConnection | None:
    """A socket that got its first view, or None when the server refused it."""
    ws = connect(url)
    try:
        _track(ws)
    except ConnectionClosed:
        ws.close()
        return None
    return ws


def test_others_moves_are_paced_but_being_called_is_pushed_at_once(
        tmp_path: Path, sqlite_template: Path) -> None:
    """Hundreds of phones must not each recompute their estimate on every call in the hall:
    with a (deliberately huge) pace, people ahead moving waits, the citizen's own call does not."""
    data = tmp_path / "paced"
    server = LiveServer(data, copy_sqlite(sqlite_template, data),
                        env={"TONGBAN_ALERT_INTERVAL_SECONDS": "0",
                             "TONGBAN_TRACK_PACE_SECONDS": "600"}).start()
    try:
        http = httpx.Client(base_url=server.url, timeout=10)
        ahead = issue(http, HUKOU)
        mine = issue(http, HUKOU)
        clerk = login(http, "clerk1")
        wid = open_window(http, clerk, 1)
        with connect(f"{server.ws_url}/ws/track/{mine['tracking_token']}") as ws:
            assert _track(ws)["people_ahead"] == 1
            # Window opened and A001 called: a change for us, but not ours — held back.
            assert http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()["id"] \
                == ahead["id"]
            assert http.post(f"/api/v1/tickets/{ahead['id']}/no-show",
                             headers=clerk).status_code == 200
            with pytest.raises(TimeoutError):
                _track(ws, timeout=1.5)
            assert http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()["id"] \
                == mine["id"]
            view = _track(ws)  # well inside the 600 s pace
            assert view["status"] == "called" and view["window"]["number"] == 1
    finally:
        server.stop()
