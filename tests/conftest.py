"""Shared fixtures: real SQLite files, real PostgreSQL databases, the app under TestClient."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from server.app import create_app
from server.core.config import Settings
from tests.support.browser import chromium
from tests.support.databases import (
    PostgresFactory,
    build_sqlite_template,
    copy_sqlite,
    require_postgres,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
# One summary per test process (pytest-xdist workers), added up in the closing lines.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
FUZZ_SUMMARY = ARTIFACTS / "security" / f"fuzz-summary-{_WORKER}.json"


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests save screenshots and other things to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the demo hall, built once per session."""
    return build_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def pg_factory() -> Iterator[PostgresFactory]:
    """Creates throw-away databases on the local PostgreSQL server."""
    factory = PostgresFactory()
    yield factory
    if factory.created:
        factory.drop_all()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A demo-seeded database on each backend (SQLite file; PostgreSQL clone)."""
    if request.param == "sqlite":
        return copy_sqlite(sqlite_template, tmp_path / "data")
    factory: PostgresFactory = request.getfixturevalue("pg_factory")
    require_postgres(factory)
    return factory.new_database()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A demo-seeded SQLite database only."""
    return copy_sqlite(sqlite_template, tmp_path / "data")


def make_settings(data_dir: Path, url: str, **overrides: object) -> Settings:
    """Test settings (demo secret allowed)."""
    return Settings(data_dir=data_dir, database_url=url, demo=True, **overrides)


@pytest.fixture
def client(tmp_path: Path, sqlite_url: str) -> Iterator[TestClient]:
    """TestClient over the app on a fresh demo SQLite database."""
    app = create_app(make_settings(tmp_path / "data", sqlite_url))
    with TestClient(app) as c:
        yield c


@pytest.fixture
def any_client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    """TestClient over the app, once on SQLite and once on PostgreSQL."""
    app = create_app(make_settings(tmp_path / "data", database_url))
    with TestClient(app) as c:
        yield c


@pytest.fixture(autouse=True)
def _restore_qt_app_look() -> Iterator[None]:
    """Each Qt app styles the one shared QApplication; put it back so suites don't leak."""
    from importlib.util import find_spec

    if find_spec("PyQt5") is None:
        yield
        return
    from PyQt5.QtWidgets import QApplication

    app = QApplication.instance()
    before = (app.styleSheet(), app.font()) if app is not None else None
    yield
    app = QApplication.instance()
    if app is not None and before is not None:
        app.setStyleSheet(before[0])
        app.setFont(before[1])
    elif app is not None:
        app.setStyleSheet("")



def pytest_sessionstart(session: pytest.Session) -> None:
    """Drop last run's fuzz summaries, so the closing lines only report this run's."""
    if not hasattr(session.config, "workerinput"):
        for old in FUZZ_SUMMARY.parent.glob("fuzz-summary*.json"):
            old.unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say what the schemathesis tests were: one test per operation, many requests each."""
    parts = [json.loads(p.read_text()) for p in FUZZ_SUMMARY.parent.glob("fuzz-summary-*.json")]
    if hasattr(terminalreporter.config, "workerinput") or not parts:
        return
    operations = {op for part in parts for op in part["operations"]}
    terminalreporter.write_line(
        f"schemathesis: {len(operations)} operations (one test each), up to "
        f"{parts[0]['max_examples_per_operation']} generated cases per operation, each sent as "
        f"{len(parts[0]['roles'])} roles: {sum(p['cases'] for p in parts)} requests, "
        f"{sum(p['server_errors'] for p in parts)} answered 5xx")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each schemathesis operation its own test id (it shares its function's otherwise).

    With one id for all of them, reports count them as one test and pytest-xdist runs only one.
    """
    for item in items:
        if getattr(item, "operation_label", None) and item.parent is not None:
            # The item's name already says the operation: derive the id from it as pytest does
            # for any other item (pytest 9 keeps it in `_id`).
            item._id = item.parent.id.child(item.name)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """The system Chromium, one per test module that asks for it (the page tests)."""
    with chromium() as b:
        yield b
