"""Group commit on a real SQLite file: concurrent writes share one commit, each caller is
answered only once its change is durable, and a failing change fails alone."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from server.core.db import COMMIT_NOTES, Database
from server.core.groupcommit import after_durable_commit
from server.tickets.eta import hall_loads


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    database.write(lambda s: s.execute(text("CREATE TABLE t (k TEXT UNIQUE NOT NULL)")))
    yield database
    database.dispose()


def keys_on_disk(db: Database) -> set[str]:
    """What another connection to the file reads: only what was committed."""
    path = db.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return {k for (k,) in conn.execute("SELECT k FROM t")}


def insert(key: str, *, then: Callable[[Session], Any] | None = None) -> Callable[[Session], str]:
    def fn(s: Session) -> str:
        s.execute(text("INSERT INTO t (k) VALUES (:k)"), {"k": key})
        s.info.setdefault(COMMIT_NOTES, []).append(key)
        if then is not None:
            then(s)
        return key
    return fn


def run_behind_a_held_write(db: Database, fns: list[Callable[[Session], Any]]) -> list[Future]:
    """Start a write that holds the writer's turn until every fn in `fns` is queued, so the
    queued ones form one batch; return their futures."""
    release = threading.Event()
    pool = ThreadPoolExecutor(len(fns) + 1)
    assert db.group is not None
    first = pool.submit(db.write, insert("held", then=lambda s: release.wait(10)))
    while not db.group._leading:
        time.sleep(0.001)
    futures = [pool.submit(db.write, fn) for fn in fns]
    while len(db.group._queue) < len(fns):
        time.sleep(0.001)
    release.set()
    assert first.result(10) == "held"
    pool.shutdown(wait=True)
    return futures


def test_queued_writes_share_one_commit_and_are_all_stored(db: Database) -> None:
    announced: list[list[Any]] = []
    db.commit_listeners.append(announced.append)
    futures = run_behind_a_held_write(db, [insert(f"k{i}") for i in range(20)])
    assert [f.result() for f in futures] == [f"k{i}" for i in range(20)]
    assert db.group is not None and db.group.batches == 1 and db.group.grouped == 20
    assert keys_on_disk(db) == {"held", *(f"k{i}" for i in range(20))}
    # the batch's commit notes are announced once, after its commit, in order
    assert announced[-1] == [f"k{i}" for i in range(20)]


def test_each_caller_is_answered_after_its_change_is_on_disk(db: Database) -> None:
    seen_at_answer: dict[str, bool] = {}

    def write_and_look(key: str) -> None:
        db.write(insert(key))
        seen_at_answer[key] = key in keys_on_disk(db)

    release = threading.Event()
    with ThreadPoolExecutor(9) as pool:
        pool.submit(db.write, insert("held", then=lambda s: release.wait(10)))
        assert db.group is not None
        while not db.group._leading:
            time.sleep(0.001)
        for i in range(8):
            pool.submit(write_and_look, f"k{i}")
        while len(db.group._queue) < 8:
            time.sleep(0.001)
        release.set()
    assert seen_at_answer == {f"k{i}": True for i in range(8)}


def test_a_failing_change_fails_alone(db: Database) -> None:
    announced: list[list[Any]] = []
    db.commit_listeners.append(announced.append)

    def refuse(s: Session) -> None:
        raise ValueError("号码已被取走")

    fns = [insert("a"), insert("dup"), insert("dup"),
           insert("b", then=refuse), insert("c")]
    futures = run_behind_a_held_write(db, fns)
    assert futures[0].result() == "a" and futures[1].result() == "dup"
    with pytest.raises(IntegrityError):
        futures[2].result()
    with pytest.raises(ValueError, match="号码已被取走"):
        futures[3].result()
    assert futures[4].result() == "c"
    # the refused change's insert was rolled back with its savepoint, its note never sent
    assert keys_on_disk(db) == {"held", "a", "dup", "c"}
    assert announced[-1] == ["a", "dup", "c"]


def test_a_broken_shared_transaction_runs_every_change_alone(db: Database) -> None:
    """A database error may have taken the whole transaction with it (SQLite rolls back on
    a full disk or an I/O error): nothing of the batch counts, each change is redone alone."""
    calls = {"broken": 0}

    def io_error_once(s: Session) -> None:
        calls["broken"] += 1
        if calls["broken"] == 1:
            raise OperationalError("INSERT", {}, sqlite3.OperationalError("disk I/O error"))

    generation = hall_loads.generation
    futures = run_behind_a_held_write(db, [insert("a"), insert("b", then=io_error_once),
                                           insert("c")])
    assert [f.result() for f in futures] == ["a", "b", "c"]
    assert calls["broken"] == 2
    assert keys_on_disk(db) == {"held", "a", "b", "c"}
    assert db.group is not None and db.group.batches == 0
    assert hall_loads.generation > generation  # memories filled from the lost batch forgotten


def test_durable_actions_wait_for_the_shared_commit(db: Database) -> None:
    """What a change defers with after_durable_commit runs once the batch is on disk, and
    not at all for a change that failed."""
    ran: list[tuple[str, bool]] = []

    def defer(key: str) -> Callable[[Session], None]:
        def then(s: Session) -> None:
            from sqlalchemy import event

            @event.listens_for(s, "after_commit")
            def _after(session: Session) -> None:
                after_durable_commit(session, lambda: ran.append((key, key in keys_on_disk(db))))
        return then

    def fail(s: Session) -> None:
        raise RuntimeError("no")

    futures = run_behind_a_held_write(db, [insert("a", then=defer("a")),
                                           insert("b", then=lambda s: (defer("b")(s), fail(s))),
                                           insert("c", then=defer("c"))])
    assert futures[0].result() == "a" and futures[2].result() == "c"
    with pytest.raises(RuntimeError):
        futures[1].result()
    assert ran == [("a", True), ("c", True)]


def test_a_lone_write_keeps_the_plain_path(db: Database) -> None:
    assert db.write(insert("only")) == "only"
    assert db.group is not None and db.group.batches == 0
    assert keys_on_disk(db) == {"only"}
