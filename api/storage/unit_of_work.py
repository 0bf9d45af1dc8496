"""The unit of work: one session and one transaction, committed when the work succeeds.

:func:`unit_of_work` is the only place that commits or rolls back. A request (through the API's
dependency), a background upload job and a CLI command each open one; the services write into
its session and never end the transaction themselves.

* Work that wrote nothing ends without a commit (its read transaction is closed).
* Work that wrote is committed when it ends normally, then the :meth:`UnitOfWork.after_commit`
  callbacks run (e.g. starting a job that reads the committed rows).
* An exception rolls everything back: a failing request leaves nothing written.

Every write that changes an athlete's data starts with :meth:`UnitOfWork.lock_athlete`: it
ends the read-only part of the transaction (SQLite cannot turn a read snapshot that another
writer has moved past into a write) and bumps the athlete's ``data_version``, which takes the
row's write lock — writers are serialised per athlete on PostgreSQL and serialised on SQLite,
so reads-then-writes never race.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from readiness.api.storage.models import Athlete
from sqlalchemy import event, update
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

__all__ = ["AthleteGoneError", "UnitOfWork", "unit_of_work"]


class AthleteGoneError(LookupError):
    """The athlete whose data a write was to change does not exist (any more): e.g. their
    account was deleted while the request was on its way."""


#: ``session.info`` key: the session flushed rows or ran a write statement.
_WROTE = "unit_of_work.wrote"


# Registered once for every session (per-session listeners cost more than a read request's
# queries): each marks its own session's ``info``.
@event.listens_for(Session, "after_flush")
def _on_flush(session: Session, *_: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


class UnitOfWork:
    """A session whose transaction :func:`unit_of_work` ends; it notices whether it wrote."""

    def __init__(self, session: Session) -> None:
        self.session = session
        session.info[_WROTE] = False
        self._locked: set[int] = set()
        self._after_commit: list[Callable[[], None]] = []

    @property
    def wrote(self) -> bool:
        """Whether the transaction holds writes (rows flushed or statements run)."""
        session = self.session
        return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)

    def lock_athlete(self, athlete_id: int) -> int:
        """Start the write of ``athlete_id``'s data; returns its new ``data_version``.

        The reads so far are ended first unless something was written already; loaded objects
        are reloaded on their next use. Within one unit the lock is taken once.
        """
        if athlete_id not in self._locked:
            if not self.wrote:
                self.session.rollback()
            self.session.execute(
                update(Athlete)
                .where(Athlete.id == athlete_id)
                .values(data_version=Athlete.data_version + 1)
            )
            self._locked.add(athlete_id)
        athlete = self.session.get(Athlete, athlete_id, populate_existing=True)
        if athlete is None:
            raise AthleteGoneError(f"athlete {athlete_id} does not exist")
        return athlete.data_version

    def snapshot(self) -> None:
        """End the read-only part of the transaction and, on PostgreSQL, read on from one
        snapshot of the database until the unit ends (``REPEATABLE READ``), so that several
        queries see the same data even while other transactions commit. (SQLite's driver
        starts a transaction only at the first write, so there each query sees the latest
        commit.)"""
        if self.wrote:
            return
        self.session.rollback()
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})

    def release(self) -> None:
        """End the read-only part of the transaction and give its connection back (e.g. before
        a long upload streams in); loaded objects are reloaded on their next use. A unit that
        wrote keeps its transaction."""
        if not self.wrote:
            self.session.rollback()

    def locked(self, athlete_id: int) -> bool:
        """Whether this unit holds ``athlete_id``'s write lock."""
        return athlete_id in self._locked

    def discard(self) -> None:
        """Drop what was written so far (and the locks): the work turned out to have nothing to
        store. Objects to keep past it must be expunged from the session first."""
        self.session.rollback()
        self.session.info[_WROTE] = False
        self._locked.clear()
        self._after_commit.clear()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the transaction is committed (never when it is rolled back)."""
        self._after_commit.append(callback)

    def _finish(self) -> None:
        if not self.wrote:
            return  # closing the session (right after) ends the read transaction
        self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()


@contextmanager
def unit_of_work(sessions: sessionmaker[Session]) -> Iterator[UnitOfWork]:
    """Open a session; commit on success (when it wrote), roll back on any exception."""
    with sessions() as session:
        work = UnitOfWork(session)
        try:
            yield work
        except BaseException:
            session.rollback()
            raise
        work._finish()
