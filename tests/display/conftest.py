"""Fixtures for the wall display: a live server, a hall driver, the generated voice pack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from display.voice.pack import ensure_default_pack
from tests.support.api import FUND, HUKOU, KIOSK, SOCIAL, login, open_window
from tests.support.live import LiveServer, demo_server

DISPLAY_TOKEN = "demo-display-token"
DEMO_SERVICES = 10
# Service items a big hall adds to the demo's ten (letters I and O are not used: 1 and 0).
EXTRA_SERVICES = [
    ("婚姻登记", "J"), ("残疾人证办理", "K"), ("退役军人优待证", "L"), ("人才引进落户", "M"),
    ("法律援助申请", "N"), ("公证服务", "P"), ("食品经营许可", "Q"), ("建设工程规划许可", "R"),
    ("城镇排水许可", "S"), ("水电气网联合报装", "T"), ("老年人优待证", "U"),
    ("城乡居民养老保险", "V"), ("机动车登记", "W"), ("驾驶证换领", "X"), ("生育登记", "Y"),
]


@pytest.fixture(scope="session")
def voice_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default espeak-ng pack, generated once per session into a temporary cache."""
    cache = tmp_path_factory.mktemp("voice-cache")
    ensure_default_pack(cache)
    return cache


@pytest.fixture(scope="session")
def display_artifacts(artifacts_dir: Path) -> Path:
    """test-artifacts/display/."""
    out = artifacts_dir / "display"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture
def live(tmp_path: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    """A real server process on a demo SQLite file."""
    with demo_server(tmp_path / "live", sqlite_template) as server:
        yield server


class HallDriver:
    """Clerks at windows 1–3 and a kiosk, driving the real server over HTTP."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=15)
        self.clerks: dict[int, dict[str, str]] = {}
        self.wids: dict[int, int] = {}
        self.current: dict[int, dict[str, Any]] = {}
        self.log: list[tuple[str, int, bool]] = []  # (number, window, recall) as made

    def reconnect(self, base_url: str) -> None:
        """New HTTP client after a server restart (tokens survive: they are in the database)."""
        self.http.close()
        self.http = httpx.Client(base_url=base_url, timeout=15)

    def open(self, *numbers: int) -> None:
        """Sign clerk N in at window N and open it."""
        for n in numbers:
            self.clerks[n] = login(self.http, f"clerk{n}")
            self.wids[n] = open_window(self.http, self.clerks[n], n)

    def issue(self, count: int, service: str = HUKOU) -> None:
        """Walk-in tickets from the kiosk."""
        for _ in range(count):
            r = self.http.post("/api/v1/halls/demo/tickets", json={"service_code": service},
                               headers=KIOSK)
            assert r.status_code == 201, r.text

    def call(self, window: int) -> dict[str, Any]:
        """Finish what the window holds (no-show), then call the next ticket."""
        held = self.current.pop(window, None)
        if held is not None:
            self.action(window, held["id"], "no-show")
        r = self.http.post(f"/api/v1/windows/{self.wids[window]}/call-next",
                           headers=self.clerks[window])
        assert r.status_code == 200, r.text
        self.current[window] = r.json()
        self.log.append((r.json()["number"], window, False))
        return r.json()

    def recall(self, window: int) -> dict[str, Any]:
        """Recall the window's current ticket."""
        ticket = self.action(window, self.current[window]["id"], "recall")
        self.log.append((ticket["number"], window, True))
        return ticket

    def action(self, window: int, ticket_id: int, name: str) -> dict[str, Any]:
        """One ticket transition by the window's clerk."""
        r = self.http.post(f"/api/v1/tickets/{ticket_id}/{name}", headers=self.clerks[window])
        assert r.status_code == 200, r.text
        return r.json()

    def set_state(self, window: int, state: str) -> None:
        """open / pause / close."""
        r = self.http.post(f"/api/v1/windows/{self.wids[window]}/{state}",
                           headers=self.clerks[window])
        assert r.status_code == 200, r.text

    def grow_catalog(self, total: int) -> list[str]:
        """Add service items (via the manager's API) until the hall has `total`; a few waiting
        tickets in each new one. Returns every service code in display order."""
        manager = login(self.http, "manager")
        have = len(self.board()["services"])
        for i in range(have, total):
            name, prefix = EXTRA_SERVICES[i - DEMO_SERVICES]
            code = f"11110000MB0999999X40009{i:05d}"
            r = self.http.post("/api/v1/halls/demo/services", headers=manager, json={
                "code": code, "name": name, "prefix": prefix, "department": "综合窗口",
                "expected_minutes": 10, "sort_order": 100 + i})
            assert r.status_code == 201, r.text
            self.issue(1 + i % 4, code)
        # Window 3 (综合受理) takes the new items too, so they get estimated waits.
        windows = self.http.get("/api/v1/windows", params={"hall": "demo"}, headers=manager)
        w3 = next(w for w in windows.json() if w["number"] == 3)
        codes = [svc["code"] for svc in self.board()["services"]]
        handled = {x["code"] for x in w3["services"]}
        body = [{"service_code": x["code"], "priority": x["priority"]} for x in w3["services"]]
        body += [{"service_code": c, "priority": 3} for c in codes if c not in handled]
        r = self.http.put(f"/api/v1/windows/{w3['id']}/services", headers=manager, json=body)
        assert r.status_code == 200, r.text
        assert len(codes) == total
        return codes

    def board(self) -> dict[str, Any]:
        """The server's board, as the display device sees it."""
        r = self.http.get("/api/v1/halls/demo/board",
                          headers={"Authorization": f"Bearer {DISPLAY_TOKEN}"})
        assert r.status_code == 200, r.text
        return r.json()

    def call_events(self, since: int = 0) -> list[dict[str, Any]]:
        """Every call/recall event after `since`, read from the websocket replay (ground truth)."""
        import json

        from websockets.sync.client import connect

        ws_url = str(self.http.base_url).replace("http://", "ws://").rstrip("/")
        seq = self.board()["seq"]
        out: list[dict[str, Any]] = []
        if seq <= since:
            return out
        with connect(f"{ws_url}/ws/halls/demo?token={DISPLAY_TOKEN}&since={since}") as ws:
            last = since
            while last < seq:
                msg = json.loads(ws.recv(timeout=10))
                if msg.get("type") in ("ping", "pong") or "seq" not in msg:
                    continue
                last = msg["seq"]
                if msg["type"] in ("ticket.called", "ticket.recalled"):
                    out.append(msg)
        return out

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()


@pytest.fixture
def hall(live: LiveServer) -> Iterator[HallDriver]:
    """Windows 1–3 open; 户口 (A), 社保 (B) and 公积金 (D) tickets waiting."""
    driver = HallDriver(live.url)
    driver.open(1, 2, 3)
    driver.issue(12)
    driver.issue(9, SOCIAL)
    driver.issue(9, FUND)
    yield driver
    driver.close()
