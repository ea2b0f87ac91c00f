"""Wiring: HTTP client, worker pool, session, login dialog, main window, event stream."""

from __future__ import annotations

import logging

from counter_client.config import CounterConfig
from counter_client.controller import CounterSession
from counter_client.strings import Strings
from counter_client.ui.login import LoginDialog
from counter_client.ui.main_window import MainWindow
from hallclient import HallApi
from hallclient.qt import EventBridge, Worker

log = logging.getLogger(__name__)


class CounterApp:
    """One clerk's client: show `login`, then the main window once logged in."""

    def __init__(self, config: CounterConfig) -> None:
        self.config = config
        self.api = HallApi(config.server, timeout=config.http_timeout)
        self.worker = Worker()
        self.session = CounterSession(self.api, config, runner=self.worker,
                                      strings=Strings(config.lang))
        self.login = LoginDialog(self.session)
        self.login.accepted.connect(self._logged_in)
        self.main: MainWindow | None = None
        self.bridge: EventBridge | None = None

    def start(self) -> None:
        """Show the login dialog."""
        self.login.show()

    def _logged_in(self) -> None:
        self.main = MainWindow(self.session)
        self.main.resize(1366, 768)
        self.main.show()
        self.start_events()

    def start_events(self) -> None:
        """Subscribe to the hall's events (reconnects by itself, resuming after `since`)."""
        assert self.api.token is not None
        self.bridge = EventBridge(self.api.ws_base, self.session.config.hall, self.api.token)
        self.bridge.event.connect(self.session.handle_event)
        self.bridge.snapshot.connect(self.session.handle_snapshot)
        self.bridge.state.connect(self.session.handle_state)
        self.bridge.start()

    def shutdown(self) -> None:
        """Stop the stream and wait for running requests."""
        self.session.stop()
        if self.bridge is not None:
            self.bridge.stop()
        self.worker.wait(5000)
        self.api.close()
