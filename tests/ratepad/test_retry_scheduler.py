"""Rating pad retries go through the shared Scheduler: a refused connection is retried."""

from __future__ import annotations

from hallclient import HallApi
from hallclient.jobs import ManualScheduler, SyncRunner
from ratepad.app import RETRY_SECONDS, PadController
from ratepad.strings import Strings
from ratepad.ui.screen import PadScreen
from tests.display.test_retry_scheduler import closed_port


def test_state_failure_is_retried_through_the_scheduler(qtbot) -> None:
    screen = PadScreen(Strings("zh"))
    qtbot.addWidget(screen)
    shown: list[str] = []
    original = screen.set_connection
    screen.set_connection = lambda state, detail="": (shown.append(state),  # type: ignore
                                                      original(state, detail))
    clock = ManualScheduler()
    api = HallApi(f"http://127.0.0.1:{closed_port()}", "t", timeout=2)
    controller = PadController(api, "t", screen, runner=SyncRunner(), scheduler=clock)
    controller.start()
    assert shown == ["connecting", "disconnected"]
    assert clock.advance(RETRY_SECONDS - 0.5) == 0
    assert clock.advance(0.5) == 1 and shown == ["connecting", "disconnected", "disconnected"]
    controller.stop()
    assert clock.advance(RETRY_SECONDS) == 1 and len(shown) == 3  # stopped: no more retries
