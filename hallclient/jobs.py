"""The one pattern for background work in the hall apps, Qt-free.

Every app's Qt-free logic (kiosk controller, counter session, display/ratepad models) takes a
`Runner` for blocking calls and a `Scheduler` for delays. The app passes the Qt implementations
from `hallclient.qt` (`Worker`, `QtScheduler`); tests and scripts pass `SyncRunner` and
`ManualScheduler` from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Runner(Protocol):
    """Runs `fn` somewhere else and reports back on the caller's (UI) thread."""

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
        """Call fn(); then on_done(result) or on_error(exc)."""


class Scheduler(Protocol):
    """Calls `fn` on the caller's (UI) thread after a delay."""

    def later(self, seconds: float, fn: Callable[[], None]) -> None:
        """Call fn once, `seconds` from now."""


class SyncRunner:
    """Runs jobs inline on the calling thread (Qt-free tests and scripts)."""

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
        """Call fn now; then on_done(result) or on_error(exc)."""
        try:
            result = fn()
        except Exception as exc:  # reported like the Qt worker does
            on_error(exc)
            return
        on_done(result)


class ManualScheduler:
    """Keeps delayed calls until a test advances the clock (Qt-free tests)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pending: list[tuple[float, Callable[[], None]]] = []

    def later(self, seconds: float, fn: Callable[[], None]) -> None:
        """Queue fn to run once `advance` passes its time."""
        self.pending.append((self.now + seconds, fn))

    def advance(self, seconds: float) -> int:
        """Move the clock on and run what fell due, in time order; returns how many ran."""
        self.now += seconds
        ran = 0
        while due := sorted((p for p in self.pending if p[0] <= self.now), key=lambda p: p[0]):
            entry = due[0]
            self.pending.remove(entry)
            entry[1]()
            ran += 1
        return ran
