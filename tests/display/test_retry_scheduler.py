"""Display retries go through the shared Scheduler: a refused connection is retried on time."""

from __future__ import annotations

import socket
from datetime import datetime

from PyQt5.QtWidgets import QWidget

from display.app import RETRY_SECONDS, DisplayController
from hallclient import HallApi
from hallclient.jobs import ManualScheduler, SyncRunner


class RecordingScreen(QWidget):
    """A real widget that keeps what the controller told it."""

    def __init__(self) -> None:
        super().__init__()
        self.states: list[str] = []

    def render_model(self, _model: object) -> None:
        """Nothing to draw here."""

    def set_connection(self, state: str, detail: str = "") -> None:
        """Remember the connection states shown."""
        self.states.append(state)

    def set_time(self, _moment: datetime) -> None:
        """No clock here."""


def closed_port() -> int:
    """A 127.0.0.1 port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_board_failure_is_retried_through_the_scheduler(qtbot) -> None:
    screen = RecordingScreen()
    qtbot.addWidget(screen)
    clock = ManualScheduler()
    api = HallApi(f"http://127.0.0.1:{closed_port()}", "t", timeout=2)
    controller = DisplayController(api, "demo", "t", screen, None, runner=SyncRunner(),
                                   scheduler=clock)
    controller.start()
    assert screen.states == ["connecting", "disconnected"]
    assert [round(due, 1) for due, _fn in clock.pending] == [RETRY_SECONDS]
    assert clock.advance(RETRY_SECONDS - 0.5) == 0  # not before its time
    assert clock.advance(0.5) == 1  # the retry ran: connecting again, refused again
    assert screen.states[-2:] == ["connecting", "disconnected"]
    controller.stop()
    assert clock.advance(RETRY_SECONDS) == 1 and screen.states[-1] == "disconnected"
    # a stopped controller's pending retry does nothing any more
    assert clock.pending == [] and controller.bridge is None
