"""Background pass: appointment reminders and lapsing of no-shows / expired remote places.

Started and stopped by `server/lifespan.py`; the day close of tickets has its own loop
(`server/tickets/runner.py`)."""

from __future__ import annotations

import asyncio
import logging

from anyio import to_thread

from server.appointments.reminders import send_reminders
from server.appointments.service import mark_no_shows
from server.core.clock import utcnow
from server.core.config import Settings
from server.core.db import Database

log = logging.getLogger(__name__)


def online_pass(db: Database, settings: Settings) -> tuple[int, int]:
    """One pass: (reminders sent, appointments lapsed)."""
    sent = db.write(lambda s: send_reminders(s, settings=settings))
    lapsed = db.write(lambda s: mark_no_shows(s, now=utcnow()))
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
