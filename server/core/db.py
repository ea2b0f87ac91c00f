"""Engine, sessions and transactions for SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import psycopg
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from server.core.config import DbTimeouts
from server.core.groupcommit import GroupCommit

log = logging.getLogger(__name__)
T = TypeVar("T")
# Session.info key: what a transaction wants announced once it has committed.
COMMIT_NOTES = "tongban_commit_notes"
# Session.info key: rows held for the rest of the transaction (see `keep_loaded`).
KEPT_ROWS = "tongban_kept_rows"
# A connection that brings no answer this long past the statement timeout is cut.
ANSWER_GRACE_SECONDS = 2.0
# Unanswered TCP keepalive probes after which the kernel drops a PostgreSQL connection.
KEEPALIVE_PROBES = 3
# A pooled PostgreSQL connection back in the pool for less than this is handed out without
# a ping: under load every checkout follows a checkin by milliseconds, and the ping was a
# round trip per transaction; after a quiet spell (where links die: restarts, idle cut-offs
# by firewalls) it is pinged as before.
PING_IDLE_SECONDS = 1.0
# Connection record info key: when the connection last went back to the pool (monotonic).
CHECKED_IN_AT = "tongban_checked_in_at"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, so SQLite string order equals time order."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to UTCDateTime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Database:
    """Owns the engine and hands out read and write sessions."""

    def __init__(self, url: str, *, echo: bool = False,
                 timeouts: DbTimeouts | None = None) -> None:
        """`timeouts` None: no limits of our own (command-line tools, service-level tests)."""
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            kwargs["pool_size"] = 16
            kwargs["max_overflow"] = 48
        else:
            kwargs["pool_size"] = 10
            kwargs["max_overflow"] = 30
            if timeouts is not None:
                kwargs["connect_args"] = _pg_connect_args(timeouts)
        if timeouts is not None:
            kwargs["pool_timeout"] = timeouts.pool
        self.engine: Engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        else:
            _ping_idle_connections(self.engine)
            if timeouts is not None:
                _bound_answers(self.engine, timeouts.statement + ANSWER_GRACE_SECONDS)
        self.commit_listeners: list[Callable[[list[Any]], None]] = []
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        write_engine = self.engine.execution_options(tongban_write=True)
        self._write = sessionmaker(write_engine, expire_on_commit=False)
        # SQLite: one writer at a time in this process (no busy-wait inside SQLite), and writes
        # that queue meanwhile share a commit (one fsync); PostgreSQL commits in parallel
        # already, and one transaction per request keeps its row locks short.
        self.group: GroupCommit | None = GroupCommit(
            write_engine, run_alone=self._write_retrying, notes_key=COMMIT_NOTES,
            announce=self._announce) if self.is_sqlite else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; closing it ends the read transaction (objects stay usable)."""
        with self._read() as session:
            yield session

    def write(self, fn: Callable[[Session], T], *, attempts: int = 5) -> T:
        """Run `fn` in a write transaction (on SQLite maybe shared with concurrent writes, see
        groupcommit.py) and return once it is durable; transient lock errors are retried."""
        if self.group is not None:
            return self.group.submit(fn, attempts)  # type: ignore[no-any-return]
        return self._write_retrying(fn, attempts)

    def _write_retrying(self, fn: Callable[[Session], T], attempts: int) -> T:
        for attempt in range(1, attempts + 1):
            try:
                return self._write_once(fn)
            except OperationalError as exc:
                if attempt == attempts or not _is_transient(exc):
                    raise
                log.warning("transient database error, retrying (%s): %s", attempt, exc.orig)
                time.sleep(0.02 * attempt)
        raise AssertionError("unreachable")

    def _write_once(self, fn: Callable[[Session], T]) -> T:
        with self._write() as session:
            with session.begin():
                result = fn(session)
            notes = session.info.pop(COMMIT_NOTES, [])
        if notes:
            self._announce(notes)
        return result

    def _announce(self, notes: list[Any]) -> None:
        for listener in self.commit_listeners:
            listener(notes)

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()


