"""Online migrations (0005_online, 0010_track_reminders) go up and down on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from server.migrate import alembic_config, upgrade
from tests.support.databases import PostgresFactory, require_postgres

TABLES = {"citizens", "otp_codes", "notifications", "appointments", "appointment_slots",
          "materials", "material_access", "track_reminders"}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_online_migration_round_trip(backend: str, tmp_path: Path,
                                     request: pytest.FixtureRequest) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    else:
        factory: PostgresFactory = request.getfixturevalue("pg_factory")
        require_postgres(factory)
        url = factory.new_database(seeded=False)
    upgrade(url)

    def tables() -> set[str]:
        engine = create_engine(url)
        try:
            return set(inspect(engine).get_table_names())
        finally:
            engine.dispose()

    assert tables() >= TABLES
    command.downgrade(alembic_config(url), "0004_manager")
    assert not TABLES & tables()
    assert "tickets" in tables()
    upgrade(url)
    assert tables() >= TABLES


@pytest.mark.postgres
def test_several_processes_migrating_at_once_all_succeed(pg_factory: PostgresFactory) -> None:
    """Workers of a multi-process deployment start together: none may fail on the migration."""
    import subprocess
    import sys

    require_postgres(pg_factory)
    url = pg_factory.new_database(seeded=False)
    code = "import sys; from server.migrate import upgrade; upgrade(sys.argv[1])"
    procs = [subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert [rc for rc, _ in results] == [0, 0, 0], [err[-400:] for _, err in results]
    engine = create_engine(url)
    try:
        assert "tickets" in set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
