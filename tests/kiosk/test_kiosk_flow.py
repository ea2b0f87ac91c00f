"""The Qt-free controller on its own: synchronous runner, manual clock and timers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from hallclient import HallApi
from hallclient.jobs import SyncRunner
from kiosk.controller import KioskController
from kiosk.devices.base import ID_CARD, DeviceRead
from kiosk.printing import TicketPrinter
from kiosk.state import Screen
from printers import PrinterConfig
from tests.kiosk.kiosk_kit import KIOSK_TOKEN, make_config, waiting
from tests.printers.printer_testkit import refused_port
from tests.support.api import HUKOU
from tests.support.live import LiveServer


class Rig:
    """A controller with a hand-driven clock and timer queue."""

    def __init__(self, server: str, **changes: Any) -> None:
        self.now = 0.0
        self.timers: list[Callable[[], None]] = []
        self.keys: list[str] = []
        config = make_config(server, **changes)
        self.api = HallApi(config.server, KIOSK_TOKEN, timeout=2)
        self.api._http.event_hooks["request"].append(self._record)
        self.ctl = KioskController(config, self.api, TicketPrinter(PrinterConfig()),
                                   runner=SyncRunner(), scheduler=self,
                                   clock=lambda: self.now)

    def later(self, _seconds: float, fn: Callable[[], None]) -> None:
        """The Scheduler protocol: keep the timer until the test fires it."""
        self.timers.append(fn)

    def _record(self, request: httpx.Request) -> None:
        if "Idempotency-Key" in request.headers:
            self.keys.append(request.headers["Idempotency-Key"])

    def fire_timers(self) -> None:
        """Let every pending timer run once."""
        pending, self.timers = self.timers, []
        for fn in pending:
            fn()


@pytest.fixture
def rig(live: LiveServer) -> Iterator[Rig]:
    """A controller on the live server."""
    r = Rig(live.url)
    r.ctl.start()
    yield r
    r.ctl.stop()
    r.api.close()


def test_take_number_without_qt(rig: Rig, live: LiveServer) -> None:
    """The whole 取号 flow is plain method calls."""
    before = waiting(live.url, HUKOU)
    ctl = rig.ctl
    assert ctl.state.services_loaded and ctl.state.hall_name == "示范政务服务大厅"
    ctl.take_number()
    ctl.choose_category("户籍")
    ctl.choose_service(HUKOU)
    if ctl.state.screen == Screen.NO_WINDOW:  # no 户籍 window open in the shared hall
        ctl.take_anyway()
    for ch in "11010519491231002":
        ctl.id_key(ch)
    assert ctl.state.id_check.state == "incomplete"
    ctl.confirm_id()  # ignored: not valid yet
    assert ctl.state.screen == Screen.ID_PROMPT
    ctl.skip_id()
    assert ctl.state.screen == Screen.TICKET and ctl.state.print_state == "printed"
    assert rig.ctl.printer.journal and waiting(live.url, HUKOU) == before + 1


def test_idle_timeout_spares_waiting_screens(rig: Rig) -> None:
    """Idle sends flow screens home, but never a citizen waiting on the server."""
    ctl = rig.ctl
    ctl.take_number()
    rig.now += ctl.config.idle_timeout - 1
    ctl.tick()
    assert ctl.state.screen == Screen.CATEGORIES
    ctl.touch()
    rig.now += ctl.config.idle_timeout - 1
    ctl.tick()
    assert ctl.state.screen == Screen.CATEGORIES  # the touch restarted the timer
    rig.now += 2
    ctl.tick()
    assert ctl.state.screen == Screen.HOME
    ctl.state.screen = Screen.RETRY
    rig.now += 10 * ctl.config.idle_timeout
    ctl.tick()
    assert ctl.state.screen == Screen.RETRY


def test_idle_countdown_shows_the_last_seconds(rig: Rig) -> None:
    """The last 30 s are counted down; a touch hides the count, home clears it."""
    ctl = rig.ctl
    ctl.open_query()
    rig.now += ctl.config.idle_timeout - 31
    ctl.tick()
    assert ctl.state.idle_left is None  # 31 s left: nothing yet
    rig.now += 1.5
    ctl.tick()
    assert ctl.state.idle_left == 30
    rig.now += 1
    ctl.tick()
    assert ctl.state.idle_left == 29
    ctl.touch()
    assert ctl.state.idle_left is None
    rig.now += ctl.config.idle_timeout - 0.5
    ctl.tick()
    assert ctl.state.idle_left == 1 and ctl.state.screen == Screen.QUERY
    rig.now += 1
    ctl.tick()
    assert ctl.state.screen == Screen.HOME and ctl.state.idle_left is None


def test_corner_taps_must_be_quick(rig: Rig) -> None:
    """Five taps within 3 s open the PIN screen; slow taps do not."""
    ctl = rig.ctl
    for _ in range(4):
        ctl.corner_tap()
    rig.now += 3.5
    ctl.corner_tap()
    assert ctl.state.screen == Screen.HOME
    for _ in range(4):
        rig.now += 0.3
        ctl.corner_tap()
    assert ctl.state.screen == Screen.PIN


def test_retries_keep_the_key_and_stop_when_given_up(rig: Rig) -> None:
    """Unreachable server: every retry sends the same key; after 取消 nothing is sent."""
    down = Rig(f"http://127.0.0.1:{refused_port()}")
    down.ctl.state.services = rig.ctl.state.services
    down.ctl.state.services_loaded = True
    down.timers.clear()
    ctl = down.ctl
    ctl.take_number()
    ctl.choose_category("户籍")
    ctl.choose_service(HUKOU)
    if ctl.state.screen == Screen.NO_WINDOW:  # no 户籍 window open in the shared hall
        ctl.take_anyway()
    ctl.skip_id()
    assert ctl.state.screen == Screen.RETRY
    for _ in range(3):
        down.fire_timers()
    assert ctl.state.retry_attempt == 4
    assert len(down.keys) == 4 and len(set(down.keys)) == 1
    ctl.give_up()
    down.fire_timers()
    assert len(down.keys) == 4 and ctl.state.screen == Screen.HOME
    down.api.close()


def test_card_read_on_home_starts_a_check_in(rig: Rig) -> None:
    """A card tapped on the home screen goes straight to the appointment lookup."""
    ctl = rig.ctl
    ctl.on_read(DeviceRead(ID_CARD, "11010519700101777" + "X"))  # bad check digit
    assert ctl.state.screen == Screen.CHECKIN and ctl.state.id_check.state == "invalid"
    assert ctl.id_hint() == "最后一位校验码不对，请核对号码是否输错"