def keep_loaded(s: Session, *rows: object) -> None:
    """Hold rows until the session closes, so a later `s.get` of them needs no SQL.

    The identity map only holds weak references: a row a helper loaded and dropped is
    otherwise read again by the next `s.get` in the same transaction.
    """
    s.info.setdefault(KEPT_ROWS, []).extend(rows)


def lock_key(s: Session, key: str) -> None:
    """Serialize transactions on `key` until commit (PostgreSQL advisory lock; SQLite writes
    are serial already)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})


def _is_transient(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return any(s in text for s in ("database is locked", "deadlock", "could not serialize"))


def _pg_connect_args(t: DbTimeouts) -> dict[str, Any]:
    """libpq parameters: bounded connects, server-side statement and lock limits, and TCP
    keepalives + user timeout so a dead link is noticed by the kernel, not after hours.

    idle_in_transaction_session_timeout lets the server end a transaction whose client
    vanished mid-way (cut off by a partition), so its row locks do not block the hall.
    """
    answer_ms = int((t.statement + ANSWER_GRACE_SECONDS) * 1000)
    return {
        "connect_timeout": t.connect,
        "options": f"-c statement_timeout={int(t.statement * 1000)}"
                   f" -c lock_timeout={int(t.lock * 1000)}"
                   f" -c idle_in_transaction_session_timeout={answer_ms}",
        "keepalives": 1,
        "keepalives_idle": t.keepalive,
        "keepalives_interval": t.keepalive,
        "keepalives_count": KEEPALIVE_PROBES,
        # Unacknowledged data (a query sent into a dead link) is given up on as fast.
        "tcp_user_timeout": t.keepalive * (KEEPALIVE_PROBES + 1) * 1000,
    }


class BoundedConnection(psycopg.Connection):  # type: ignore[type-arg]
    """A psycopg connection that gives up on a round trip after `answer_timeout` seconds.

    statement_timeout is enforced by the server, and TCP keepalives are answered by whatever
    kernel holds the other end, so neither helps when a proxy or pooler in between hangs with
    the connection open: every wait here - queries, commits, the pool's pre-ping - ends by
    then, and the connection is closed so the pool throws it away.
    """

    answer_timeout: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        """Consume `gen` as psycopg does, within `answer_timeout` unless told otherwise."""
        limit = self.answer_timeout if timeout is None else timeout
        try:
            return super().wait(gen, interval, limit)
        except psycopg.errors._WaitTimeout:  # psycopg's own (pinned) timeout signal
            log.error("no answer from the database within %.1f s: closing the connection",
                      limit)
            self.pgconn.finish()  # not close(): that waits for the lock this call holds
            raise psycopg.OperationalError(
                f"no answer from the database within {limit:.1f} s") from None


def _ping_idle_connections(engine: Engine) -> None:
    """pool_pre_ping, but only for connections idle in the pool `PING_IDLE_SECONDS` or more.

    A connection that dies within that second (a database restart under load) fails the
    one transaction that gets it; SQLAlchemy then treats it as a disconnect and renews every
    pooled connection older than the failure, as it does without pre-ping.
    """
    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_conn: Any, record: Any) -> None:
        record.info[CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info[CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle = time.monotonic() - record.info.get(CHECKED_IN_AT, float("-inf"))
        if idle < PING_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # the pool throws this one away and connects anew
            raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc


def _bound_answers(engine: Engine, answer_timeout: float) -> None:
    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _rec: Any, cargs: Any, cparams: Any) -> BoundedConnection:
        conn = BoundedConnection.connect(*cargs, **cparams)
        conn.answer_timeout = answer_timeout
        return conn


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's implicit BEGIN is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        # Purged personal data must not linger in free pages of the file.
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("tongban_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
