"""Realtime over a real uvicorn on 127.0.0.1: replay with `since`, snapshots, role filtering."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from hallclient import EventStream
from tests.support.api import DISPLAY, HUKOU, KIOSK, login, open_window
from tests.support.databases import copy_sqlite
from tests.support.live import LiveServer

ID = "11010519491231002X"


@pytest.fixture
def live(tmp_path: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    data = tmp_path / "live"
    copy_sqlite(sqlite_template, data)
    server = LiveServer(data).start()
    yield server
    server.stop()


def _recv_until(ws, pred, timeout: float = 10.0) -> list[dict]:  # noqa: ANN001
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = json.loads(ws.recv(timeout=max(0.05, deadline - time.monotonic())))
        if msg.get("type") in ("ping", "pong"):
            continue
        got.append(msg)
        if pred(got):
            return got
    raise AssertionError(f"timed out; got {got[-3:]}")


def _call_cycle(http: httpx.Client, clerk: dict, wid: int) -> str:
    r = http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
    assert r.status_code == 200, r.text
    t = r.json()
    assert http.post(f"/api/v1/tickets/{t['id']}/no-show", headers=clerk).status_code == 200
    return t["number"]


def test_reconnect_with_since_gets_exactly_the_missed_calls(live: LiveServer) -> None:
    http = httpx.Client(base_url=live.url, timeout=10)
    clerk = login(http, "clerk1")
    wid = open_window(http, clerk, 1)
    for _ in range(60):
        assert http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                         headers=KIOSK).status_code == 201

    with connect(f"{live.ws_url}/ws/halls/demo?token=demo-display-token") as ws:
        first = _recv_until(ws, lambda m: m[-1]["type"] == "snapshot")
        seq = first[-1]["seq"]
        _call_cycle(http, clerk, wid)
        got = _recv_until(ws, lambda m: m[-1]["type"] == "ticket.no_show")
        seq = got[-1]["seq"]
    # Disconnected: 50 calls happen.
    missed = [_call_cycle(http, clerk, wid) for _ in range(50)]
    with connect(f"{live.ws_url}/ws/halls/demo?token=demo-display-token&since={seq}") as ws:
        replay = _recv_until(ws, lambda m: len(m) == 100)
        called = [m["data"]["number"] for m in replay if m["type"] == "ticket.called"]
        assert called == missed
        seqs = [m["seq"] for m in replay]
        assert seqs == list(range(seq + 1, seq + 101))  # every event, in order, no gaps
        # Live events continue after the replay without duplicates.
        live_number = _call_cycle(http, clerk, wid)
        more = _recv_until(ws, lambda m: m[-1]["type"] == "ticket.no_show")
        assert [m["data"]["number"] for m in more if m["type"] == "ticket.called"] == [
            live_number]
        assert more[0]["seq"] == seqs[-1] + 1


def test_display_gets_no_personal_data_but_staff_gets_masked(live: LiveServer) -> None:
    http = httpx.Client(base_url=live.url, timeout=10)
    clerk = login(http, "clerk1")
    wid = open_window(http, clerk, 1)
    token = clerk["Authorization"].split()[1]
    with connect(f"{live.ws_url}/ws/halls/demo?token=demo-display-token&since=0") as disp, \
            connect(f"{live.ws_url}/ws/halls/demo?token={token}&since=0") as staff:
        http.post("/api/v1/halls/demo/tickets", headers=KIOSK,
                  json={"service_code": HUKOU, "id_number": ID, "citizen_name": "张小三"})
        http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
        d = _recv_until(disp, lambda m: m[-1]["type"] == "ticket.called")
        s = _recv_until(staff, lambda m: m[-1]["type"] == "ticket.called")
    text = json.dumps(d, ensure_ascii=False)
    for leaked in (ID, "110105", "张", "id_masked", "citizen_name"):
        assert leaked not in text
    assert s[-1]["data"]["id_masked"] == "110105********002X"
    assert s[-1]["data"]["citizen_name_masked"] == "张*三"
    assert d[-1]["data"]["number"] == s[-1]["data"]["number"] == "A001"
    assert d[-1]["data"]["window_number"] == 1


def test_bad_tokens_and_halls_are_refused(live: LiveServer) -> None:
    for query, code in (("token=nope", 4401), ("", 4401)):
        with connect(f"{live.ws_url}/ws/halls/demo?{query}") as ws:
            with pytest.raises(Exception) as err:
                ws.recv(timeout=5)
            assert getattr(err.value, "rcvd", None) is not None and err.value.rcvd.code == code
    with connect(f"{live.ws_url}/ws/halls/nowhere?token=demo-display-token") as ws:
        with pytest.raises(Exception) as err:
            ws.recv(timeout=5)
        assert err.value.rcvd.code == 4404


def test_event_stream_client_survives_server_restart(live: LiveServer) -> None:
    http = httpx.Client(base_url=live.url, timeout=10)
    numbers: list[str] = []
    states: list[str] = []
    got = threading.Event()

    def on_event(msg: dict) -> None:
        if msg["type"] == "ticket.issued":
            numbers.append(msg["data"]["number"])
            got.set()

    stream = EventStream(live.ws_url, "demo", "demo-display-token", on_event=on_event,
                         on_state=states.append, ping_seconds=1).start()
    try:
        deadline = time.monotonic() + 10
        while stream.state != "connected" and time.monotonic() < deadline:
            time.sleep(0.02)
        http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU}, headers=KIOSK)
        assert got.wait(10)
        live.kill()
        live.start()
        http2 = httpx.Client(base_url=live.url, timeout=10)
        for _ in range(3):
            http2.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU}, headers=KIOSK)
        deadline = time.monotonic() + 15
        while len(numbers) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert numbers == ["A001", "A002", "A003", "A004"]
        assert "disconnected" in states and states[-1] == "connected"
    finally:
        stream.stop()
    board = http.get("/api/v1/halls/demo/board", headers=DISPLAY).json()
    assert board["seq"] == stream.last_seq


def test_too_far_behind_gets_a_snapshot(tmp_path: Path, sqlite_template: Path) -> None:
    data = tmp_path / "live"
    copy_sqlite(sqlite_template, data)
    server = LiveServer(data, env={"TONGBAN_WS_REPLAY_LIMIT": "5"}).start()
    try:
        http = httpx.Client(base_url=server.url, timeout=10)
        for _ in range(8):
            http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU}, headers=KIOSK)
        with connect(f"{server.ws_url}/ws/halls/demo?token=demo-display-token&since=1") as ws:
            first = _recv_until(ws, lambda m: True)[0]
            assert first["type"] == "snapshot" and first["seq"] == 8
            assert first["data"]["services"][0]["waiting"] == 8
            http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU}, headers=KIOSK)
            nxt = _recv_until(ws, lambda m: True)[0]
            assert nxt["seq"] == 9 and nxt["data"]["number"] == "A009"
        with connect(f"{server.ws_url}/ws/halls/demo?token=demo-display-token&since=5") as ws:
            replay = _recv_until(ws, lambda m: len(m) == 4)
            assert [m["seq"] for m in replay] == [6, 7, 8, 9]
    finally:
        server.stop()
