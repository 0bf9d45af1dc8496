"""Materialised readiness: every scored day of an athlete, stored and recomputed on new data.

A request never recomputes months of baselines: every change of an athlete's data (upload,
check-in, feedback) runs in :func:`changing`, which takes the athlete's write lock first and
re-scores afterwards (:func:`refresh`, in the same transaction), storing every day from the first
day with data on; rows carry the athlete's ``data_version`` so a stale row is noticed. ``today`` is
the exception by design: warmth depends on the clock, so today is re-scored (one day only) when
its stored evaluation is older than :data:`TODAY_TTL`.

Every function that decides which day is *today* takes the service's ``now`` explicitly
(``Settings.current_time()``: the real clock, or ``READINESS_NOW`` when pinned); only the
bookkeeping timestamps (``computed_at``) use the real clock.

Reads never commit: a day scored on demand is written into the caller's unit of work, which
commits it when the request (or command) succeeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from readiness.api.services.scoring import score
from readiness.api.storage.frames import feedback_frame, load_result
from readiness.api.storage.models import (
    Athlete,
    CheckinRow,
    DailyRow,
    ReadinessRow,
    SessionRow,
    utcnow,
)
from readiness.api.storage.unit_of_work import UnitOfWork
from sqlalchemy import delete, func, insert, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

__all__ = [
    "TODAY_TTL",
    "DaySpan",
    "changing",
    "data_span",
    "local_today",
    "read_day",
    "read_range",
    "read_today",
    "refresh",
]

#: How long today's evaluation (warmth at "now") is served before it is re-scored.
TODAY_TTL = timedelta(minutes=5)
#: Days after the last data day that :func:`refresh` stores (later days are scored on demand).
TRAILING_DAYS = 14
#: At most this many days are re-scored when data changes; older ones are scored on demand.
MAX_STORED_DAYS = 730


@dataclass(frozen=True, slots=True)
class DaySpan:
    """First and last athlete-local day with any stored data."""

    first: date
    last: date


def local_today(athlete: Athlete, now: datetime) -> date:
    """The athlete's local calendar day at the instant ``now``."""
    return now.astimezone(ZoneInfo(athlete.timezone)).date()


def data_span(work: UnitOfWork, athlete_id: int) -> DaySpan | None:
    """The span of days with data (daily, sessions or check-ins), or ``None`` with no data."""
    return _span(work.session, athlete_id)


def _span(session: Session, athlete_id: int) -> DaySpan | None:
    parts = [
        select(func.min(c.date).label("lo"), func.max(c.date).label("hi")).where(
            c.athlete_id == athlete_id
        )
        for c in (DailyRow, SessionRow, CheckinRow)
    ]
    sub = union_all(*parts).subquery()
    lo, hi = session.execute(select(func.min(sub.c.lo), func.max(sub.c.hi))).one()
    if lo is None or hi is None:
        return None
    return DaySpan(lo, hi)


def _last_day(span: DaySpan, today: date) -> date:
    """The last day that has a readiness: today, or the last data day if it is later."""
    return max(span.last, today)


def _materialised_days(span: DaySpan, today: date) -> list[date]:
    """The days :func:`refresh` stores: up to :data:`MAX_STORED_DAYS` ending shortly after the
    last data day (older days are scored on demand)."""
    end = max(span.last, min(today, span.last + timedelta(days=TRAILING_DAYS)))
    first = max(span.first, end - timedelta(days=MAX_STORED_DAYS - 1))
    return [first + timedelta(days=i) for i in range((end - first).days + 1)]


@contextmanager
def changing(work: UnitOfWork, athlete_id: int, *, now: datetime) -> Iterator[Session]:
    """Change the athlete's data in the block: its write lock is taken first, and every day is
    re-scored when the block ends (unless the block discarded its writes).

    ``now`` is the service's clock (it decides the athlete's today).
    """
    work.lock_athlete(athlete_id)
    yield work.session
    if work.locked(athlete_id):
        refresh(work.session, athlete_id, now=now)


def refresh(session: Session, athlete_id: int, *, now: datetime) -> Athlete:
    """Re-score every day of the athlete and replace the stored rows; returns the athlete.

    The athlete is reloaded first (the write moved its ``data_version``, which the rows carry).
    ``now`` is the service's clock (it decides the athlete's today). Runs in the caller's write
    transaction, at the end of :func:`changing`.
    """
    athlete = session.get(Athlete, athlete_id, populate_existing=True)
    assert athlete is not None
    session.execute(delete(ReadinessRow).where(ReadinessRow.athlete_id == athlete.id))
    span = _span(session, athlete.id)
    if span is None:
        return athlete
    days = _materialised_days(span, local_today(athlete, now))
    scored = _score_stored(session, athlete, days)
    computed = utcnow()
    session.execute(
        insert(ReadinessRow),
        [_row(athlete, d, obj, evaluated=None, computed=computed) for d, obj in scored.items()],
    )
    return athlete


