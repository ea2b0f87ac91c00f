"""Every background loop of the server, started and stopped in one place (the app's lifespan).

Started in this order and stopped in reverse: the readiness thread pool, the event hub (and its
LISTEN connection on PostgreSQL), the 到号提醒 watchers, then the periodic loops:

| loop | owner | interval setting (0 = off) |
|---|---|---|
| alerts (电子监察, storage alert) | `server/alerts/runner.py` | `alert_interval_seconds` |
| retention purge | `server/retention/runner.py` | `retention_interval_hours` |
| online pass (reminders, no-shows) | `server/appointments/runner.py` | `online_interval_seconds` |
| day close of tickets | `server/tickets/runner.py` | `online_interval_seconds` |
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI

from server.alerts.runner import alert_loop, storage_conditions
from server.appointments.runner import online_loop
from server.core.config import Settings
from server.core.db import Database
from server.events.hub import Hub
from server.retention.runner import retention_loop
from server.tickets.runner import day_close_loop
from server.tracking.reminders import reminder_watch

LoopFactory = Callable[[], Coroutine[Any, Any, None]]


def background_loops(db: Database, settings: Settings) -> list[tuple[str, LoopFactory]]:
    """The periodic loops the settings switch on, as (name, coroutine factory), in start order."""
    loops: list[tuple[str, LoopFactory]] = []
    if settings.alert_interval_seconds > 0:
        loops.append(("alerts", lambda: alert_loop(
            db, settings.alert_interval_seconds, extra=lambda: storage_conditions(settings))))
    if settings.retention_interval_hours > 0:
        loops.append(("retention", lambda: retention_loop(db, settings)))
    if settings.online_interval_seconds > 0:
        loops.append(("online", lambda: online_loop(db, settings)))
        loops.append(("day-close", lambda: day_close_loop(db, settings)))
    return loops


def make_lifespan(db: Database, hub: Hub,
                  settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: start everything above, stop it in reverse order on shutdown."""

    @asynccontextmanager
    async def lifespan(started: FastAPI) -> AsyncIterator[None]:
        # Readiness checks run apart from the request threads, which a database outage fills.
        started.state.ready_threads = ThreadPoolExecutor(2, thread_name_prefix="readyz")
        hub.start()
        await reminder_watch(started).resume()
        tasks = [asyncio.create_task(factory(), name=f"tongban-{name}")
                 for name, factory in background_loops(db, settings)]
        started.state.background_tasks = tasks
        try:
            yield
        finally:
            for task in reversed(tasks):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await reminder_watch(started).stop()
            await hub.stop()
            started.state.ready_threads.shutdown(wait=False, cancel_futures=True)
            db.dispose()

    return lifespan
