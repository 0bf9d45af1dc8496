"""Engine and session factory, built by the app's lifespan or the CLI (never at import).

SQLite gets WAL journaling, a busy timeout and foreign keys. PostgreSQL gets a connect timeout
(libpq ``connect_timeout``), a server-side ``statement_timeout``, a pool timeout and a ping before
each checkout (``pool_pre_ping``: a connection broken by an outage is replaced, so the service
recovers without a restart). Its sockets get TCP keepalives and ``tcp_user_timeout``
(:meth:`Timeouts.libpq`): a connection whose packets vanish (a network partition: no reset, no
close, so the server never hears a ``statement_timeout``) is closed by the kernel within about
``tcp_user_timeout``, whether it was waiting for a statement's answer or sending a new one.
No engine logs SQL parameters (``hide_parameters``): an error names the statement, never the
athlete's values. Transactions are opened and ended by
:mod:`readiness.api.storage.unit_of_work`, which also holds the per-athlete write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from readiness.api.settings import Settings
from readiness.api.storage.migrate import apply_queue_schema, upgrade
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Database", "Timeouts", "make_engine", "open_database"]


@dataclass(frozen=True, slots=True)
class Database:
    """The engine and its session factory (``expire_on_commit=False``)."""

    engine: Engine
    sessions: sessionmaker[Session]

    def dispose(self) -> None:
        self.engine.dispose()


#: Pooled SQLite connections kept open: the thread pool's 40 worker threads, plus the job worker.
SQLITE_POOL_SIZE = 42


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long PostgreSQL work may wait: a new connection (whole seconds, as libpq takes
    them), one statement (server-side) and a pooled connection; and how soon a silent
    connection is given up (keepalive probes after ``keepalives_idle_s`` without traffic,
    every ``keepalives_interval_s``, ``keepalives_count`` of them; data or probes unanswered
    for ``tcp_user_timeout_ms`` close it, 0 = the system's default)."""

    connect_s: int = 3
    statement_s: float = 15.0
    pool_s: float = 5.0
    keepalives_idle_s: int = 2
    keepalives_interval_s: int = 1
    keepalives_count: int = 2
    tcp_user_timeout_ms: int = 1500

    @property
    def statement_ms(self) -> int:
        return round(self.statement_s * 1000)

    def libpq(self) -> dict[str, int]:
        """The libpq connection parameters of these timeouts (not ``statement_timeout``)."""
        return {
            "connect_timeout": self.connect_s,
            "keepalives": 1,
            "keepalives_idle": self.keepalives_idle_s,
            "keepalives_interval": self.keepalives_interval_s,
            "keepalives_count": self.keepalives_count,
            "tcp_user_timeout": self.tcp_user_timeout_ms,
        }

    @classmethod
    def of(cls, settings: Settings) -> Timeouts:
        return cls(
            settings.db_connect_s,
            settings.db_statement_s,
            settings.db_pool_s,
            settings.db_keepalives_idle_s,
            settings.db_keepalives_interval_s,
            settings.db_keepalives_count,
            settings.db_tcp_user_timeout_ms,
        )


def make_engine(url: str, timeouts: Timeouts | None = None) -> Engine:
    """An engine for ``url``; SQLite connections are shared across the server's threads."""
    if url.startswith("sqlite"):
        # as many pooled connections as the server has worker threads: a connection opened
        # past the pool (overflow) is closed again after one request, and opening one (with
        # its pragmas) costs more than the request's reads
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            pool_size=SQLITE_POOL_SIZE,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    t = timeouts or Timeouts()
    # connect_args replace the URL's own ``options`` (e.g. a search_path): keep them
    given = make_url(url).query.get("options", "")
    options = " ".join(
        [*([given] if isinstance(given, str) else given), f"-c statement_timeout={t.statement_ms}"]
    ).strip()
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=t.pool_s,
        hide_parameters=True,
        connect_args={**t.libpq(), "options": options},
    )


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """Create the engine, bring the schema up to date (Alembic; on PostgreSQL also the job
    queue's schema), and a session factory."""
    engine = make_engine(settings.database_url, Timeouts.of(settings))
    if migrate:
        upgrade(engine)
        apply_queue_schema(engine)
    return Database(engine, sessionmaker(engine, expire_on_commit=False))
