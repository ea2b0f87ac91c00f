"""Keyboard-wedge readers: fast key bursts ending with Enter, collected past the IME."""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.devices.base import ReadCallback, classify


class WedgeBuffer:
    """Qt-free burst detector: characters closer than `max_gap` seconds form one read.

    People type slower than scanners; a burst of at least `min_length` characters closed by
    Enter is a read, anything slower is left to the focused widget.
    """

    def __init__(self, *, max_gap: float = 0.05, min_length: int = 4,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_gap = max_gap
        self.min_length = min_length
        self.clock = clock
        self._chars: list[str] = []
        self._last = 0.0

    def feed(self, char: str) -> str | None:
        """Add one printable character; returns nothing (a read ends only with Enter)."""
        now = self.clock()
        if self._chars and now - self._last > self.max_gap:
            self._chars = []
        self._chars.append(char)
        self._last = now
        return None

    def enter(self) -> str | None:
        """Enter pressed: the collected burst if it qualifies as a read, else None."""
        now = self.clock()
        text = "".join(self._chars)
        recent = self._chars and now - self._last <= self.max_gap * 4
        self._chars = []
        if recent and len(text) >= self.min_length:
            return text
        return None

    @property
    def pending(self) -> int:
        """Characters collected in the current burst."""
        return len(self._chars)


class KeyboardWedge:
    """Qt event filter on the application: scanner bursts become reads, not typed text.

    Key events are read from `QKeyEvent.text()` before any widget sees them, so the Chinese
    IME (which works on widgets' input-method events) never gets to turn them into pinyin.
    """

    def __init__(self, max_gap: float = 0.05, min_length: int = 4, **_options: object) -> None:
        self.buffer = WedgeBuffer(max_gap=float(max_gap), min_length=int(min_length))
        self._filter = None
        self._callback: ReadCallback | None = None

    def start(self, on_read: ReadCallback) -> None:
        """Install the event filter on the running QApplication."""
        from kiosk.devices.wedge_qt import install

        self._callback = on_read
        self._filter = install(self)

    def stop(self) -> None:
        """Remove the event filter."""
        from kiosk.devices.wedge_qt import uninstall

        if self._filter is not None:
            uninstall(self._filter)
        self._filter = None
        self._callback = None

    def on_text(self, text: str) -> bool:
        """A printable key: collected and swallowed (kiosk input is the on-screen keypad, so
        hardware keys only ever come from readers)."""
        self.buffer.feed(text)
        return True

    def on_enter(self) -> bool:
        """Enter; True when it completed a read (delivered to the callback)."""
        text = self.buffer.enter()
        if text is None or self._callback is None:
            return False
        self._callback(classify(text))
        return True
