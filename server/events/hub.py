"""In-process fan-out of committed events to websocket subscribers.

Writers only announce "hall H has events up to seq N"; a per-hall pump reads the events
from the database once and hands pre-serialised messages to every subscriber's bounded
queue. The database stays the single source of truth, so the same pump also serves
events committed by other processes: on PostgreSQL a LISTEN thread (pglisten.py) wakes
the pump on every NOTIFY, and polling is only the fallback while that listener is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any

from anyio import to_thread

from server.catalog.models import Hall
from server.core.db import Database
from server.events.pglisten import PgListener
from server.events.service import current_seq, envelope, event_rows_after

log = logging.getLogger(__name__)

PUMP_BATCH = 500
# While LISTEN/NOTIFY is healthy the poll is only a safety net.
LISTENING_POLL_SECONDS = 30.0
# How long stopping waits for the pumps to finish after cancelling them.
STOP_TIMEOUT_SECONDS = 5.0
# Event types after which a ticket's queue position, ETA, window or state may differ.
WATCHED_PREFIXES = ("ticket.", "window.")


class SendQueue:
    """A bounded FIFO of (seq, json) items with one consumer: the websocket's send loop.

    Lighter than asyncio.Queue on the fan-out path (one `put_nowait` per subscriber per
    event): a deque and at most one waiting future, no getter/putter bookkeeping. `idle()`
    makes a waiting `get_or_idle()` return None, so the send loop's heartbeat needs one
    timer per heartbeat period instead of a timeout armed and cancelled around every event.
    """

    __slots__ = ("_items", "_maxsize", "_waiter")

    def __init__(self, maxsize: int) -> None:
        self._items: deque[tuple[int, str]] = deque()
        self._maxsize = maxsize
        self._waiter: asyncio.Future[None] | None = None

    def qsize(self) -> int:
        """Items queued."""
        return len(self._items)

    def empty(self) -> bool:
        """True when nothing is queued."""
        return not self._items

    def put_nowait(self, item: tuple[int, str]) -> None:
        """Append an item; asyncio.QueueFull when the bound is reached."""
        if len(self._items) >= self._maxsize > 0:
            raise asyncio.QueueFull
        self._items.append(item)
        self._wake()

    def get_nowait(self) -> tuple[int, str]:
        """The oldest item; asyncio.QueueEmpty when there is none."""
        if not self._items:
            raise asyncio.QueueEmpty
        return self._items.popleft()

    async def get(self) -> tuple[int, str]:
        """The oldest item, waiting for one."""
        while True:
            item = await self.get_or_idle()
            if item is not None:
                return item

    async def get_or_idle(self) -> tuple[int, str] | None:
        """The oldest item, or None once `idle()` is called while waiting for one."""
        if self._items:
            return self._items.popleft()
        waiter = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        try:
            await waiter
        finally:
            self._waiter = None
        return self._items.popleft() if self._items else None

    def idle(self) -> None:
        """Wake a waiting `get_or_idle()` with None (heartbeat due)."""
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


@dataclass(eq=False)
class Subscriber:
    """One websocket's bounded outgoing queue of (seq, json) items, or its direct send.

    Once the socket has caught up, `direct` is its send coroutine function and the pump
    writes each event itself while nothing is queued or in flight: the frame goes out in the
    pump's own step, with no task wake-up per subscriber. A send that has to wait (the
    client's buffer is full) is parked in `stalled` for the socket's send loop to finish,
    and later events queue behind it, so the order is kept.
    """

    private: bool
    queue: SendQueue
    delivered: int = 0
    overflowed: asyncio.Event = field(default_factory=asyncio.Event)
    direct: Callable[[str], Coroutine[Any, Any, None]] | None = None
    # Set by the send loop while its own send may be in flight: the pump queues meanwhile.
    busy: bool = False
    stalled: tuple[Coroutine[Any, Any, None], Any] | None = None
    error: Exception | None = None
    # Event-loop time of the last frame written (the send loop's heartbeat counts from it).
    last_sent: float = 0.0

    def offer(self, seq: int, public_json: str, staff_json: str, now: float = 0.0) -> None:
        """Send or queue an event unless already delivered; flag overflow, never block."""
        if seq <= self.delivered or self.overflowed.is_set():
            return
        text = staff_json if self.private else public_json
        direct = self.direct
        if direct is not None and not self.busy and self.stalled is None and self.queue.empty():
            self.delivered = seq
            self.last_sent = now
            self._send_now(direct(text))
            return
        try:
            self.queue.put_nowait((seq, text))
        except asyncio.QueueFull:
            self.overflowed.set()

    def _send_now(self, coro: Coroutine[Any, Any, None]) -> None:
        # Run the send coroutine by hand: an ASGI websocket send normally completes without
        # suspending (the frame goes to the transport's buffer).
        try:
            waiting_on = coro.send(None)
        except StopIteration:
            return
        except Exception as exc:  # the client went away: the send loop raises it
            self.direct = None
            self.error = exc
            self.queue.idle()
            return
        self.stalled = (coro, waiting_on)
        self.queue.idle()

    async def finish_stalled(self) -> None:
        """Drive a parked direct send to its end (called by the socket's send loop)."""
        assert self.stalled is not None
        coro, waiting_on = self.stalled
        try:
            await resume(coro, waiting_on)
        finally:
            self.stalled = None


async def resume(coro: Coroutine[Any, Any, None], waiting_on: Any) -> None:
    """Continue a coroutine that was started by hand and suspended on `waiting_on`.

    What a Task does for a coroutine: wait for the future it yielded, then send the outcome
    back in (an exception, our own cancellation included, is thrown into it).
    """
    while True:
        error: BaseException | None = None
        try:
            if waiting_on is None:  # a bare yield (asyncio.sleep(0))
                await asyncio.sleep(0)
            else:
                # A Task clears this flag when it takes over a yielded future; awaiting the
                # future again with it still set raises "await wasn't used with future".
                waiting_on._asyncio_future_blocking = False
                await waiting_on
        except BaseException as exc:  # noqa: BLE001 - handed to the coroutine, as a Task does
            error = exc
        try:
            waiting_on = coro.throw(error) if error is not None else coro.send(None)
        except StopIteration:
            return


@dataclass(eq=False)
class Watcher:
    """A change flag for one tracking socket: set when a pumped batch could alter its view.

    Watchers get no events, only the flag, so a batch of any size costs each of them one
    `Event.set()` and the socket recomputes its view once for everything that happened.
    """

    ticket_id: int | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    # Set with `changed` when the batch had an event about the watcher's own ticket (called,
    # finished...): that one is pushed at once, other changes may wait for the socket's pace.
    own: asyncio.Event = field(default_factory=asyncio.Event)


class HallChannel:
    """Subscribers of one hall and the pump that feeds them."""

    def __init__(self, hub: Hub, hall_id: int, code: str, start_seq: int) -> None:
        self.hub = hub
        self.hall_id = hall_id
        self.code = code
        self.last_sent = start_seq
        self.subscribers: set[Subscriber] = set()
        self.watchers: set[Watcher] = set()
        self.wake = asyncio.Event()
        self.wake.set()  # catch anything committed while the channel was being created
        self.task = asyncio.create_task(self._pump(), name=f"hub-pump-{code}")

    async def _pump(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on 3.11 wait_for returns normally when the wake-up
            # and a cancel land together, so a stopping hub waited for this pump forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.hub.poll_interval()):
                    await self.wake.wait()
            self.wake.clear()
            try:
                await self._drain()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not kill the pump
                log.exception("event pump for hall %s failed; retrying", self.code)
                await asyncio.sleep(0.5)
                self.wake.set()

    async def _drain(self) -> None:
        while True:
            batch = await to_thread.run_sync(
                self.hub.fetch, self.hall_id, self.code, self.last_sent
            )
            relevant = False
            touched: set[int] = set()
            subscribers = list(self.subscribers)
            now = asyncio.get_running_loop().time()
            for seq, type_, ticket_id, public_json, staff_json in batch:
                for sub in subscribers:
                    sub.offer(seq, public_json, staff_json, now)
                self.last_sent = seq
                if type_.startswith(WATCHED_PREFIXES):
                    relevant = True
                    if ticket_id is not None:
                        touched.add(ticket_id)
            if relevant:
                for watcher in list(self.watchers):
                    if watcher.ticket_id in touched:
                        watcher.own.set()
                    watcher.changed.set()
            if len(batch) < PUMP_BATCH:
                return


class Hub:
    """Owns the hall channels; thread-safe `notify` is called after each commit."""

    def __init__(self, db: Database, *, queue_size: int, poll_seconds: float = 1.0,
                 listen: bool | None = None,
                 extra_channels: dict[str, Callable[[str], None]] | None = None,
                 acks: dict[str, str] | None = None,
                 on_listener: Callable[[PgListener | None], None] | None = None,
                 listen_ping_seconds: float = 5.0, listen_ping_timeout: float = 5.0) -> None:
        self.db = db
        self.listen_ping = (listen_ping_seconds, listen_ping_timeout)
        # Other payload-free NOTIFY channels served by the same LISTEN connection.
        self.extra_channels = dict(extra_channels or {})
        self.acks = dict(acks or {})
        self.on_listener = on_listener or (lambda _listener: None)
        self.queue_size = queue_size
        self.poll_seconds = poll_seconds
        self.loop: asyncio.AbstractEventLoop | None = None
        self.channels: dict[int, HallChannel] = {}
        self._lock = asyncio.Lock()
        # Cross-process fan-out needs LISTEN/NOTIFY; SQLite stays single-process.
        self.listen = (not db.is_sqlite) if listen is None else listen
        self.listener: PgListener | None = None

    def start(self) -> None:
        """Bind to the running event loop (and start LISTEN on PostgreSQL)."""
        self.loop = asyncio.get_running_loop()
        if self.listen and self.listener is None:
            self.listener = PgListener(self.db.url, on_notes=self.notify,
                                       on_connect=self.wake_all,
                                       extra=self.extra_channels, acks=self.acks,
                                       ping_seconds=self.listen_ping[0],
                                       ping_timeout=self.listen_ping[1]).start()
            self.on_listener(self.listener)

    def poll_interval(self) -> float:
        """Seconds a pump sleeps without a wake-up: long while LISTEN is up, short if not."""
        if self.listener is not None and self.listener.connected.is_set():
            return max(self.poll_seconds, LISTENING_POLL_SECONDS)
        return self.poll_seconds

    def listen_reconnects(self) -> int:
        """LISTEN connections lost (broken or stalled) and replaced so far (for metrics)."""
        return self.listener.losses if self.listener is not None else 0

    def wake_all(self) -> None:
        """Thread-safe: make every pump re-read from its last delivered seq."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        for hall_id in list(self.channels):
            loop.call_soon_threadsafe(self._wake, hall_id)

    async def stop(self) -> None:
        """Cancel all pumps and stop listening."""
        if self.listener is not None:
            self.on_listener(None)
            await to_thread.run_sync(self.listener.stop)
            self.listener = None
        tasks = [ch.task for ch in self.channels.values()]
        for task in tasks:
            task.cancel()
        if tasks:
            # Bounded: a pump that does not stop must not hold the whole shutdown hostage.
            _, stuck = await asyncio.wait(tasks, timeout=STOP_TIMEOUT_SECONDS)
            for task in stuck:
                log.warning("event pump %s did not stop within %.0f s", task.get_name(),
                            STOP_TIMEOUT_SECONDS)
        self.channels.clear()

    def notify(self, notes: Iterable[tuple[int, int]]) -> None:
        """Called from any thread after a commit with (hall_id, seq) pairs."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        halls = {hall_id for hall_id, _ in notes}
        for hall_id in halls:
            loop.call_soon_threadsafe(self._wake, hall_id)

    def _wake(self, hall_id: int) -> None:
        ch = self.channels.get(hall_id)
        if ch is not None:
            ch.wake.set()

    async def _channel(self, hall_id: int, code: str) -> HallChannel:
        async with self._lock:
            ch = self.channels.get(hall_id)
            if ch is None:
                start = await to_thread.run_sync(self._current_seq, hall_id)
                ch = HallChannel(self, hall_id, code, start)
                self.channels[hall_id] = ch
        return ch

    async def subscribe(self, hall: Hall, *, private: bool) -> Subscriber:
        """Register a subscriber; it receives every event pumped from now on."""
        ch = await self._channel(hall.id, hall.code)
        sub = Subscriber(private=private, queue=SendQueue(self.queue_size))
        ch.subscribers.add(sub)
        return sub

    async def watch(self, hall_id: int, code: str, ticket_id: int | None = None) -> Watcher:
        """Register a watcher whose flag is set after every pumped ticket/window batch."""
        ch = await self._channel(hall_id, code)
        watcher = Watcher(ticket_id=ticket_id)
        ch.watchers.add(watcher)
        return watcher

    def unwatch(self, hall_id: int, watcher: Watcher) -> None:
        """Forget a watcher."""
        ch = self.channels.get(hall_id)
        if ch is not None:
            ch.watchers.discard(watcher)

    def unsubscribe(self, hall_id: int, sub: Subscriber) -> None:
        """Forget a subscriber (the channel and its pump stay for reuse)."""
        sub.direct = None
        ch = self.channels.get(hall_id)
        if ch is not None:
            ch.subscribers.discard(sub)

    def subscriber_count(self) -> int:
        """Open hall subscriptions and tracking watchers across halls (for metrics)."""
        return sum(len(ch.subscribers) + len(ch.watchers) for ch in self.channels.values())

    def _current_seq(self, hall_id: int) -> int:
        with self.db.read() as s:
            return current_seq(s, hall_id)

    def fetch(self, hall_id: int, code: str,
              after: int) -> list[tuple[int, str, int | None, str, str]]:
        """Read and serialise the next batch: (seq, type, ticket id, public, staff form)."""
        with self.db.read() as s:
            # Plain rows (envelope reads the same attribute names): no ORM objects per event.
            events = event_rows_after(s, hall_id=hall_id, since=after, limit=PUMP_BATCH)
            return [
                (
                    e.seq,
                    e.type,
                    e.ticket_id,
                    dumps(envelope(e, code, include_private=False)),
                    dumps(envelope(e, code, include_private=True)),
                )
                for e in events
            ]


def dumps(message: dict[str, Any]) -> str:
    """Compact JSON with Chinese kept readable."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))
