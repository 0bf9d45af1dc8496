"""Materialised readiness: the scored days of an athlete, stored by the writer that changed them.

One writer per athlete: every change of an athlete's data (upload, check-in, feedback) runs in
:func:`changing`, which takes the athlete's write lock first (:meth:`UnitOfWork.lock_athlete`,
a row lock on PostgreSQL) and re-scores at its end, in the same transaction (:func:`refresh`).
Only that writer stores ``readiness`` rows; reads never write them, so a read can never race a
re-score (no upsert against a writer's delete-and-insert). Today's evaluation — warmth at the
instant of the request — is scored when asked and served without storing; a day outside the
stored window is scored on demand the same way.

Incremental re-scoring: a day's object depends only on data dated up to that day (baselines,
loads and calibration look back, never forward), so a write re-scores from the first day it
can change (the block reports it with :func:`changed_since`; without a report every day is
re-scored) plus any day of the window not stored yet, :data:`BATCH_DAYS` days per scoring call.
The result is the same, object by object, as re-scoring everything (a test keeps it so).

Every function that decides which day is *today* takes the service's ``now`` explicitly
(``Settings.current_time()``: the real clock, or ``READINESS_NOW`` when pinned); only the
bookkeeping timestamps (``computed_at``) use the real clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from readiness.api.services.errors import MissingError
from readiness.api.services.read_cache import (
    WRITES,
    ReadCache,
    VersionKey,
    minute_of,
)
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
from sqlalchemy import Select, bindparam, delete, func, insert, or_, select, union_all
from sqlalchemy.orm import Session

__all__ = [
    "BATCH_DAYS",
    "DaySpan",
    "cached_day",
    "cached_today",
    "changed_since",
    "changing",
    "data_span",
    "local_today",
    "missing_readiness",
    "read_range",
    "read_today",
    "refresh",
    "served_day",
    "served_today",
    "version_key",
]

#: Days after the last data day that :func:`refresh` stores (later days are scored on demand).
TRAILING_DAYS = 14
#: At most this many days are re-scored when data changes; older ones are scored on demand.
MAX_STORED_DAYS = 730
#: Days scored per scoring call when re-scoring (bounds the memory of one call).
BATCH_DAYS = 92


@dataclass(frozen=True, slots=True)
class DaySpan:
    """First and last athlete-local day with any stored data."""

    first: date
    last: date


def local_today(athlete: Athlete, now: datetime) -> date:
    """The athlete's local calendar day at the instant ``now``."""
    return _local_date(athlete.timezone, now)


