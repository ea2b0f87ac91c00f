"""Cross-process wake-ups on PostgreSQL: LISTEN for "hall H has events up to seq N".

The notification carries no event data; the hub reads events from the database exactly as
after a local commit. After a (re)connect every hall channel is woken, so each re-reads from
its last delivered seq and nothing committed while the listener was away is lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

import psycopg
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
    ) -> None:
        self.conninfo = libpq_url(url)
        self.on_notes = on_notes
        self.on_connect = on_connect
        self.on_state = on_state or (lambda _up: None)
        self.connected = threading.Event()
        self.connects = 0
        self._stop = threading.Event()
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
                                     application_name=APPLICATION_NAME) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connects += 1
                    self.connected.set()
                    self.on_state(True)
                    backoff = 0.2
                    # Resync: anything committed while we were not listening is read now.
                    self.on_connect()
                    self._listen(conn)
            except Exception as exc:  # connection lost or refused: retry
                if self._stop.is_set():
                    break
                log.warning("LISTEN connection lost (%s); reconnecting in %.1fs", exc, backoff)
            finally:
                if self.connected.is_set():
                    self.connected.clear()
                    self.on_state(False)
            self._stop.wait(backoff)
            backoff = min(backoff * 2, 5.0)

    def _listen(self, conn: psycopg.Connection) -> None:
        while not self._stop.is_set():
            notes: dict[int, int] = {}
            for n in conn.notifies(timeout=1.0, stop_after=256):
                parsed = parse_payload(n.payload)
                if parsed:
                    hall, seq = parsed
                    notes[hall] = max(seq, notes.get(hall, 0))
            if notes:
                self.on_notes(notes.items())
            elif conn.closed or conn.broken:
                raise psycopg.OperationalError("listener connection closed")
