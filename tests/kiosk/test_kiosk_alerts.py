"""The kiosk when things need people or time: printer banner + alert, 呼叫工作人员, the idle
countdown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.printing import TicketPrinter
from printers import PrinterConfig, PrinterStatus
from tests.kiosk.kiosk_kit import button_text
from tests.kiosk.test_kiosk_screens import shoot
from tests.support.api import login
from tests.support.live import LiveServer

KIOSK_NAME = "二楼东侧取号机"
PAPER_OUT = PrinterStatus(online=True, paper="out", cover_open=False)
PAPER_OK = PrinterStatus(online=True, paper="ok", cover_open=False)


class StatusPrinter(TicketPrinter):
    """A dummy printer whose DLE EOT status the test sets (paper out, paper back)."""

    def __init__(self, status: PrinterStatus) -> None:
        super().__init__(PrinterConfig(kind="dummy"))
        self.now = status

    def status(self) -> PrinterStatus:
        """What the printer would answer now."""
        return self.now


@pytest.fixture(scope="module")
def staff(live: LiveServer) -> Iterator[tuple[httpx.Client, dict[str, str], str]]:
    """(client, manager header, token of a kiosk registered for these tests)."""
    with httpx.Client(base_url=live.url, timeout=10) as http:
        r = http.post("/api/v1/devices", headers=login(http, "admin"),
                      json={"hall_code": "demo", "kind": "kiosk", "name": KIOSK_NAME})
        assert r.status_code == 201, r.text
        yield http, login(http, "manager"), r.json()["token"]


def open_alerts(http: httpx.Client, manager: dict[str, str], rule: str) -> list[dict[str, Any]]:
    """This kiosk's open alerts of one rule, as the manager dashboard lists them (other
    kiosks of the shared server raise their own)."""
    r = http.get("/api/v1/halls/demo/alerts", headers=manager)
    assert r.status_code == 200, r.text
    return [a for a in r.json()
            if a["rule"] == rule and a["data"].get("device_name") == KIOSK_NAME]


@pytest.fixture
def shots(artifacts_dir: Path) -> Path:
    """Where the screenshots go (looked at by people, not compared)."""
    return artifacts_dir / "kiosk"


def test_paper_out_shows_a_banner_and_alerts_the_dashboard(kiosk: Any, staff: Any,
                                                           shots: Path) -> None:
    """缺纸 → home banner and a dashboard alert naming the kiosk; paper back → both gone."""
    http, manager, token = staff
    printer = StatusPrinter(PAPER_OUT)
    h = kiosk(token=token, printer=printer, printer_poll_seconds=0.2, portrait=True)
    banner = h.window.screens[h.ctl.state.screen].banner
    h.qtbot.waitUntil(banner.isVisible, timeout=5000)
    assert banner.text() == "打印机缺纸，请到咨询台"
    h.qtbot.waitUntil(lambda: bool(open_alerts(http, manager, "printer_problem")), timeout=5000)
    [alert] = open_alerts(http, manager, "printer_problem")
    assert KIOSK_NAME in alert["message"] and "缺纸" in alert["message"]
    assert alert["level"] == "red"
    shoot(h, shots, "home-paper-out-portrait")
    # the rule pass cannot see the printer: it must leave the kiosk's own report alone
    assert http.post("/api/v1/halls/demo/alerts/evaluate", headers=manager).status_code == 200
    assert len(open_alerts(http, manager, "printer_problem")) == 1

    printer.now = PAPER_OK
    h.qtbot.waitUntil(lambda: not banner.isVisible(), timeout=5000)
    h.qtbot.waitUntil(lambda: not open_alerts(http, manager, "printer_problem"), timeout=5000)


def test_call_staff_alerts_until_a_manager_acknowledges(kiosk: Any, staff: Any,
                                                       shots: Path) -> None:
    """呼叫工作人员 → 已通知 on screen, a red alert naming the kiosk; 确认 clears it."""
    http, manager, token = staff
    h = kiosk(token=token, printer=StatusPrinter(PAPER_OUT), printer_poll_seconds=0.2)
    home = h.window.screens[h.ctl.state.screen]
    h.qtbot.waitUntil(home.banner.isVisible, timeout=5000)
    h.click("呼叫工作人员")
    h.qtbot.waitUntil(lambda: home.help_label.text() == "已通知工作人员，请在此稍候",
                      timeout=5000)
    [alert] = open_alerts(http, manager, "help_requested")
    assert KIOSK_NAME in alert["message"] and alert["level"] == "red"
    shoot(h, shots, "home-help-landscape")

    r = http.post(f"/api/v1/alerts/{alert['id']}/ack", headers=manager)
    assert r.status_code == 200, r.text
    assert not open_alerts(http, manager, "help_requested")
    assert http.post("/api/v1/devices/me/help").status_code == 401  # kiosks only
    assert http.post("/api/v1/devices/me/status", json={"printer": "out_of_paper"},
                     headers=manager).status_code == 403


def test_idle_countdown_counts_down_and_goes_home(kiosk: Any, shots: Path) -> None:
    """「N 秒后返回首页」 on the home button, N falling each second, then home."""
    # 4.5 s: 4, 3, 2, 1 on a quiet box; a loaded one that runs a tick late still shows two
    h = kiosk(idle_timeout=4.5)
    h.ctl.open_query()
    seen: list[str] = []

    def note() -> bool:
        texts = [button_text(b) for b in h.buttons() if "秒后返回首页" in button_text(b)]
        if texts and (not seen or seen[-1] != texts[0]):
            seen.append(texts[0])
            if len(seen) == 2:
                shoot(h, shots, "query-countdown-landscape")
        return h.screen == "home"

    h.qtbot.waitUntil(note, timeout=15000)
    numbers = [int(text.split(" ")[0]) for text in seen]
    assert all(text.endswith(" 秒后返回首页") for text in seen), seen
    assert len(numbers) >= 2 and numbers == sorted(numbers, reverse=True), seen
    assert numbers[-1] == 1 and len(set(numbers)) == len(numbers)
    h.ctl.open_query()
    assert h.window.home_btn.text() == "返回首页"  # a fresh screen, no count
