"""Cross-process wake-ups on PostgreSQL: LISTEN for "hall H has events up to seq N".

The notification carries no event data; the hub reads events from the database exactly as
after a local commit. After a (re)connect every hall channel is woken, so each re-reads from
its last delivered seq and nothing committed while the listener was away is lost.

The same connection also listens on extra channels (e.g. `tongban_auth`, "drop your remembered
principals"); their callbacks get the payload as soon as a notification arrives, and "" once
after every (re)connect, since notifications sent while disconnected are lost.

A LISTEN connection that silently stops delivering (a NAT or firewall dropping the idle flow,
a stalled proxy) looks healthy from here: nothing arrives, which is also what "no events"
looks like. So the listener sends a `SELECT 1` round trip every `ping_seconds` and treats no
answer within `ping_timeout` as a lost connection (TCP keepalives catch a dead peer too):
it reconnects, which wakes every hall so nothing committed meanwhile is missed.
"""

from __future__ import annotations

import logging
import select
import threading
import time
from collections.abc import Callable, Iterable

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

CHANNEL = "tongban_events"
APPLICATION_NAME = "tongban-listener"


def libpq_url(sqlalchemy_url: str) -> str:
    """A SQLAlchemy `postgresql+psycopg://` URL as a plain libpq connection URL."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def parse_payload(payload: str) -> tuple[int, int] | None:
    """'hall_id:seq' → (hall_id, seq); None for anything malformed."""
    hall, _, seq = payload.partition(":")
    try:
        return int(hall), int(seq)
    except ValueError:
        return None


class PgListener:
    """A daemon thread holding one LISTEN connection, reconnecting with backoff."""

    def __init__(
        self,
        url: str,
        *,
        on_notes: Callable[[Iterable[tuple[int, int]]], None],
        on_connect: Callable[[], None],
        on_state: Callable[[bool], None] | None = None,
        extra: dict[str, Callable[[str], None]] | None = None,
        acks: dict[str, str] | None = None,
        ping_seconds: float = 5.0,
        ping_timeout: float = 5.0,
    ) -> None:
        self.conninfo = libpq_url(url)
        self.ping_seconds = ping_seconds
        self.ping_timeout = ping_timeout
        self.extra = dict(extra or {})
        # channel -> ack channel: after the callback ran, NOTIFY the ack channel with the
        # same payload, so the sender knows this process has acted on it.
        self.acks = dict(acks or {})
        self.on_notes = on_notes
        self.on_connect = on_connect
        self.on_state = on_state or (lambda _up: None)
        self.connected = threading.Event()
        self.connects = 0
        self.losses = 0  # established connections that broke or stalled (for metrics)
        self._stop = threading.Event()
        # Held while reading the socket, by the listener thread or by catch_up().
        self._lock = threading.Lock()
        self._conn: psycopg.Connection | None = None
        self._notes: dict[int, int] = {}  # hall -> highest seq, not yet handed to on_notes
        self._pending_acks: list[tuple[str, str]] = []
        # Monotonic time the round trip in flight was sent (None: none in flight) and the
        # time the last one was answered.
        self._ping_sent: float | None = None
        self._last_pong = 0.0
        self._thread = threading.Thread(target=self._run, name="pg-listener", daemon=True)

    def start(self) -> PgListener:
        """Start listening in the background."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        """Ask the thread to finish and wait briefly."""
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        backoff = 0.2
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5,
                                     application_name=APPLICATION_NAME,
                                     **self._keepalives()) as conn:
                    # Notifications psycopg reads while running our own statements.
                    conn.add_notify_handler(lambda n: self._handle(n.channel, n.payload))
                    with self._lock:
                        conn.execute(f"LISTEN {CHANNEL}")
                        for channel in self.extra:
                            conn.execute(f"LISTEN {channel}")
                        self.connects += 1
                        self.connected.set()
                        self.on_state(True)
                        backoff = 0.2
                        # Resync: anything committed while we were not listening is read now.
                        self.on_connect()
                        for callback in self.extra.values():
                            callback("")
                        self._flush(conn)
                        self._conn = conn
                        self._ping_sent, self._last_pong = None, time.monotonic()
                    self._listen(conn)
            except Exception as exc:  # connection lost or refused: retry
                if self._stop.is_set():
                    break
                log.warning("LISTEN connection lost (%s); reconnecting in %.1fs", exc, backoff)
            finally:
                with self._lock:
                    self._conn = None
                    self._notes.clear()
                    self._pending_acks.clear()
                if self.connected.is_set():
                    self.losses += 1
                    self.connected.clear()
                    self.on_state(False)
            self._stop.wait(backoff)
            backoff = min(backoff * 2, 5.0)

    def _keepalives(self) -> dict[str, int]:
        """libpq TCP keepalive options: the kernel gives up on a silent peer within seconds."""
        idle = max(1, round(self.ping_seconds))
        return {"keepalives": 1, "keepalives_idle": idle, "keepalives_interval": idle,
                "keepalives_count": 3, "tcp_user_timeout": round(self.ping_timeout * 1000)}

    def _listen(self, conn: psycopg.Connection) -> None:
        fd = conn.pgconn.socket
        tick = min(1.0, self.ping_seconds, self.ping_timeout)
        while not self._stop.is_set():
            readable, _, _ = select.select([fd], [], [], tick)
            with self._lock:
                if readable:
                    self._drain(conn)
                elif conn.closed or conn.broken:
                    raise psycopg.OperationalError("listener connection closed")
                self._ping(conn)

    def _ping(self, conn: psycopg.Connection) -> None:
        """Start a round trip when one is due; raise when the one in flight is overdue."""
        now = time.monotonic()
        if self._ping_sent is not None:
            if now - self._ping_sent > self.ping_timeout:
                raise psycopg.OperationalError(
                    f"stalled: no answer to a round trip within {self.ping_timeout:g} s")
        elif now - self._last_pong >= self.ping_seconds:
            # Sent below psycopg (which would block until the answer): _drain collects it.
            conn.pgconn.send_query(b"SELECT 1")
            conn.pgconn.flush()
            self._ping_sent = now

    def _drain(self, conn: psycopg.Connection) -> None:
        """Read what has arrived and dispatch it (caller holds `_lock`)."""
        pgconn = conn.pgconn
        pgconn.consume_input()  # raises OperationalError once the connection is gone
        if self._ping_sent is not None and not pgconn.is_busy():
            while pgconn.get_result() is not None:  # the round trip's answer is complete
                pass
            self._ping_sent, self._last_pong = None, time.monotonic()
        encoding = conn.info.encoding
        while (n := pgconn.notifies()) is not None:
            self._handle(n.relname.decode(encoding), n.extra.decode(encoding))
        self._flush(conn)

    def _handle(self, channel: str, payload: str) -> None:
        """One notification (caller holds `_lock`); acks and hall wake-ups wait for _flush."""
        callback = self.extra.get(channel)
        if callback is not None:
            callback(payload)  # at once: a revoked token stops working now
            ack = self.acks.get(channel)
            if ack and payload:
                self._pending_acks.append((ack, payload))
            return
        parsed = parse_payload(payload)
        if parsed:
            hall, seq = parsed
            self._notes[hall] = max(seq, self._notes.get(hall, 0))

    def _flush(self, conn: psycopg.Connection) -> None:
        """Send queued acks (statements may bring more notifications) and wake halls."""
        while self._pending_acks and self._ping_sent is None:  # one statement at a time
            ack, payload = self._pending_acks.pop(0)
            conn.execute(sql.SQL("SELECT pg_notify({}, {})").format(ack, payload))
        if self._notes:
            notes, self._notes = self._notes, {}
            self.on_notes(notes.items())

    def catch_up(self) -> bool:
        """Dispatch notifications already waiting on the socket, from the calling thread.

        Lets a request act on a NOTIFY that has reached this process but that the listener
        thread has not been scheduled to read yet. False when that cannot be known without
        waiting (the listener thread is reading right now); True otherwise, including while
        disconnected (then callers rely on their own expiry).
        """
        if not self._lock.acquire(blocking=False):
            return False
        try:
            conn = self._conn
            if conn is None:
                return True
            try:
                readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
                if readable:
                    self._drain(conn)
            except (psycopg.Error, OSError, ValueError):
                return True  # the listener thread notices and reconnects
            return True
        finally:
            self._lock.release()
