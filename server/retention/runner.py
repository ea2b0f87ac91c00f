"""The periodic retention purge inside the server process."""

from __future__ import annotations

import asyncio
import logging

from anyio import to_thread

from server.core.config import Settings
from server.core.db import Database
from server.retention.service import run_retention

log = logging.getLogger(__name__)


async def retention_loop(db: Database, settings: Settings) -> None:
    """Purge once at start-up and then every TONGBAN_RETENTION_INTERVAL_HOURS; errors are
    logged, not fatal."""
    while True:
        try:
            await to_thread.run_sync(lambda: run_retention(db, settings))
        except Exception:  # a failed run must not stop later ones
            log.exception("retention purge failed")
        await asyncio.sleep(settings.retention_interval_hours * 3600)
