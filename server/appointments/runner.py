"""Background pass: appointment reminders, lapsing of no-shows / expired remote places, and
closing earlier business days' queues."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI

from server.appointments.reminders import send_reminders
from server.appointments.service import mark_no_shows
from server.core.clock import utcnow
from server.core.config import Settings
from server.core.db import Database
from server.tickets.service import close_past_days

log = logging.getLogger(__name__)


def online_pass(db: Database, settings: Settings) -> tuple[int, int]:
    """One pass: (reminders sent, appointments lapsed)."""
    sent = db.write(lambda s: send_reminders(s, settings=settings))
    lapsed = db.write(lambda s: mark_no_shows(s, now=utcnow()))
    closed = db.write(lambda s: close_past_days(s))
    if closed:
        log.info("day close: %d ticket(s) of earlier business days lapsed", closed)
    return sent, lapsed


async def online_loop(db: Database, settings: Settings) -> None:
    """Run `online_pass` every interval; errors are logged, never raised."""
    while True:
        await asyncio.sleep(settings.online_interval_seconds)
        try:
            await to_thread.run_sync(online_pass, db, settings)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("online pass failed")


@asynccontextmanager
async def online_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Started with the app (router lifespan), stopped with it."""
    settings: Settings = app.state.settings
    task = (asyncio.create_task(online_loop(app.state.db, settings))
            if settings.online_interval_seconds > 0 else None)
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
