"""Alembic environment: migrate the connection the service hands over (``storage/migrate.py``).

Run standalone (``alembic -c ...``) it reads ``DATABASE_URL`` like the service does. SQLite uses
batch mode (``render_as_batch``) so ALTERs work; PostgreSQL takes an advisory lock so several
workers starting at once migrate one at a time.
"""

from __future__ import annotations

from alembic import context
from readiness.api.settings import Settings
from readiness.api.storage.models import Base
from sqlalchemy import Connection, create_engine, text

_LOCK_ID = 0x52454144  # "READ"


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(Settings().database_url, hide_parameters=True)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


run_migrations_online()
