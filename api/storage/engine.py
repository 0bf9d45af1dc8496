"""Engine and session factory, built by the app's lifespan or the CLI (never at import).

SQLite gets WAL journaling, a busy timeout and foreign keys. Transactions are opened and ended
by :mod:`readiness.api.storage.unit_of_work`, which also holds the per-athlete write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from readiness.api.settings import Settings
from readiness.api.storage.migrate import apply_queue_schema, upgrade
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Database", "make_engine", "open_database"]


@dataclass(frozen=True, slots=True)
class Database:
    """The engine and its session factory (``expire_on_commit=False``)."""

    engine: Engine
    sessions: sessionmaker[Session]

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections are shared across the server's threads."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """Create the engine, bring the schema up to date (Alembic; on PostgreSQL also the job
    queue's schema), and a session factory."""
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
        apply_queue_schema(engine)
    return Database(engine, sessionmaker(engine, expire_on_commit=False))
