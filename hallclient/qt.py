"""The one Qt adapter: event stream as Qt signals, and blocking calls off the UI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PyQt5.QtCore import QObject, QRunnable, QThreadPool, QTimer, pyqtSignal

from hallclient.events import EventStream

log = logging.getLogger(__name__)


class EventBridge(QObject):
    """Re-emits EventStream callbacks as queued Qt signals on the UI thread."""

    event = pyqtSignal(dict)
    snapshot = pyqtSignal(dict)
    state = pyqtSignal(str)

    def __init__(self, ws_base: str, hall: str, token: str, *, since: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stream = EventStream(
            ws_base, hall, token, since=since,
            on_event=self.event.emit, on_snapshot=self.snapshot.emit, on_state=self.state.emit,
        )

    def start(self) -> None:
        """Start streaming."""
        self.stream.start()

    def stop(self) -> None:
        """Stop streaming."""
        self.stream.stop()


class _Signals(QObject):
    done = pyqtSignal(object)
    failed = pyqtSignal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the UI as a value, never raised in the pool
            self.signals.failed.emit(exc)
            return
        self.signals.done.emit(result)


class Worker(QObject):
    """Runs blocking client calls in a thread pool; results come back as signals."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The process-wide pool, never one owned by the worker: a pool dies with its owner and
        # waits for its queued jobs, and when that happens inside Python's garbage collector
        # (which holds the GIL those jobs need to start) the UI thread deadlocks.
        self.pool = QThreadPool.globalInstance()
        self.pool.setMaxThreadCount(max(4, self.pool.maxThreadCount()))
        self._alive: set[_Signals] = set()

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
        """Call `fn()` off the UI thread; `on_done(result)` or `on_error(exc)` on the UI thread."""
        signals = _Signals()
        self._alive.add(signals)  # keep the QObject alive until the job reports

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._alive.discard(signals)
            callback(value)

        signals.done.connect(lambda r: finish(on_done, r))
        signals.failed.connect(lambda e: finish(on_error, e))
        self.pool.start(_Job(fn, signals))

    def wait(self, msecs: int = 10000) -> bool:
        """Wait for running jobs, of every worker in the process (tests, shutdown)."""
        return self.pool.waitForDone(msecs)


class QtScheduler:
    """The Qt `hallclient.jobs.Scheduler`: delays run on the UI thread's event loop."""

    def later(self, seconds: float, fn: Callable[[], None]) -> None:
        """Call fn on the UI thread after `seconds`."""
        QTimer.singleShot(max(0, int(seconds * 1000)), fn)
