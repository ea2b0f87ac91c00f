"""The fan-out hub: one stuck subscriber is cut off without slowing the others."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select

from server.catalog.models import Hall
from server.core.db import Database
from server.events.hub import Hub
from server.events.router import _send_loop
from server.events.service import append_event


def _demo_hall(db: Database) -> Hall:
    with db.read() as s:
        hall = s.scalar(select(Hall).where(Hall.code == "demo"))
    assert hall is not None
    return hall


def _started_hub(db: Database, queue_size: int) -> Hub:
    """A running hub woken by the database's commits (call inside the event loop)."""
    hub = Hub(db, queue_size=queue_size, poll_seconds=0.05)
    db.commit_listeners.append(hub.notify)
    hub.start()
    return hub


def _append(db: Database, hall_id: int, n: int) -> None:
    def work(s) -> None:  # noqa: ANN001
        for i in range(n):
            append_event(s, hall_id=hall_id, type="ticket.issued",
                         data={"number": f"A{i:03d}"}, private={"id_masked": "110105****"})

    db.write(work)


def test_slow_subscriber_overflows_alone(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    hall = _demo_hall(db)

    async def scenario() -> None:
        hub = _started_hub(db, 10)
        stuck = await hub.subscribe(hall, private=False)
        reader = await hub.subscribe(hall, private=True)
        received: list[dict] = []

        async def drain() -> None:
            while len(received) < 50:
                _, text = await reader.queue.get()
                received.append(json.loads(text))

        task = asyncio.create_task(drain())
        for _ in range(5):
            await asyncio.to_thread(_append, db, hall.id, 10)
            await asyncio.sleep(0.02)
        await asyncio.wait_for(task, 10)
        assert stuck.overflowed.is_set() and not reader.overflowed.is_set()
        assert [m["seq"] for m in received] == list(range(1, 51))
        assert received[0]["data"]["id_masked"] == "110105****"  # staff form
        _, public_text = stuck.queue.get_nowait()
        assert "id_masked" not in public_text  # public form
        await hub.stop()

    asyncio.run(scenario())
    db.dispose()


def test_watchers_wake_only_for_ticket_or_window_events(
        sqlite_url: str) -> None:
    db = Database(sqlite_url)
    hall = _demo_hall(db)

    def append(types: list[str]) -> None:
        def work(s) -> None:  # noqa: ANN001
            for t in types:
                append_event(s, hall_id=hall.id, type=t, data={})
        db.write(work)

    def append_for(pairs: list[tuple[str, int]]) -> None:
        def work(s) -> None:  # noqa: ANN001
            for t, ticket_id in pairs:
                append_event(s, hall_id=hall.id, type=t, data={}, ticket_id=ticket_id)
        db.write(work)

    async def scenario() -> None:
        hub = _started_hub(db, 10)
        watcher = await hub.watch(hall.id, hall.code)
        probe = await hub.subscribe(hall, private=False)  # tells us when a batch was pumped

        async def pumped(n: int) -> None:
            for _ in range(n):
                await asyncio.wait_for(probe.queue.get(), 10)

        await asyncio.to_thread(append, ["alert.raised", "notice.updated", "queue.stats"])
        await pumped(3)
        assert not watcher.changed.is_set()  # nothing a tracking page shows can have moved
        await asyncio.to_thread(append, ["ticket.issued"] * 8 + ["window.paused"])
        await pumped(9)
        assert watcher.changed.is_set()
        assert hub.subscriber_count() == 2
        hub.unwatch(hall.id, watcher)
        assert hub.subscriber_count() == 1
        # A watcher of one ticket is told apart when its own ticket is in the batch.
        mine = await hub.watch(hall.id, hall.code, ticket_id=41)
        await asyncio.to_thread(append_for, [("ticket.called", 40)])
        await pumped(1)
        assert mine.changed.is_set() and not mine.own.is_set()
        mine.changed.clear()
        await asyncio.to_thread(append_for, [("ticket.called", 39), ("ticket.called", 41)])
        await pumped(2)
        assert mine.changed.is_set() and mine.own.is_set()
        await hub.stop()

    asyncio.run(scenario())
    db.dispose()


def test_stopping_while_a_wake_up_lands_stops_every_pump(sqlite_url: str) -> None:
    """A server shutting down just as an event arrives must not hang: the pump's wait has to
    give way to the cancel whatever the order (3.11's wait_for could swallow it)."""
    db = Database(sqlite_url)
    hall = _demo_hall(db)

    async def scenario(spins: int) -> bool:
        hub = Hub(db, queue_size=10, poll_seconds=30)  # no poll wake-ups of its own
        hub.start()
        await hub.subscribe(hall, private=False)
        ch = hub.channels[hall.id]
        await asyncio.sleep(0.3)  # the pump has read the backlog and waits for a wake-up
        ch.wake.set()
        for _ in range(spins):
            await asyncio.sleep(0)
        task = ch.task
        await hub.stop()
        return task.done()

    for spins in range(6):
        assert asyncio.run(scenario(spins)), f"pump still running after stop (spins={spins})"
    db.dispose()


class _Socket:
    """Stands in for a websocket whose client can stop reading: while `gate` is closed a send
    waits, as uvicorn's does while the transport's buffer is full."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.gate.set()
        self.seqs: list[int] = []
        self.gone = False

    async def send_text(self, text: str) -> None:
        await self.gate.wait()
        if self.gone:
            raise ConnectionError("client gone")
        self.seqs.append(json.loads(text)["seq"])


async def _until(check, what: str) -> None:  # noqa: ANN001
    try:
        async with asyncio.timeout(20):  # a bound against hanging, not a timing assertion
            while not check():
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"never happened: {what}") from None


def test_events_written_directly_keep_order_when_a_send_has_to_wait(sqlite_url: str) -> None:
    """The pump writes events itself while a socket is idle; once a send has to wait (the
    client stopped reading), later events queue behind it and arrive in order, none lost."""
    db = Database(sqlite_url)
    hall = _demo_hall(db)

    async def scenario() -> None:
        hub = _started_hub(db, 1000)
        sub = await hub.subscribe(hall, private=False)
        sock = _Socket()
        sender = asyncio.create_task(_send_loop(sock, None, sub, 3600, ""))
        await asyncio.to_thread(_append, db, hall.id, 10)
        await _until(lambda: len(sock.seqs) == 10, "first ten")
        sock.gate.clear()  # the client stops reading
        await asyncio.to_thread(_append, db, hall.id, 10)
        await asyncio.to_thread(_append, db, hall.id, 10)
        ch = hub.channels[hall.id]
        await _until(lambda: ch.last_sent == 30, "the pump handled all thirty")
        for _ in range(10):
            await asyncio.sleep(0)
        assert sock.seqs == list(range(1, 11))  # nothing overtook the waiting send
        sock.gate.set()  # it reads again
        await _until(lambda: len(sock.seqs) == 30, "all thirty")
        await asyncio.to_thread(_append, db, hall.id, 5)
        await _until(lambda: len(sock.seqs) == 35, "direct again")
        assert sock.seqs == list(range(1, 36))
        # A client gone during a direct write ends the socket's send loop with that error.
        sock.gone = True
        await asyncio.to_thread(_append, db, hall.id, 1)
        with pytest.raises(ConnectionError):
            await asyncio.wait_for(sender, 20)
        hub.unsubscribe(hall.id, sub)
        await hub.stop()

    asyncio.run(scenario())
    db.dispose()
