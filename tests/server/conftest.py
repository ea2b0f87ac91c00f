"""Fixtures for service-layer tests with explicit clocks on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.core.config import Settings
from server.core.db import Database


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    """The demo database, driven directly through the service layer."""
    database = Database(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Demo settings with the default 30-minute starvation guard."""
    return Settings(data_dir=tmp_path, demo=True, starvation_minutes=30)
