"""Running client jobs without Qt: the inline counterpart of hallclient.qt.Worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


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
