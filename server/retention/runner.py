"""The periodic retention purge inside the server process."""

from __future__ import annotations

import asyncio
import logging

from anyio import to_thread

from server.core.db import Database
from server.retention.service import purge_personal_data

log = logging.getLogger(__name__)


async def retention_loop(db: Database, *, days: int, interval_hours: float) -> None:
    """Purge once at start-up and then every `interval_hours`; errors are logged, not fatal."""
    while True:
        try:
            await to_thread.run_sync(
                lambda: db.write(lambda s: purge_personal_data(s, older_than_days=days)))
        except Exception:  # a failed run must not stop later ones
            log.exception("retention purge failed")
        await asyncio.sleep(interval_hours * 3600)
