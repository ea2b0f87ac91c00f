"""Helpers for the kiosk tests: building a kiosk against a live server and driving its UI."""

from __future__ import annotations

from typing import Any

import httpx
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QLabel, QPushButton, QWidget

from hallclient.speech import EspeakSpeaker
from kiosk.app import KioskApp
from kiosk.config import KioskConfig
from kiosk.devices import SimulatedDevice
from kiosk.printing import TicketPrinter
from printers import PrinterConfig
from tests.support.api import KIOSK

KIOSK_TOKEN = "demo-kiosk-token"


def make_config(server_url: str, **changes: Any) -> KioskConfig:
    """A windowed kiosk config for tests (fast retries, dummy printer, no wedge)."""
    values: dict[str, Any] = {
        "server": server_url, "token": KIOSK_TOKEN, "hall": "demo", "fullscreen": False,
        "retry_seconds": 0.3, "http_timeout": 3.0, "idle_timeout": 600.0,
        "id_reader": None, "printer": PrinterConfig(kind="dummy"),
        "maintenance_pin": "2468",
        # the printer is polled only where a test asks (a loopback printer takes one connection)
        "printer_poll_seconds": 600.0,
        "cache_file": "",  # no hall cache in the home directory; tests that need one pass it
        "voice": "off",  # the voice tests pass their own capturing speaker
    }
    values.update(changes)
    return KioskConfig(**values)


class KioskHarness:
    """A running kiosk plus its simulated reader."""

    def __init__(self, qtbot: Any, config: KioskConfig, *, printer: TicketPrinter | None = None,
                 live: bool = True, wait_loaded: bool = True,
                 speaker: EspeakSpeaker | None = None) -> None:
        self.qtbot = qtbot
        self.reader = SimulatedDevice()
        self.app = KioskApp(config, printer=printer, devices=[self.reader], live=live,
                            speaker=speaker)
        self.window = self.app.window
        self.ctl = self.app.ctl
        qtbot.addWidget(self.window)
        size = (1080, 1920) if config.portrait else (1920, 1080)
        self.window.setFixedSize(*size)
        self.app.start()
        self.window.show()
        if wait_loaded:
            qtbot.waitUntil(lambda: self.ctl.state.services_loaded, timeout=15000)

    @property
    def screen(self) -> str:
        """Current screen name."""
        return str(self.ctl.state.screen)

    def wait_screen(self, name: str, timeout: int = 15000) -> None:
        """Wait until the named screen shows."""
        self.qtbot.waitUntil(lambda: self.screen == name, timeout=timeout)

    def buttons(self) -> list[QPushButton]:
        """Visible buttons of the window."""
        return [b for b in self.window.findChildren(QPushButton) if b.isVisible()]

    def click(self, text: str) -> None:
        """Click the visible button whose text (or inner label) contains `text`."""
        def find() -> list[QPushButton]:
            return [b for b in self.buttons() if text in button_text(b)]

        try:  # new widgets become visible one event-loop turn after they are added
            self.qtbot.waitUntil(lambda: bool(find()), timeout=3000)
        except Exception:  # noqa: BLE001 - report what is there instead
            have = [button_text(b) for b in self.buttons()]
            raise AssertionError(f"no visible button {text!r}; have {have}") from None
        self.qtbot.mouseClick(find()[0], Qt.LeftButton)

    def open_id_prompt(self, category: str, service: str) -> None:
        """From home, 取号 → `category` → `service`, until the ID prompt shows."""
        self.ctl.take_number()
        self.click(category)
        self.click(service)
        self.take_anyway_if_asked()

    def take_anyway_if_asked(self) -> None:
        """After choosing a service: through 暂停受理 (no window open in this shared hall
        unless a test opened one) to the ID prompt."""
        self.qtbot.waitUntil(lambda: self.screen in ("no_window", "id_prompt"), timeout=15000)
        if self.screen == "no_window":
            self.click(self.ctl.text("no_window_take"))
        self.wait_screen("id_prompt")

    def type_keys(self, keys: str) -> None:
        """Press on-screen keypad keys one by one."""
        for ch in keys:
            pads = [b for b in self.buttons() if b.objectName() == "key" and b.text() == ch]
            assert pads, f"no key {ch!r}"
            self.qtbot.mouseClick(pads[0], Qt.LeftButton)

    def texts(self) -> str:
        """All visible label texts of the current screen and header, joined."""
        return "\n".join(lab.text() for lab in self.window.findChildren(QLabel)
                         if lab.isVisible() and lab.text())

    def stop(self) -> None:
        """Stop the kiosk."""
        self.app.stop()
        self.window.close()


def button_text(btn: QPushButton) -> str:
    """A button's own text plus the texts of labels inside it."""
    inner = " ".join(lab.text() for lab in btn.findChildren(QLabel))
    return f"{btn.text()} {inner}".strip()


def waiting(server_url: str, service_code: str) -> int:
    """The server's live waiting count of one service."""
    r = httpx.get(f"{server_url}/api/v1/halls/demo/services", timeout=5)
    r.raise_for_status()
    return next(s["waiting"] for s in r.json() if s["code"] == service_code)


def issue_direct(server_url: str, service_code: str, **body: Any) -> dict[str, Any]:
    """Issue a ticket straight over HTTP (another kiosk)."""
    r = httpx.post(f"{server_url}/api/v1/halls/demo/tickets",
                   json={"service_code": service_code, **body}, headers=KIOSK, timeout=5)
    assert r.status_code == 201, r.text
    return r.json()


def visible_tree(widget: QWidget) -> list[QWidget]:
    """Every visible widget below `widget`."""
    return [w for w in widget.findChildren(QWidget) if w.isVisible()]


def accept_application(server_url: str, id_number: str, *, ready: bool = False,
                       correction: str | None = None) -> dict[str, Any]:
    """A 不动产 application accepted at window 7 for `id_number` (the demo licence person:
    the 不动产权证书 comes from the licence store); approved by both departments and marked
    ready for pickup when `ready`, sent back for 补正 when `correction` is given."""
    from tests.support.api import ESTATE, login, open_window

    with httpx.Client(base_url=server_url, timeout=10) as api:
        clerk = login(api, "clerk7")
        wid = open_window(api, clerk, 7)
        ticket = issue_direct(server_url, ESTATE, id_number=id_number)
        called = api.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
        assert called.status_code == 200 and called.json()["id"] == ticket["id"], called.text
        api.post(f"/api/v1/tickets/{ticket['id']}/start", headers=clerk).raise_for_status()
        r = api.post(f"/api/v1/tickets/{ticket['id']}/application", headers=clerk, json={
            "materials": ["id_card", "sale_contract", "tax_receipt"]})
        assert r.status_code == 201, r.text
        app = r.json()
        api.post(f"/api/v1/tickets/{ticket['id']}/complete", headers=clerk).raise_for_status()
        if correction:
            reviewer = login(api, "reviewer1")
            r = api.post(f"/api/v1/applications/{app['id']}/correction", headers=reviewer,
                         json={"note": correction, "days": 5})
            assert r.status_code == 200, r.text
            app = r.json()
        if ready:
            for reviewer in ("reviewer1", "reviewer2"):
                r = api.post(f"/api/v1/applications/{app['id']}/review",
                             headers=login(api, reviewer), json={"decision": "approve"})
                assert r.status_code == 200, r.text
            r = api.post(f"/api/v1/applications/{app['id']}/ready", headers=clerk)
            assert r.status_code == 200, r.text
            app = r.json()
        return app
