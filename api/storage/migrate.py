"""Run the Alembic migrations shipped in ``api/storage/migrations`` (no ``alembic.ini`` needed),
and, on PostgreSQL, apply the job queue's schema (procrastinate's own SQL) once.

The queue's tables are procrastinate's, not the service's: they are created from the schema the
installed procrastinate ships (``SchemaManager.get_schema``) when ``procrastinate_jobs`` does not
exist yet, under a transaction-scoped advisory lock so that several processes starting at once
apply it once. Upgrading procrastinate across schema versions follows its own migration notes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

__all__ = ["MIGRATIONS", "alembic_config", "apply_queue_schema", "upgrade"]

#: Advisory lock key held while the queue schema is applied ("rdyq" in ASCII).
QUEUE_SCHEMA_LOCK = 0x72647971

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migration scripts."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database at ``engine`` to ``revision``; safe to run from several workers."""
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def apply_queue_schema(engine: Engine) -> bool:
    """Create procrastinate's tables and functions on PostgreSQL unless they exist; returns
    whether it did. Does nothing on other databases."""
    if engine.dialect.name != "postgresql":
        return False
    from procrastinate.schema import SchemaManager

    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": QUEUE_SCHEMA_LOCK})
        if connection.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is not None:
            return False
        raw: Any = connection.connection.driver_connection
        raw.execute(SchemaManager.get_schema())  # psycopg: no parameters, no placeholders
    return True