def _score_stored(
    session: Session, athlete: Athlete, days: list[date], *, at: datetime | None = None
) -> dict[date, dict[str, Any]]:
    """Score ``days`` from everything stored for ``athlete`` (its tables and its feedback)."""
    return score(
        load_result(session, athlete.id), feedback_frame(session, athlete.id), athlete, days, at=at
    )


def _row(
    athlete: Athlete,
    day: date,
    obj: dict[str, Any],
    *,
    evaluated: datetime | None,
    computed: datetime,
) -> dict[str, Any]:
    """The stored values of one scored day (``evaluated`` set when warmth is at an instant)."""
    return {
        "athlete_id": athlete.id,
        "date": day,
        "data": obj,
        "data_version": athlete.data_version,
        "evaluated_at": evaluated,
        "computed_at": computed,
    }


def _upsert(session: Session, values: dict[str, Any]) -> None:
    dialect = session.get_bind().dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(ReadinessRow).values(values)
    update = {k: stmt.excluded[k] for k in ("data", "data_version", "evaluated_at", "computed_at")}
    session.execute(stmt.on_conflict_do_update(index_elements=["athlete_id", "date"], set_=update))


def _ensure_fresh(work: UnitOfWork, athlete: Athlete, now: datetime) -> Athlete:
    """Re-score everything when a stored row belongs to an older data version."""
    stale = work.session.scalar(
        select(func.count())
        .select_from(ReadinessRow)
        .where(
            ReadinessRow.athlete_id == athlete.id,
            ReadinessRow.data_version != athlete.data_version,
        )
    )
    if not stale:
        return athlete
    with changing(work, athlete.id, now=now):
        pass
    fresh = work.session.get(Athlete, athlete.id)
    assert fresh is not None
    return fresh


def read_today(work: UnitOfWork, athlete: Athlete, *, now: datetime) -> dict[str, Any] | None:
    """Today's readiness in the athlete's timezone with warmth evaluated ``now``.

    ``None`` when the athlete has no data at all.
    """
    session = work.session
    today = local_today(athlete, now)
    row = session.get(ReadinessRow, (athlete.id, today))
    evaluated = row.evaluated_at if row is not None else None  # aware UTC (UTCDateTime)
    if (
        row is not None
        and row.data_version == athlete.data_version
        and evaluated is not None
        and timedelta(0) <= now - evaluated < TODAY_TTL
    ):
        return row.data
    if _span(session, athlete.id) is None:
        return None
    obj = _score_stored(session, athlete, [today], at=now)[today]
    _upsert(session, _row(athlete, today, obj, evaluated=now, computed=utcnow()))
    return obj


def _fill(session: Session, athlete: Athlete, days: list[date]) -> dict[date, dict[str, Any]]:
    """The stored day objects of ``days``, scoring (and storing) the ones not stored yet.

    A row :func:`read_today` evaluated at an instant (``evaluated_at`` set) is not the day's
    object — that has warmth at the end of the day, as ``readiness score`` — so it is re-scored
    (and today's evaluation is redone on the next :func:`read_today`).
    """
    rows = session.scalars(
        select(ReadinessRow).where(
            ReadinessRow.athlete_id == athlete.id, ReadinessRow.date.in_(days)
        )
    ).all()
    found = {r.date: r.data for r in rows if r.evaluated_at is None}
    missing = [d for d in days if d not in found]
    if missing:
        scored = _score_stored(session, athlete, missing)
        computed = utcnow()
        for d, obj in scored.items():
            _upsert(session, _row(athlete, d, obj, evaluated=None, computed=computed))
        found.update(scored)
    return found


def read_day(
    work: UnitOfWork, athlete: Athlete, day: date, *, now: datetime
) -> dict[str, Any] | None:
    """The readiness of ``day`` (stored, or scored now and stored).

    ``None`` when there is no data on or before ``day``, or ``day`` is after today (at ``now``).
    """
    athlete = _ensure_fresh(work, athlete, now)
    span = _span(work.session, athlete.id)
    if span is None or not span.first <= day <= _last_day(span, local_today(athlete, now)):
        return None
    return _fill(work.session, athlete, [day])[day]


def read_range(
    work: UnitOfWork,
    athlete: Athlete,
    start: date,
    end: date,
    *,
    limit: int,
    offset: int,
    now: datetime,
) -> tuple[list[dict[str, Any]], int]:
    """Days in ``[start, end]`` that have a readiness (oldest first): one page, and the count.

    Days after today (at ``now``) have none.
    """
    athlete = _ensure_fresh(work, athlete, now)
    span = _span(work.session, athlete.id)
    if span is None:
        return [], 0
    lo = max(start, span.first)
    hi = min(end, _last_day(span, local_today(athlete, now)))
    count = max(0, (hi - lo).days + 1)
    page = [lo + timedelta(days=i) for i in range(offset, min(count, offset + limit))]
    if not page:
        return [], count
    found = _fill(work.session, athlete, page)
    return [found[d] for d in page], count
