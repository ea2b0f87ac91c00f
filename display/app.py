"""Glue between the server (hallclient), the Qt-free model, the announcer and a screen."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from PyQt5.QtCore import QObject, QTimer, pyqtSignal

from display.controller import Call, DisplayModel
from display.voice.announcer import Announcer
from hallclient import ApiError, HallApi
from hallclient.jobs import Runner, Scheduler
from hallclient.qt import EventBridge, QtScheduler, Worker

log = logging.getLogger(__name__)

STATS_DEBOUNCE_MS = 1500  # queue figures are re-read this long after ticket activity
STATS_PERIOD_MS = 60_000  # and every minute (estimated waits change with time)
RETRY_SECONDS = 3.0  # a failed first load is retried after this (10× on a 401/403)


class Screen(Protocol):
    """What the controller needs from a screen widget."""

    def render_model(self, model: DisplayModel) -> None: ...
    def set_connection(self, state: str, detail: str = "") -> None: ...
    def set_time(self, moment: datetime) -> None: ...


class DisplayController(QObject):
    """Loads the board, follows the event stream, renders and announces."""

    rendered = pyqtSignal()  # after each render (tests wait on it)

    def __init__(self, api: HallApi, hall: str, token: str, screen: Screen,
                 announcer: Announcer | None, model: DisplayModel | None = None,
                 parent: QObject | None = None, *, max_backoff: float = 5.0,
                 only_window: int | None = None, runner: Runner | None = None,
                 scheduler: Scheduler | None = None) -> None:
        super().__init__(parent)
        self.max_backoff = max_backoff
        self.only_window = only_window  # a window screen reads out only its own calls
        self.api = api
        self.hall = hall
        self.token = token
        self.screen = screen
        self.announcer = announcer
        self.model = model or DisplayModel()
        # Blocking calls and retry delays go through the shared pattern (hallclient.jobs):
        # Qt's Worker and QtScheduler here, SyncRunner / ManualScheduler in tests.
        self.worker: Runner = runner or Worker(self)
        self.scheduler: Scheduler = scheduler or QtScheduler()
        self.bridge: EventBridge | None = None
        self.clock = QTimer(self)
        self.clock.timeout.connect(self.tick)
        self.stats_timer = QTimer(self)
        self.stats_timer.setSingleShot(True)
        self.stats_timer.timeout.connect(self.refresh_stats)
        self.stats_period = QTimer(self)
        self.stats_period.timeout.connect(self.refresh_stats)
        self._stopped = False
        # A screen closed without stop() must not leave timers drawing on deleted widgets.
        screen.destroyed.connect(self.stop)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Fetch the board, then stream from its seq."""
        if self.bridge is not None:
            return  # already streaming (a retry timer fired late)
        self.clock.start(1000)
        self.tick()
        self.screen.set_connection("connecting")
        self.worker.run(lambda: self.api.board(self.hall), self._on_board, self._on_board_error)

    def stop(self) -> None:
        """Stop streaming and timers (a pending retry will not start them again)."""
        self._stopped = True
        self.clock.stop()
        self.stats_timer.stop()
        self.stats_period.stop()
        if self.bridge is not None:
            self.bridge.stop()
        if isinstance(self.worker, Worker):
            self.worker.wait(5000)

    def _retry(self) -> None:
        if not self._stopped:
            self.start()

    def _on_board(self, board: dict[str, Any]) -> None:
        self._announce(self.model.apply_snapshot(board))
        self._render()
        self.bridge = EventBridge(self.api.ws_base, self.hall, self.token,
                                  since=self.model.seq, parent=self)
        self.bridge.stream.max_backoff = self.max_backoff
        self.bridge.event.connect(self.on_event)
        self.bridge.snapshot.connect(self.on_snapshot)
        self.bridge.state.connect(self._on_state)
        self.bridge.start()
        self.stats_period.start(STATS_PERIOD_MS)

    def _on_state(self, state: str) -> None:
        detail = ""
        if state == "stopped" and self.bridge is not None:
            detail = self.bridge.stream.fatal_error or ""  # e.g. the device token was revoked
        self.screen.set_connection(state, detail)

    def _on_board_error(self, exc: Exception) -> None:
        log.warning("board not loaded (%s); retrying", exc)
        if isinstance(exc, ApiError) and exc.status in (401, 403, 404):
            # Wrong token or hall: say so on screen, retry slowly (someone may fix the config).
            self.screen.set_connection("stopped", exc.message)
            self.scheduler.later(10 * RETRY_SECONDS, self._retry)
            return
        self.screen.set_connection("disconnected")
        self.scheduler.later(RETRY_SECONDS, self._retry)

    # ------------------------------------------------------------------ stream

    def on_event(self, env: dict[str, Any]) -> None:
        """One event from the stream (UI thread)."""
        self._announce(self.model.apply_event(env))
        self._render()
        # a window opening or closing changes which services are served (暂停受理) too
        if str(env.get("type", "")).startswith(("ticket.", "window.")):
            self.stats_timer.start(STATS_DEBOUNCE_MS)

    def on_snapshot(self, snap: dict[str, Any]) -> None:
        """A snapshot instead of a replay (the gap was too long)."""
        self._announce(self.model.apply_snapshot(snap))
        self._render()

    def refresh_stats(self) -> None:
        """Re-read waiting counts and estimated waits (only those: seq order stays intact)."""
        def done(board: dict[str, Any]) -> None:
            self.model.apply_stats(board)
            self._render()

        self.worker.run(lambda: self.api.board(self.hall), done,
                        lambda exc: log.info("stats refresh failed: %s", exc))

    def tick(self) -> None:
        """Clock, in the hall's timezone."""
        try:
            tz = ZoneInfo(self.model.timezone)
        except (KeyError, ValueError):
            tz = UTC
        self.screen.set_time(datetime.now(tz))

    def _announce(self, calls: list[Call]) -> None:
        if self.announcer is None:
            return
        for call in calls:
            if self.only_window is None or call.window_number == self.only_window:
                self.announcer.submit(call)

    def _render(self) -> None:
        self.screen.render_model(self.model)
        self.rendered.emit()
