"""WebSocket event stream with reconnect, `since` resume and exactly-once delivery by seq."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect

from tongban_common.wire import WsMessage

log = logging.getLogger(__name__)

EventHandler = Callable[[dict[str, Any]], None]
StateHandler = Callable[[str], None]

CONNECTING, CONNECTED, DISCONNECTED, STOPPED = "connecting", "connected", "disconnected", "stopped"
FATAL_CLOSE_CODES = {4401, 4403, 4404}


class EventStream:
    """Runs in a background thread; calls handlers from that thread.

    Every event is delivered once, in seq order: a reconnect asks for `since=<last seq>`,
    and anything at or below the last seen seq is dropped.
    """

    def __init__(
        self,
        ws_base: str,
        hall: str,
        token: str,
        *,
        on_event: EventHandler,
        on_snapshot: EventHandler | None = None,
        on_state: StateHandler | None = None,
        since: int | None = None,
        ping_seconds: float = 10.0,
        max_backoff: float = 5.0,
    ) -> None:
        self.ws_base = ws_base.rstrip("/")
        self.hall = hall
        self.token = token
        self.on_event = on_event
        self.on_snapshot = on_snapshot
        self.on_state = on_state
        self.last_seq = since
        self.ping_seconds = ping_seconds
        self.max_backoff = max_backoff
        self.state = DISCONNECTED
        self.fatal_error: str | None = None
        self._stop = threading.Event()
        self._conn: ClientConnection | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> EventStream:
        """Start the background thread."""
        self._thread = threading.Thread(target=self._run, name=f"events-{self.hall}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and join the thread."""
        self._stop.set()
        conn = self._conn
        if conn is not None:
            try:
                conn.close()
            except Exception:  # closing a broken socket may raise anything
                log.debug("error while closing websocket", exc_info=True)
        if self._thread is not None:
            self._thread.join(timeout)
        self._set_state(STOPPED)

    def drop_connection(self) -> None:
        """Close the socket as a network drop would (tests, 'reconnect now' button)."""
        conn = self._conn
        if conn is not None:
            conn.close()

    def url(self) -> str:
        """The websocket URL for the next connection attempt."""
        query = {"token": self.token}
        if self.last_seq is not None:
            query["since"] = str(self.last_seq)
        return f"{self.ws_base}/ws/halls/{self.hall}?{urlencode(query)}"

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            if self.on_state:
                self.on_state(state)

    def _run(self) -> None:
        backoff = 0.2
        while not self._stop.is_set():
            self._set_state(CONNECTING)
            try:
                with connect(self.url(), open_timeout=5, close_timeout=1,
                             max_size=2**24) as conn:
                    self._conn = conn
                    self._set_state(CONNECTED)
                    backoff = 0.2
                    self._read_loop(conn)
            except (OSError, WebSocketException, TimeoutError) as exc:
                code = getattr(getattr(exc, "rcvd", None), "code", None)
                if code in FATAL_CLOSE_CODES:
                    self.fatal_error = getattr(exc.rcvd, "reason", "") or str(code)  # type: ignore[union-attr]
                    log.error("event stream refused: %s", self.fatal_error)
                    self._set_state(STOPPED)
                    return
                log.info("event stream disconnected: %s", exc)
            finally:
                self._conn = None
            if self._stop.is_set():
                break
            self._set_state(DISCONNECTED)
            self._stop.wait(backoff)
            backoff = min(backoff * 2, self.max_backoff)

    def _read_loop(self, conn: ClientConnection) -> None:
        while not self._stop.is_set():
            try:
                raw = conn.recv(timeout=self.ping_seconds)
            except TimeoutError:
                conn.send(json.dumps({"type": WsMessage.PING}))
                continue
            self._handle(json.loads(raw))

    def _handle(self, msg: dict[str, Any]) -> None:
        kind = msg.get("type")
        if kind in (WsMessage.PING, WsMessage.PONG):
            return
        if kind == WsMessage.SNAPSHOT:
            self.last_seq = int(msg["seq"])
            if self.on_snapshot:
                self.on_snapshot(msg["data"])
            return
        seq = msg.get("seq")
        if not isinstance(seq, int):
            return
        if self.last_seq is not None and seq <= self.last_seq:
            return  # replayed or duplicated: already delivered
        self.last_seq = seq
        try:
            self.on_event(msg)
        except Exception:  # a handler bug must not kill the stream
            log.exception("event handler failed for seq %s", seq)