def _local_date(timezone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def data_span(work: UnitOfWork, athlete_id: int) -> DaySpan | None:
    """The span of days with data (daily, sessions or check-ins), or ``None`` with no data."""
    return _span(work.session, athlete_id)


def _span_statement() -> Select[date | None, date | None]:
    parts = [
        select(func.min(c.date).label("lo"), func.max(c.date).label("hi")).where(
            c.athlete_id == bindparam("athlete_id")
        )
        for c in (DailyRow, SessionRow, CheckinRow)
    ]
    sub = union_all(*parts).subquery()
    return select(func.min(sub.c.lo), func.max(sub.c.hi))


_SPAN = _span_statement()
_VERSION = select(Athlete.data_version).where(Athlete.id == bindparam("athlete_id"))


def _span(session: Session, athlete_id: int) -> DaySpan | None:
    lo, hi = session.execute(_SPAN, {"athlete_id": athlete_id}).one()
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


_SINCE = "readiness.changed_since"


def changed_since(session: Session, day: date | None) -> None:
    """Inside :func:`changing`: the write changed data dated ``day`` (and maybe later), so
    scores from ``day`` on are re-scored and earlier stored days are kept (``None``: nothing
    dated changed). Several reports keep the earliest."""
    if day is None:
        session.info.setdefault(_SINCE, None)
        return
    known = session.info.get(_SINCE)
    session.info[_SINCE] = day if known is None else min(known, day)


@contextmanager
def changing(work: UnitOfWork, athlete_id: int, *, now: datetime) -> Iterator[Session]:
    """Change the athlete's data in the block: its write lock is taken first, and the days the
    block changed are re-scored when it ends (unless the block discarded its writes).

    The block reports the first changed day with :func:`changed_since`; a block that reports
    nothing re-scores every day. ``now`` is the service's clock (it decides the athlete's today).
    """
    work.lock_athlete(athlete_id)
    work.after_commit(lambda: WRITES.bump(athlete_id))  # this process's reads see it at once
    session = work.session
    session.info.pop(_SINCE, None)
    yield session
    reported = _SINCE in session.info
    since = session.info.pop(_SINCE, None)
    if work.locked(athlete_id):
        if reported and since is None:
            since = date.max  # nothing dated changed: only days not stored yet are scored
        refresh(session, athlete_id, now=now, since=since if reported else None)


def refresh(
    session: Session, athlete_id: int, *, now: datetime, since: date | None = None
) -> Athlete:
    """Re-score the athlete's stored window of days; returns the athlete.

    ``since`` ``None`` re-scores every day; else days from ``since`` on, and days of the window
    not stored yet, are scored and earlier stored rows are kept. Rows outside the window (it
    moves with the data and the clock) are deleted. The athlete is reloaded first (the write
    moved its ``data_version``, which new rows carry). ``now`` is the service's clock (it
    decides the athlete's today). Runs in the caller's write transaction, at the end of
    :func:`changing`.
    """
    athlete = session.get(Athlete, athlete_id, populate_existing=True)
    assert athlete is not None
    mine = ReadinessRow.athlete_id == athlete.id
    span = _span(session, athlete.id)
    if span is None:
        session.execute(delete(ReadinessRow).where(mine))
        return athlete
    days = _materialised_days(span, local_today(athlete, now))
    if since is None:
        session.execute(delete(ReadinessRow).where(mine))
        todo = days
    else:
        session.execute(
            delete(ReadinessRow).where(
                mine,
                or_(
                    ReadinessRow.date < days[0],
                    ReadinessRow.date > days[-1],
                    ReadinessRow.date >= since,
                    ReadinessRow.evaluated_at.is_not(None),
                ),
            )
        )
        kept = set(session.scalars(select(ReadinessRow.date).where(mine)))
        todo = [d for d in days if d not in kept]
    if not todo:
        return athlete
    tables = load_result(session, athlete.id)
    feedback = feedback_frame(session, athlete.id)
    for i in range(0, len(todo), BATCH_DAYS):
        batch = todo[i : i + BATCH_DAYS]
        scored = score(tables, feedback, athlete, batch)
        computed = utcnow()
        session.execute(
            insert(ReadinessRow),
            [_row(athlete, d, obj, computed=computed) for d, obj in scored.items()],
        )
    return athlete


def _score_stored(
    session: Session, athlete: Athlete, days: list[date], *, at: datetime | None = None
) -> dict[date, dict[str, Any]]:
    """Score ``days`` from everything stored for ``athlete`` (its tables and its feedback)."""
    return score(
        load_result(session, athlete.id), feedback_frame(session, athlete.id), athlete, days, at=at
    )


def _row(athlete: Athlete, day: date, obj: dict[str, Any], *, computed: datetime) -> dict[str, Any]:
    """The stored values of one scored day (warmth at the end of the day)."""
    return {
        "athlete_id": athlete.id,
        "date": day,
        "data": obj,
        "data_version": athlete.data_version,
        "evaluated_at": None,
        "computed_at": computed,
    }


def read_today(work: UnitOfWork, athlete: Athlete, *, now: datetime) -> dict[str, Any] | None:
    """Today's readiness in the athlete's timezone with warmth evaluated ``now`` (scored for
    the request, never stored). ``None`` when the athlete has no data at all."""
    session = work.session
    if _span(session, athlete.id) is None:
        return None
    today = local_today(athlete, now)
    return _score_stored(session, athlete, [today], at=now)[today]


def _stored_or_scored(
    session: Session, athlete: Athlete, days: list[date]
) -> dict[date, dict[str, Any]]:
    """The stored day objects of ``days``; days the writer has not stored (outside its window)
    are scored for this read and not stored.

    A row with ``evaluated_at`` set (an instant's evaluation stored by an older version) is not
    the day's object — that has warmth at the end of the day, as ``readiness score`` — so it is
    scored again.
    """
    rows = session.scalars(
        select(ReadinessRow).where(
            ReadinessRow.athlete_id == athlete.id, ReadinessRow.date.in_(days)
        )
    ).all()
    found = {r.date: r.data for r in rows if r.evaluated_at is None}
    missing = [d for d in days if d not in found]
    if missing:
        found.update(_score_stored(session, athlete, missing))
    return found


def _has_readiness(span: DaySpan | None, day: date, today: date) -> bool:
    """Whether ``day`` has a readiness: from the first data day to today (or the last data
    day, if later)."""
    return span is not None and span.first <= day <= _last_day(span, today)


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
    span = _span(work.session, athlete.id)
    if span is None:
        return [], 0
    lo = max(start, span.first)
    hi = min(end, _last_day(span, local_today(athlete, now)))
    count = max(0, (hi - lo).days + 1)
    page = [lo + timedelta(days=i) for i in range(offset, min(count, offset + limit))]
    if not page:
        return [], count
    found = _stored_or_scored(work.session, athlete, page)
    return [found[d] for d in page], count


# --- the served (cached) reads of the API: JSON bytes, see readiness.api.services.read_cache ---


def version_key(athlete: Athlete) -> VersionKey:
    """What the athlete's served objects depend on besides the day (the cache's key)."""
    return VersionKey(
        athlete.id,
        athlete.data_version,
        athlete.timezone,
        athlete.hr_rest,
        athlete.hr_max,
        athlete.sex,
        athlete.created,
    )


def _current(session: Session, key: VersionKey) -> Callable[[], bool]:
    def still_current() -> bool:
        version = session.scalar(_VERSION, {"athlete_id": key.athlete_id})
        return version == key.data_version

    return still_current


def _cached_span(work: UnitOfWork, key: VersionKey, cache: ReadCache) -> DaySpan | None:
    session = work.session
    return cache.get_or_compute(
        key, "span", lambda: _span(session, key.athlete_id), still_current=_current(session, key)
    )


def _encoded(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def served_today(
    work: UnitOfWork, athlete: Athlete, *, now: datetime, cache: ReadCache
) -> bytes | None:
    """:func:`read_today` as JSON, evaluated at the start of ``now``'s minute and kept in
    ``cache`` for the athlete's data version. ``None`` when the athlete has no data."""
    key = version_key(athlete)
    if _cached_span(work, key, cache) is None:
        return None
    at = minute_of(now)
    session = work.session

    def compute() -> bytes:
        today = local_today(athlete, at)
        return _encoded(_score_stored(session, athlete, [today], at=at)[today])

    return cache.get_or_compute(key, ("today", at), compute, still_current=_current(session, key))


def missing_readiness(
    work: UnitOfWork, athlete: Athlete, day: date, *, now: datetime
) -> MissingError:
    """Why ``day`` has no readiness (for a read that found none): no data at all, a day before
    the first data day, or a day after the athlete's today at ``now``."""
    span = data_span(work, athlete.id)
    prefix = f"no readiness for {day.isoformat()}: "
    if span is None:
        return MissingError(prefix + "you have no data yet — upload an export first", date=day)
    if day < span.first:
        return MissingError(
            prefix + f"your data starts on {span.first.isoformat()}",
            date=day,
            first_day=span.first,
        )
    today = local_today(athlete, now)
    return MissingError(
        prefix + f"{day.isoformat()} is after today ({today.isoformat()}) in your timezone "
        f"({athlete.timezone})",
        date=day,
        today=today,
    )


def served_day(
    work: UnitOfWork, athlete: Athlete, day: date, *, now: datetime, cache: ReadCache
) -> bytes:
    """The readiness of ``day`` (stored, or scored for this read) as JSON, kept in ``cache``
    for the athlete's data version; raises :func:`missing_readiness` when the day has none
    (no data on or before it, or it is after today at ``now``)."""
    key = version_key(athlete)
    if not _has_readiness(_cached_span(work, key, cache), day, local_today(athlete, now)):
        raise missing_readiness(work, athlete, day, now=now)
    session = work.session
    return cache.get_or_compute(
        key,
        ("day", day),
        lambda: _encoded(_stored_or_scored(session, athlete, [day])[day]),
        still_current=_current(session, key),
    )


def cached_today(key: VersionKey, *, now: datetime, cache: ReadCache) -> bytes | None:
    """Today's JSON if ``cache`` holds it for ``key`` at ``now``'s minute (no database)."""
    span = cache.peek(key, "span")
    if not isinstance(span, DaySpan):
        return None
    body = cache.peek(key, ("today", minute_of(now)))
    return body if isinstance(body, bytes) else None


def cached_day(key: VersionKey, day: date, *, now: datetime, cache: ReadCache) -> bytes | None:
    """``day``'s JSON if ``cache`` holds it for ``key`` and the day has a readiness at ``now``
    (no database); ``None`` leaves it to :func:`served_day`."""
    span = cache.peek(key, "span")
    if not isinstance(span, DaySpan) or not _has_readiness(
        span, day, _local_date(key.timezone, now)
    ):
        return None
    body = cache.peek(key, ("day", day))
    return body if isinstance(body, bytes) else None
