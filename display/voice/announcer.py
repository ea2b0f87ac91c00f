"""Queued announcements: one at a time, never overlapping, each call (seq) at most once."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from display.controller import Call
from display.voice.engine import Voice
from display.voice.sinks import AudioSink

log = logging.getLogger(__name__)

CallHook = Callable[[Call], None]


class Announcer:
    """Renders and plays calls in a background thread, in the order they were submitted."""

    def __init__(self, voice: Voice | None, sink: AudioSink, *, on_start: CallHook | None = None,
                 on_done: CallHook | None = None) -> None:
        self.voice = voice
        self.sink = sink
        self.on_start = on_start
        self.on_done = on_done
        self.announced: list[Call] = []  # in the order they were read out
        self._last_seq = 0
        self._queue: queue.Queue[Call | None] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    def submit(self, call: Call) -> bool:
        """Queue a call; False (and nothing queued) when its seq was already submitted."""
        with self._idle:
            if call.seq <= self._last_seq:
                return False  # replayed, duplicated, or older than something already read
            self._last_seq = call.seq
            self._pending += 1
        self._queue.put(call)
        return True

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until everything queued has been played (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def stop(self) -> None:
        """Finish the current announcement and end the thread."""
        self._queue.put(None)
        self._thread.join(10)

    def _run(self) -> None:
        while True:
            call = self._queue.get()
            if call is None:
                return
            try:
                if self.on_start:
                    self.on_start(call)
                if self.voice is not None:
                    self.sink.play(self.voice.render(call))
                self.announced.append(call)
            except Exception:  # a broken clip or player must not stop later announcements
                log.exception("announcement of %s failed", call.number)
            finally:
                if self.on_done:
                    self.on_done(call)
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()
