"""Glue between the server (hallclient), the Qt-free pad model and the pad screen."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from PyQt5.QtCore import QObject, QTimer, pyqtSignal

from hallclient import ApiError, HallApi
from hallclient.jobs import Runner, Scheduler
from hallclient.qt import EventBridge, QtScheduler, Worker
from ratepad.controller import IDLE, PROMPT, REASONS, THANKS, PadModel

log = logging.getLogger(__name__)

THANKS_MS = 6000  # the thank-you screen, then the clerk card again (--thanks-seconds)
PROMPT_MS = 90_000  # a prompt nobody touches goes back to the clerk card (--prompt-seconds)
RETRY_SECONDS = 3.0  # a failed first load is retried after this (10× on a 401/403)


class Screen(Protocol):
    """What the controller needs from a screen widget."""

    def render_model(self, model: PadModel) -> None: ...
    def set_connection(self, state: str, detail: str = "") -> None: ...


class PadController(QObject):
    """Loads the pad's state, follows the hall stream, sends the citizen's rating."""

    rendered = pyqtSignal()  # after each render (tests wait on it)

    def __init__(self, api: HallApi, token: str, screen: Screen, model: PadModel | None = None,
                 parent: QObject | None = None, *, thanks_ms: int = THANKS_MS,
                 prompt_ms: int = PROMPT_MS, max_backoff: float = 5.0,
                 runner: Runner | None = None, scheduler: Scheduler | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.token = token
        self.screen = screen
        self.model = model or PadModel()
        self.thanks_ms, self.prompt_ms = thanks_ms, prompt_ms
        self.max_backoff = max_backoff
        # Blocking calls and retry delays go through the shared pattern (hallclient.jobs):
        # Qt's Worker and QtScheduler here, SyncRunner / ManualScheduler in tests.
        self.worker: Runner = runner or Worker(self)
        self.scheduler: Scheduler = scheduler or QtScheduler()
        self.bridge: EventBridge | None = None
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._time_out)
        self._shown: tuple[str, int | None] = (IDLE, None)
        self._stopped = False

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Read the pad's state, then stream the hall's events."""
        self.screen.set_connection("connecting")
        self.refresh()

    def stop(self) -> None:
        """Stop streaming and timers."""
        self._stopped = True
        self.idle_timer.stop()
        if self.bridge is not None:
            self.bridge.stop()
        if isinstance(self.worker, Worker):
            self.worker.wait(5000)

    def refresh(self) -> None:
        """Re-read the window, its clerk and any prompt (start, window change, long gap)."""
        self.worker.run(self.api.ratepad_state, self._on_state, self._on_state_error)

    def _on_state(self, state: dict[str, Any]) -> None:
        if self._stopped:
            return
        self.model.apply_state(state)
        self._sync()
        if self.bridge is None:
            self.bridge = EventBridge(self.api.ws_base, self.model.hall_code, self.token,
                                      parent=self)
            self.bridge.stream.max_backoff = self.max_backoff
            self.bridge.event.connect(self.on_event)
            self.bridge.snapshot.connect(lambda _snap: self.refresh())
            self.bridge.state.connect(self._on_stream_state)
            self.bridge.start()

    def _on_state_error(self, exc: Exception) -> None:
        if self._stopped:
            return
        log.warning("pad state not loaded (%s); retrying", exc)
        if isinstance(exc, ApiError) and exc.status in (401, 403):
            self.screen.set_connection("stopped", exc.message)  # wrong or revoked token
            self.scheduler.later(10 * RETRY_SECONDS, self._retry)
            return
        self.screen.set_connection("disconnected")
        self.scheduler.later(RETRY_SECONDS, self._retry)

    def _retry(self) -> None:
        if not self._stopped:
            self.refresh()

    def _on_stream_state(self, state: str) -> None:
        detail = ""
        if state == "stopped" and self.bridge is not None:
            detail = self.bridge.stream.fatal_error or ""
        self.screen.set_connection(state, detail)

    # ------------------------------------------------------------------ events and touches

    def on_event(self, env: dict[str, Any]) -> None:
        """One hall event (UI thread)."""
        if self.model.apply_event(env):
            self.refresh()
        self._sync()

    def choose(self, rating: int) -> None:
        """The citizen touched a level."""
        if self.model.choose(rating):
            self.submit()
        self._sync(touched=True)

    def toggle(self, code: str) -> None:
        """The citizen touched a reason chip."""
        self.model.toggle(code)
        self._sync(touched=True)

    def back(self) -> None:
        """Back from the reasons to the levels."""
        self.model.back()
        self._sync(touched=True)

    def submit(self) -> None:
        """Send the chosen level (and reasons) once; the buttons stay disabled meanwhile."""
        if self.model.sending or self.model.rating is None:
            return
        body = self.model.submission()
        self.worker.run(lambda: self.api.ratepad_rate(**body), self._on_rated, self._on_refused)
        self._sync(touched=True)

    def _on_rated(self, result: dict[str, Any]) -> None:
        self.model.thank(int(result["rating"]))
        self._sync()

    def _on_refused(self, exc: Exception) -> None:
        log.info("rating not stored: %s", exc)
        self.model.failed(exc.code if isinstance(exc, ApiError) else "unreachable")
        self._sync()

    def _time_out(self) -> None:
        self.model.to_idle()
        self._sync()

    def _sync(self, *, touched: bool = False) -> None:
        """Render, and (re)arm the idle timer when the screen changed or was touched."""
        m = self.model
        shown = (m.screen, m.prompt.ticket_id if m.prompt else None)
        if touched or shown != self._shown:
            self._shown = shown
            if m.screen == THANKS:
                self.idle_timer.start(self.thanks_ms)
            elif m.screen in (PROMPT, REASONS):
                self.idle_timer.start(self.prompt_ms)
            else:
                self.idle_timer.stop()
        self.screen.render_model(m)
        self.rendered.emit()
