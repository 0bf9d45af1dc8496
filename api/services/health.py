"""Whether the service can use its database (for ``GET /healthz``).

An orchestrator, a load balancer and a monitor may all probe ``/healthz`` many times a second;
a successful answer of the database is reused for :data:`CHECK_TTL_S`, and requests that arrive
while a check runs wait for that one check instead of starting their own (a database that
accepts connections and never answers would otherwise collect one stuck thread per probe). A
healthy answer is therefore at most :data:`CHECK_TTL_S` old, well inside the 5 s within which an
outage must show; a failure is never reused.
"""

from __future__ import annotations

import asyncio
import time

import anyio.to_thread
from readiness.api.storage.unit_of_work import UnitOfWork, unit_of_work
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["CHECK_TTL_S", "DatabaseProbe", "check_database"]

#: How long one database check answers for.
CHECK_TTL_S = 1.0


def check_database(work: UnitOfWork) -> None:
    """Run one trivial query; raises when the database does not answer."""
    work.session.execute(text("SELECT 1"))


class DatabaseProbe:
    """The database check of ``/healthz``: run in a worker thread, shared, kept for a second."""

    def __init__(self, sessions: sessionmaker[Session], ttl_s: float = CHECK_TTL_S) -> None:
        self._sessions = sessions
        self._ttl_s = ttl_s
        self._ok_at = -float("inf")
        self._checks = 0
        self._failure: BaseException | None = None
        self._lock = asyncio.Lock()

    async def check(self) -> None:
        """Return when the database answered a query within the last second; else raise what
        the check raised (e.g. SQLAlchemy's ``OperationalError``). A failure is not kept: the
        next request checks again, so the service shows healthy as soon as the database is.
        Past half the second, one request renews the answer while the others still take it."""
        if self._fresh() and (self._young() or self._lock.locked()):
            return
        seen = self._checks
        async with self._lock:
            if self._checks == seen:  # no check finished while this request waited: run one
                try:
                    await anyio.to_thread.run_sync(self._query)
                    self._failure = None
                    self._ok_at = time.monotonic()
                except Exception as exc:  # raised to every request that waited for this check
                    self._failure = exc
                self._checks += 1
        if self._failure is not None:
            raise self._failure.with_traceback(None)

    def _young(self) -> bool:
        return time.monotonic() - self._ok_at < self._ttl_s / 2

    def _fresh(self) -> bool:
        return self._failure is None and time.monotonic() - self._ok_at < self._ttl_s

    def _query(self) -> None:
        with unit_of_work(self._sessions) as work:
            check_database(work)
