"""Background day close: lapse the open tickets of earlier business days (every hall)."""

from __future__ import annotations

import asyncio
import logging

from anyio import to_thread

from server.core.config import Settings
from server.core.db import Database
from server.tickets.service import close_past_days

log = logging.getLogger(__name__)


def day_close_pass(db: Database) -> int:
    """One pass: the number of tickets of earlier business days lapsed."""
    closed = db.write(lambda s: close_past_days(s))
    if closed:
        log.info("day close: %d ticket(s) of earlier business days lapsed", closed)
    return closed


async def day_close_loop(db: Database, settings: Settings) -> None:
    """Run `day_close_pass` every TONGBAN_ONLINE_INTERVAL_SECONDS; errors are logged."""
    while True:
        await asyncio.sleep(settings.online_interval_seconds)
        try:
            await to_thread.run_sync(day_close_pass, db)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("day close pass failed")
