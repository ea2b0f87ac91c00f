"""Alembic environment: batch mode on SQLite, naming convention from our metadata."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from server.models import metadata

config = context.config
# Several workers start together in a multi-process deployment: one migrates, the others wait
# for it on this lock and then find nothing left to do (any constant works; it names our app).
MIGRATION_LOCK_KEY = 0x746F6E67  # "tong"


def run_migrations_online() -> None:
    """Run migrations against the configured URL (or a connection handed in)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # noqa: ANN001 - alembic hands a Connection
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        context.run_migrations()
    connection.commit()


run_migrations_online()
