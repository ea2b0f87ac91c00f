"""Background task that evaluates every hall's alert rules every N seconds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from anyio import to_thread
from sqlalchemy import select

from server.alerts.service import Condition, evaluate_alerts, storage_condition
from server.catalog.models import Hall
from server.core.config import Settings
from server.core.db import Database
from server.ops.disk import MB, storage_state

log = logging.getLogger(__name__)


def storage_conditions(settings: Settings) -> list[Condition]:
    """The data-directory alert, when space runs low (shown to every hall's managers)."""
    state = storage_state(settings.data_dir, round(settings.min_free_mb * MB))
    condition = storage_condition(state)
    if condition is not None:
        log.warning("data directory %s: %s", settings.data_dir, condition.message)
    return [condition] if condition else []


def evaluate_all(db: Database, extra: Callable[[], list[Condition]] = list) -> int:
    """One pass over all halls, one transaction per hall; returns halls that failed.

    `extra` gives conditions of the whole server (e.g. storage) raised in every hall.
    """
    with db.read() as s:
        hall_ids = list(s.scalars(select(Hall.id)))
    failed = 0
    server_wide = extra()
    for hall_id in hall_ids:
        try:
            db.write(lambda s, hid=hall_id: evaluate_alerts(s, s.get(Hall, hid),
                                                            extra=server_wide))
        except Exception:  # one bad hall must not stop the others, nor the app
            failed += 1
            log.exception("alert evaluation failed for hall %s", hall_id)
    return failed


async def alert_loop(db: Database, interval: float,
                     extra: Callable[[], list[Condition]] = list) -> None:
    """Run `evaluate_all` forever; errors are logged, never raised."""
    while True:
        await asyncio.sleep(interval)
        try:
            await to_thread.run_sync(evaluate_all, db, extra)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("alert loop pass failed")
