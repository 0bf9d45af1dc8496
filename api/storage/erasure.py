"""Erase an athlete: every row that names them, in every table, and their queued jobs.

The tables are found from the models' metadata — every table with an ``athlete_id`` column,
children before parents (foreign keys are respected without relying on ``ON DELETE CASCADE``,
which SQLite only honours with its pragma) — so a table added later is erased too. On
PostgreSQL the athlete's upload jobs still waiting in procrastinate's queue (lock
``athlete-<id>``) are removed in the same transaction; a job a worker is running finds its
upload gone and stores nothing. Blobs are files, not rows: :func:`unreferenced` tells which of
an erased upload's blobs no upload (of any athlete: equal files share one blob) still needs.
The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from readiness.api.storage.models import Athlete, Base, Upload
from sqlalchemy import Table, Text, cast, column, delete, select, table, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

__all__ = ["athlete_tables", "erase_athlete", "forget_jobs", "unreferenced"]

#: procrastinate's job table (PostgreSQL only; created by ``apply_queue_schema``): the columns
#: used here.
_JOBS = table("procrastinate_jobs", column("lock"), column("status"), column("args", JSONB))


def athlete_tables() -> list[Table]:
    """Every table holding rows of an athlete (an ``athlete_id`` column), children first, then
    ``athletes`` itself."""
    named = [t for t in reversed(Base.metadata.sorted_tables) if "athlete_id" in t.c]
    return [*named, Athlete.__table__]  # type: ignore[list-item]


def _has_queue(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return False
    return session.scalar(text("SELECT to_regclass(:t)"), {"t": _JOBS.name}) is not None


def forget_jobs(session: Session, athlete_id: int, upload_id: str | None = None) -> int:
    """Remove the athlete's upload jobs waiting in the PostgreSQL queue (all of them, or the
    one of ``upload_id``); returns how many. A running job is left to end by itself (it finds
    nothing to store). Nothing to do elsewhere (SQLite's jobs are the upload rows)."""
    if not _has_queue(session):
        return 0
    jobs = _JOBS.c
    waiting = delete(_JOBS).where(
        jobs.lock == f"athlete-{athlete_id}", cast(jobs.status, Text) != "doing"
    )
    if upload_id is not None:
        waiting = waiting.where(jobs.args["upload_id"].astext == upload_id)
    res = session.execute(waiting)
    return int(getattr(res, "rowcount", 0) or 0)


def erase_athlete(session: Session, athlete_id: int) -> list[str]:
    """Delete every row of the athlete (and their waiting jobs); returns the content hashes of
    the uploads that were deleted (their blobs may be removed once nothing else needs them)."""
    shas = list(session.scalars(select(Upload.sha256).where(Upload.athlete_id == athlete_id)))
    forget_jobs(session, athlete_id)
    for rows in athlete_tables():
        key = rows.c.id if rows is Athlete.__table__ else rows.c.athlete_id
        session.execute(delete(rows).where(key == athlete_id))
    return shas


def unreferenced(session: Session, shas: Iterable[str]) -> list[str]:
    """The hashes among ``shas`` that no upload row (of any athlete) names any more."""
    wanted = sorted(set(shas))
    used: set[str] = set()
    for i in range(0, len(wanted), 500):
        used.update(
            session.scalars(select(Upload.sha256).where(Upload.sha256.in_(wanted[i : i + 500])))
        )
    return [s for s in wanted if s not in used]
