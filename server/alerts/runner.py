"""Background task that evaluates every hall's alert rules every N seconds."""

from __future__ import annotations

import asyncio
import logging

from anyio import to_thread
from sqlalchemy import select

from server.alerts.service import evaluate_alerts
from server.catalog.models import Hall
from server.core.db import Database

log = logging.getLogger(__name__)


def evaluate_all(db: Database) -> int:
    """One pass over all halls, one transaction per hall; returns halls that failed."""
    with db.read() as s:
        hall_ids = list(s.scalars(select(Hall.id)))
    failed = 0
    for hall_id in hall_ids:
        try:
            db.write(lambda s, hid=hall_id: evaluate_alerts(s, s.get(Hall, hid)))
        except Exception:  # one bad hall must not stop the others, nor the app
            failed += 1
            log.exception("alert evaluation failed for hall %s", hall_id)
    return failed


async def alert_loop(db: Database, interval: float) -> None:
    """Run `evaluate_all` forever; errors are logged, never raised."""
    while True:
        await asyncio.sleep(interval)
        try:
            await to_thread.run_sync(evaluate_all, db)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("alert loop pass failed")
