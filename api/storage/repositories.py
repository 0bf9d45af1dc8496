"""Write an athlete's timeline: merge new tables into what is stored, in the caller's transaction;
and list any table's rows a page at a time (:func:`page_rows`).

The stored ``daily``, ``sessions`` and ``checkins`` tables are the *merged* timeline (one row per
day, one per workout), combined with :func:`readiness.ingest.merge` so that source precedence is
the same as ``readiness ingest`` applies to many files. Each row keeps the ``upload_id`` that
supplied it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
from readiness.api.storage.frames import ROW_CLASSES, load_result, row_values
from readiness.api.storage.models import CheckinRow
from readiness.ingest import (
    CHECKINS,
    DAILY,
    SESSIONS,
    IngestResult,
    merge,
)
from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.orm import Session

__all__ = ["apply_result", "page_rows", "upsert_checkin"]

_Row = TypeVar("_Row")


def _session_dates(sessions: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Fill a missing ``date`` with the athlete-local date of ``start`` (the schema's meaning)."""
    missing = sessions["date"].isna() & sessions["start"].notna()
    if not missing.any():
        return sessions
    local = sessions["start"].dt.tz_convert(ZoneInfo(tz)).dt.tz_localize(None).dt.normalize()
    out = sessions.copy()
    out["date"] = out["date"].where(~missing, local.astype(out["date"].dtype))
    return out


def _tagged(result: IngestResult, upload_id: str, tz: str) -> IngestResult:
    return IngestResult(
        daily=result.daily.assign(upload_id=upload_id),
        sessions=_session_dates(result.sessions, tz).assign(upload_id=upload_id),
        checkins=result.checkins.assign(upload_id=upload_id),
        warnings=result.warnings,
    )


def apply_result(
    session: Session, athlete_id: int, results: Sequence[tuple[str, IngestResult]], *, tz: str
) -> None:
    """Merge ``results`` (``(upload_id, result)`` pairs) into the athlete's stored timeline.

    New values win over stored ones of the same source precedence (and earlier pairs over later
    ones). A workout without a ``date`` gets the athlete-local (``tz``) date of its start. The
    caller holds the athlete's write lock and owns the transaction: all of it lands or none.
    """
    stored = load_result(session, athlete_id)
    merged = merge([*(_tagged(r, uid, tz) for uid, r in results), stored])
    for table, frame in (
        (DAILY, merged.daily),
        (SESSIONS, merged.sessions),
        (CHECKINS, merged.checkins),
    ):
        cls = ROW_CLASSES[table.name]
        session.execute(delete(cls).where(cls.athlete_id == athlete_id))
        rows = row_values(table, frame)
        for row in rows:
            row["athlete_id"] = athlete_id
        if rows:
            session.execute(insert(cls), rows)


def upsert_checkin(
    session: Session, athlete_id: int, day: date, values: dict[str, Any]
) -> tuple[CheckinRow, bool]:
    """Set the athlete's check-in for ``day`` to ``values`` (all fields replaced).

    Returns the row and whether it was created. The caller holds the athlete's write lock.
    """
    row = session.scalars(
        select(CheckinRow).where(CheckinRow.athlete_id == athlete_id, CheckinRow.date == day)
    ).one_or_none()
    created = row is None
    if row is None:
        row = CheckinRow(athlete_id=athlete_id, date=day)
        session.add(row)
    for col in CHECKINS.columns:
        if col.name in ("date", "source"):
            continue
        setattr(row, col.name, values.get(col.name))
    row.source = "app"
    row.upload_id = None
    session.flush()
    return row, created


def page_rows(
    session: Session,
    cls: type[_Row],
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any],
    *,
    limit: int,
    offset: int,
) -> tuple[list[_Row], int]:
    """``limit`` rows of ``cls`` matching ``where`` from ``offset`` on (in ``order_by``), and
    how many match in all."""
    count = session.scalar(select(func.count()).select_from(cls).where(*where)) or 0
    rows = session.scalars(
        select(cls).where(*where).order_by(*order_by).limit(limit).offset(offset)
    ).all()
    return list(rows), count
