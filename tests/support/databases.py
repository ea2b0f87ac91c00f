"""Real test databases: a migrated+seeded SQLite template copied per test, and
throw-away PostgreSQL databases cloned from a seeded template on the local server."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from server.core.db import Database
from server.demo import seed_demo
from server.migrate import upgrade

PG_ADMIN_URL = os.environ.get(
    "TONGBAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SQLITE_NAME = "tongban.sqlite3"


def in_ci() -> bool:
    """CI=true makes PostgreSQL mandatory."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def build_sqlite_template(directory: Path) -> Path:
    """Migrate and seed the demo hall into a SQLite file once; tests copy it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / SQLITE_NAME
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    db.write(seed_demo)
    db.dispose()
    return path


def copy_sqlite(template: Path, data_dir: Path) -> str:
    """Copy the template into a data directory and return its URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / SQLITE_NAME
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


class PostgresFactory:
    """Creates and drops uniquely named databases on the local PostgreSQL server."""

    def __init__(self, admin_url: str = PG_ADMIN_URL) -> None:
        self.admin_url = admin_url
        self.engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.prefix = f"tb_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.created: list[str] = []
        self.template: str | None = None

    def available(self) -> bool:
        """Whether the server answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def url_for(self, name: str) -> str:
        """URL of a database on the same server."""
        base, _, _ = self.admin_url.rpartition("/")
        return f"{base}/{name}"

    def _create(self, name: str, template: str | None = None) -> str:
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        self.created.append(name)
        return self.url_for(name)

    def seeded_template(self) -> str:
        """Name of a migrated, demo-seeded template database (built once)."""
        if self.template is None:
            name = f"{self.prefix}_tpl"
            url = self._create(name)
            upgrade(url)
            db = Database(url)
            db.write(seed_demo)
            db.dispose()
            self.template = name
        return self.template

    def new_database(self, *, seeded: bool = True) -> str:
        """A fresh database (a clone of the seeded template, or empty); returns its URL."""
        name = f"{self.prefix}_{len(self.created)}"
        return self._create(name, self.seeded_template() if seeded else None)

    def drop_all(self) -> None:
        """Drop every database this factory created."""
        with self.engine.connect() as conn:
            for name in reversed(self.created):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.created.clear()
        self.engine.dispose()


def require_postgres(factory: PostgresFactory) -> None:
    """Skip PostgreSQL tests locally when the server is missing; fail in CI."""
    if factory.available():
        return
    if in_ci():
        pytest.fail("PostgreSQL at 127.0.0.1:5432 is required when CI=true")
    pytest.skip("PostgreSQL not available")
