"""A few seconds' in-process memory of resolved bearer tokens.

Every API request resolves its token; remembering the answer briefly saves a read transaction
and two or three queries per request. Revocation still takes effect at once in this process:
any committed change to a staff member, device or token (ORM flush or bulk statement) empties
the cache. On PostgreSQL the same transaction sends `NOTIFY tongban_auth`, which PostgreSQL
delivers on commit to every server process's LISTEN connection (server/events/pglisten.py);
they empty their caches and answer on `tongban_auth_ack`; the revoking request waits (at most
`ACK_TIMEOUT`) for as many answers as there are listeners, so the very next request to any
process is refused. `TTL_SECONDS` stays as the bound for a process whose listener is down.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from datetime import datetime
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from server.auth.models import AuthToken, Device, Staff
from server.auth.principal import Principal
from server.core.clock import utcnow
from server.core.groupcommit import after_durable_commit

TTL_SECONDS = 3.0
AUTH_ACK_CHANNEL = "tongban_auth_ack"  # "my cache is empty after <payload>"
ACK_TIMEOUT = 1.0  # longest a revoking request waits for the other processes
_LISTENERS = ("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
              "'tongban-listener' AND datname = current_database()")
_payloads = itertools.count(1)
AUTH_CHANNEL = "tongban_auth"  # NOTIFY channel: "drop your remembered principals"
_CHANGED = "tongban_auth_changed"  # Session.info key: this transaction touched who may call
_NOTIFIED = "tongban_auth_notified"  # Session.info key: NOTIFY already sent in this transaction
_AUTH_MODELS = (AuthToken, Staff, Device)
# Execution option for bulk statements on those tables that cannot change a principal.
AUTH_NEUTRAL = "tongban_auth_neutral"


class AuthListener(Protocol):
    """What the cache needs from a LISTEN connection (pglisten.PgListener)."""

    connected: threading.Event

    def catch_up(self) -> bool:
        """Dispatch notifications already received; False when unsure."""
        ...


class PrincipalCache:
    """Resolved principals by (database URL, token digest), each kept for a few seconds."""

    def __init__(self, ttl: float = TTL_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[float, datetime | None, Principal]] = {}
        # Bumped on every invalidation, so a lookup that raced a revocation is not stored.
        self.generation = 0
        # Per database URL, this process's LISTEN connection (pglisten.PgListener), if any.
        self.listeners: dict[str, AuthListener] = {}
        # NOTIFY payloads this process sent: [acks seen, acks expected, all seen].
        self._acks: dict[str, list] = {}

    def get(self, db_url: str, digest: str) -> Principal | None:
        """The remembered principal, unless it is older than the TTL or its token expired."""
        if (db_url, digest) not in self._entries:
            return None
        listener = self.listeners.get(db_url)
        if listener is not None and not listener.catch_up():
            return None  # the listener is reading right now: do not trust what we have
        entry = self._entries.get((db_url, digest))  # sync() may just have emptied the cache
        if entry is None:
            return None
        stored, expires_at, principal = entry
        if time.monotonic() - stored > self.ttl or (expires_at and expires_at <= utcnow()):
            with self._lock:
                self._entries.pop((db_url, digest), None)
            return None
        return principal

    def put(self, db_url: str, digest: str, principal: Principal, expires_at: datetime | None,
            *, generation: int) -> None:
        """Remember a principal read while the cache was at `generation`."""
        with self._lock:
            if generation != self.generation:
                return
            if len(self._entries) > 10_000:  # many distinct tokens: start over, stay small
                self._entries.clear()
            self._entries[(db_url, digest)] = (time.monotonic(), expires_at, principal)

    def clear(self) -> None:
        """Forget everything (a staff member, device or token changed)."""
        with self._lock:
            self.generation += 1
            self._entries.clear()

    def on_notify(self, payload: str) -> None:
        """A `tongban_auth` notification (from any process, or "" after a reconnect)."""
        self.clear()

    def on_ack(self, payload: str) -> None:
        """A process (maybe this one) has emptied its cache after our notification."""
        with self._lock:
            waiting = self._acks.get(payload)
            if waiting is not None:
                waiting[0] += 1
                if waiting[0] >= waiting[1]:
                    waiting[2].set()

    def expect_acks(self, listeners: int) -> str:
        """A fresh NOTIFY payload, to be acknowledged by `listeners` LISTEN connections."""
        payload = f"{os.getpid()}:{next(_payloads)}"
        with self._lock:
            self._acks[payload] = [0, listeners, threading.Event()]
        return payload

    def await_acks(self, payload: str, timeout: float = ACK_TIMEOUT) -> bool:
        """Wait until every listening process has emptied its cache after our NOTIFY.

        Each process's listener answers on `tongban_auth_ack` once its cache is empty, so
        the request that revoked a token returns only when no process still trusts it.
        A process that does not answer within `timeout` is left to its TTL.
        """
        with self._lock:
            waiting = self._acks.get(payload)
        try:
            own = [x for x in list(self.listeners.values()) if x.connected.is_set()]
            if waiting is None or waiting[1] <= 0 or timeout <= 0 or not own:
                return False  # acks arrive through our own listener: none, nothing to hear
            done: threading.Event = waiting[2]
            deadline = time.monotonic() + timeout
            while not done.is_set() and time.monotonic() < deadline:
                for listener in own:
                    listener.catch_up()  # our own listener thread may not be scheduled
                done.wait(0.005)
            return done.is_set()
        finally:
            with self._lock:
                self._acks.pop(payload, None)


principals = PrincipalCache()


def _mark_changed(session: Session) -> None:
    """Remember the change; on PostgreSQL queue the NOTIFY inside this same transaction."""
    session.info[_CHANGED] = True
    if session.info.get(_NOTIFIED):
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        listeners = int(conn.exec_driver_sql(_LISTENERS).scalar_one())
        payload = principals.expect_acks(listeners)  # digits and a colon: safe to inline
        # Transactional: delivered only if and when this transaction commits.
        conn.exec_driver_sql(f"NOTIFY {AUTH_CHANNEL}, '{payload}'")
        session.info[_NOTIFIED] = payload


@event.listens_for(Session, "after_flush")
def _note_auth_change(session: Session, _ctx: object) -> None:
    # New rows (a login's token, a new device) cannot invalidate a remembered principal;
    # only changed or deleted ones can, so logins do not empty every process's cache.
    touched = (*session.dirty, *session.deleted)
    if any(isinstance(obj, _AUTH_MODELS) for obj in touched):
        _mark_changed(session)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_auth_change(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or state.execution_options.get(AUTH_NEUTRAL):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ in _AUTH_MODELS:
        _mark_changed(state.session)


@event.listens_for(Session, "after_commit")
def _invalidate_after_commit(session: Session) -> None:
    payload = session.info.pop(_NOTIFIED, None)
    changed = session.info.pop(_CHANGED, False)
    if changed or payload:
        after_durable_commit(session, lambda: _invalidate(changed, payload))


def _invalidate(changed: bool, payload: str | None) -> None:
    if changed:
        principals.clear()
    if payload:
        # Answer the caller only once no process still trusts the old principal.
        principals.await_acks(payload)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_CHANGED, None)
    payload = session.info.pop(_NOTIFIED, None)
    if payload:
        principals.await_acks(payload, timeout=0)  # never sent: just forget it
