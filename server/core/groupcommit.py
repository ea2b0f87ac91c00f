"""Group commit for SQLite: concurrent write transactions share one commit and one fsync.

SQLite has one writer, and with synchronous=FULL every commit waits for an fsync of the
write-ahead log. Requests that arrive while a transaction is running queue up; the next one to
take the writer's turn (the leader) runs every queued change on one connection, each inside its
own SAVEPOINT and its own Session, then commits once. Every caller is answered after that commit:
never before its change is durable. A change that fails is rolled back to its savepoint and only
its caller gets the error. A failure of the shared transaction itself (disk full, I/O error, a
lock held by another process) abandons the batch, and each change then runs alone as before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
# Session.info key: actions waiting for the group's commit (see `after_durable_commit`).
DEFERRED = "tongban_group_deferred"
MAX_BATCH = 64  # bounds how long the first change of a batch waits for the last one
# Called when a batch is abandoned: memories filled from its uncommitted state are forgotten.
on_abandon: list[Callable[[], None]] = []


def after_durable_commit(session: Session, action: Callable[[], None]) -> None:
    """Run `action` once `session`'s transaction is durable (call it from `after_commit`).

    In a group, a Session's commit only releases its savepoint: what other requests must not
    see before the change is on disk (a cleared cache, a remembered queue) waits for the group.
    """
    deferred = session.info.get(DEFERRED)
    if deferred is None:
        action()
    else:
        deferred.append(action)


@dataclass(eq=False)
class _Change:
    fn: Callable[[Session], Any]
    attempts: int
    done: bool = False
    result: Any = None
    error: BaseException | None = None
    notes: list[Any] = field(default_factory=list)

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


class GroupCommit:
    """Batches concurrent `write` calls of one SQLite database into shared transactions."""

    def __init__(self, engine: Engine, *, run_alone: Callable[[Callable[[Session], Any], int], Any],
                 notes_key: str, announce: Callable[[list[Any]], None]) -> None:
        """`run_alone(fn, attempts)`: the one-transaction path; `announce(notes)`: after commit."""
        self._engine = engine.execution_options(tongban_write=True)
        self._run_alone = run_alone
        self._notes_key = notes_key
        self._announce = announce
        self._cond = threading.Condition()
        self._queue: list[_Change] = []
        self._leading = False
        self.batches = 0  # shared commits, for tests and metrics
        self.grouped = 0  # changes that were committed in a shared commit

    def submit(self, fn: Callable[[Session], Any], attempts: int) -> Any:
        """Run `fn` in a write transaction, maybe shared; return once its change is durable."""
        change = _Change(fn, attempts)
        with self._cond:
            self._queue.append(change)
        while True:
            with self._cond:
                while not change.done and self._leading:
                    self._cond.wait()
                if change.done:
                    return change.outcome()
                self._leading = True
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            try:
                self._run(batch)
            finally:
                with self._cond:
                    self._leading = False
                    self._cond.notify_all()

    def _run(self, batch: list[_Change]) -> None:
        if len(batch) == 1:
            self._alone(batch[0])
            return
        try:
            self._together(batch)
        except Exception as exc:  # noqa: BLE001 - nothing of the batch is stored: redo alone
            log.warning("shared commit of %d writes failed (%s): each runs alone",
                        len(batch), getattr(exc, "orig", exc))
            for hook in on_abandon:
                hook()
            for change in batch:
                self._alone(change)

    def _alone(self, change: _Change) -> None:
        change.error = None
        try:
            change.result = self._run_alone(change.fn, change.attempts)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            change.error = exc
        change.done = True

    def _together(self, batch: list[_Change]) -> None:
        deferred: list[Callable[[], None]] = []
        with self._engine.connect() as conn:
            conn.begin()
            for change in batch:
                self._one(conn, change, deferred)
            conn.commit()
        self.batches += 1
        self.grouped += len(batch)
        for action in deferred:
            action()
        notes = [note for change in batch for note in change.notes]
        if notes:
            self._announce(notes)
        for change in batch:
            change.done = True

    def _one(self, conn: Connection, change: _Change, deferred: list[Callable[[], None]]) -> None:
        """`change` in its own Session on the shared connection, inside a SAVEPOINT."""
        with Session(bind=conn, join_transaction_mode="create_savepoint",
                     expire_on_commit=False) as session:
            session.info[DEFERRED] = deferred
            try:
                with session.begin():
                    change.result = change.fn(session)
            except IntegrityError as exc:
                change.error = exc  # this change's own conflict: its savepoint is rolled back
            except DBAPIError:
                raise  # the shared transaction may be gone with it: abandon the batch
            except Exception as exc:  # noqa: BLE001 - the caller's error, raised in its thread
                change.error = exc
            else:
                change.notes = session.info.pop(self._notes_key, [])
