"""Write an athlete's timeline in the caller's transaction, and list any table's rows a page at
a time (:func:`page_rows`).

Each upload's own rows are kept as read (``upload_daily`` / ``upload_sessions`` /
``upload_checkins``, with the check-ins entered in the app); the stored ``daily``, ``sessions``
and ``checkins`` tables are the *merged* timeline derived from them: one
:func:`readiness.ingest.merge` over every upload's rows of the dates a write touches
(:func:`rederive`). Why not merge a new upload into the already merged rows? Because merging is
not associative: a merged day names one ``source`` (where its HRV came from) for all its
columns, so merging it again with the next file re-ranks values under the wrong source and the
result depends on arrival order. Merging the uploads' own rows in one go gives, in every order
and under any concurrency (writes are serialised per athlete), exactly what ``readiness ingest``
prints for the same files. It stays cheap: only the touched dates are loaded and re-merged (an
index on athlete and date), so one new night costs a handful of rows whatever the history.
Each merged row keeps the ``upload_id`` of the row that ranked first.

Check-ins entered in the app (``POST /v1/checkins``) are one row per day in
``upload_checkins`` (no upload, ``source`` ``"app"``) that lists the fields the athlete
``answered``: per field, an answer given in the app wins over every file (a ``None`` answer
clears the field), and a field not answered in the app is the files' merged answer. A later
upload, or a re-derivation, never undoes an app answer, and an app answer never hides a file's
answer to another field.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
from readiness.api.storage.frames import (
    ROW_CLASSES,
    UPLOAD_ROW_CLASSES,
    load_upload_rows,
    row_values,
)
from readiness.api.storage.models import CheckinRow, Upload, UploadCheckinRow
from readiness.ingest import (
    CHECKINS,
    DAILY,
    SESSIONS,
    IngestResult,
    merge,
)
from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.orm import Session

__all__ = [
    "APP_SOURCE",
    "CHECKIN_ANSWERS",
    "apply_result",
    "page_rows",
    "rederive",
    "remove_upload",
    "stream_rows",
    "upsert_checkin",
]

#: The ``source`` of a check-in the athlete entered in the app (``POST /v1/checkins``).
APP_SOURCE = "app"
#: The answer fields of a check-in: every column but its date and ``source``.
CHECKIN_ANSWERS = tuple(c.name for c in CHECKINS.columns if c.name not in ("date", "source"))
#: How far (in dates) a new workout can change the merged workouts around it: duplicates start
#: within minutes of each other, so at most across one midnight.
_WORKOUT_MARGIN = timedelta(days=1)

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


def _day_range(results: Sequence[IngestResult]) -> tuple[date, date] | None:
    """The first and last athlete-local date any of ``results``' rows is dated."""
    found = [
        pd.to_datetime(frame["date"]).dropna()
        for r in results
        for frame in (r.daily, r.sessions, r.checkins)
        if not frame.empty
    ]
    stamps = pd.concat(found) if found else pd.Series([], dtype="datetime64[s]")
    if stamps.empty:
        return None
    return stamps.min().date(), stamps.max().date()


def apply_result(
    session: Session, athlete_id: int, results: Sequence[tuple[str, IngestResult]], *, tz: str
) -> date | None:
    """Store each upload's own rows (``(upload_id, result)`` pairs) and re-derive the athlete's
    merged timeline on the dates they touch; returns the first date whose merged rows may have
    changed (``None``: no rows).

    A workout without a ``date`` gets the athlete-local (``tz``) date of its start. The caller
    holds the athlete's write lock and owns the transaction: all of it lands or none.
    """
    tagged = [_tagged(r, uid, tz) for uid, r in results]
    for result in tagged:
        for table, frame in (
            (DAILY, result.daily),
            (SESSIONS, result.sessions),
            (CHECKINS, result.checkins),
        ):
            rows = row_values(table, frame)
            for row in rows:
                row["athlete_id"] = athlete_id
            if rows:
                session.execute(insert(UPLOAD_ROW_CLASSES[table.name]), rows)
    span = _day_range(tagged)
    if span is None:
        return None
    rederive(session, athlete_id, *span)
    workouts = any(not r.sessions.empty for r in tagged)
    return span[0] - _WORKOUT_MARGIN if workouts else span[0]


def remove_upload(session: Session, athlete_id: int, upload_id: str) -> date | None:
    """Delete the athlete's upload ``upload_id`` and its own rows, and re-derive the merged
    timeline on the dates they covered from the remaining uploads (a day another upload gave
    too keeps that upload's values); returns the first date whose merged rows may have changed
    (``None``: the upload gave no rows).

    The caller holds the athlete's write lock and owns the transaction.
    """
    first: date | None = None
    last: date | None = None
    workouts = False
    for name, cls in UPLOAD_ROW_CLASSES.items():
        mine = (cls.athlete_id == athlete_id, cls.upload_id == upload_id)
        lo, hi = session.execute(select(func.min(cls.date), func.max(cls.date)).where(*mine)).one()
        if lo is not None and hi is not None:
            first = lo if first is None else min(first, lo)
            last = hi if last is None else max(last, hi)
            workouts = workouts or name == SESSIONS.name
        session.execute(delete(cls).where(*mine))
    session.execute(delete(Upload).where(Upload.athlete_id == athlete_id, Upload.id == upload_id))
    if first is None or last is None:
        return None
    rederive(session, athlete_id, first, last)
    return first - _WORKOUT_MARGIN if workouts else first


def rederive(session: Session, athlete_id: int, first: date, last: date) -> None:
    """Replace the merged ``daily``, ``sessions`` and ``checkins`` rows dated ``first``–``last``
    with :func:`readiness.ingest.merge` over every upload's own rows of those dates; the fields of
    a check-in the athlete answered in the app replace the files' answers to them.

    A day's merged row depends only on that day's rows, and a workout's de-duplication only on
    workouts starting within minutes of it (a chain of at most one step per source), so a new
    workout can change the merged workouts of its neighbouring day too: those are replaced a
    day more on each side, merged from two days more on each side — exactly the rows a merge of
    everything gives.
    """
    margin = _WORKOUT_MARGIN
    inputs = load_upload_rows(session, athlete_id, first, last, session_margin=2 * margin)
    files = inputs.checkins
    app = files["upload_id"].isna().to_numpy() & (
        files["source"].astype("string").fillna("") == APP_SOURCE
    ).to_numpy(dtype=bool)
    merged = merge(
        [IngestResult(daily=inputs.daily, sessions=inputs.sessions, checkins=files[~app])]
    )
    lo, hi = pd.Timestamp(first - margin), pd.Timestamp(last + margin)
    sessions = merged.sessions[merged.sessions["date"].between(lo, hi)]
    answers = _app_checkins(session, athlete_id, first, last)
    for table, frame in ((DAILY, merged.daily), (SESSIONS, sessions), (CHECKINS, merged.checkins)):
        cls = ROW_CLASSES[table.name]
        pad = margin if table is SESSIONS else timedelta(0)
        session.execute(
            delete(cls).where(
                cls.athlete_id == athlete_id, cls.date >= first - pad, cls.date <= last + pad
            )
        )
        rows = row_values(table, frame)
        if table is CHECKINS:
            rows = _with_app_answers(rows, answers)
        for row in rows:
            row["athlete_id"] = athlete_id
        if rows:
            session.execute(insert(cls), rows)


def _app_checkins(
    session: Session, athlete_id: int, first: date, last: date
) -> Sequence[UploadCheckinRow]:
    """The athlete's check-ins entered in the app dated ``first``–``last``."""
    return session.scalars(
        select(UploadCheckinRow).where(
            UploadCheckinRow.athlete_id == athlete_id,
            UploadCheckinRow.upload_id.is_(None),
            UploadCheckinRow.source == APP_SOURCE,
            UploadCheckinRow.date >= first,
            UploadCheckinRow.date <= last,
        )
    ).all()


def _with_app_answers(
    rows: list[dict[str, Any]], answers: Sequence[UploadCheckinRow]
) -> list[dict[str, Any]]:
    """The files' merged check-in ``rows`` with the fields answered in the app laid over them,
    one row per day (by date). A day the athlete answered anything on names ``source``
    ``"app"`` and no upload."""
    by_day = {row["date"]: row for row in rows}
    for entry in answers:
        row = by_day.get(entry.date)
        if row is None:
            row = by_day[entry.date] = {c.name: None for c in CHECKINS.columns}
            row.update(date=entry.date, source=APP_SOURCE, upload_id=None)
        given = entry.answered or []
        for name in given:
            row[name] = getattr(entry, name)
        if given:
            row.update(source=APP_SOURCE, upload_id=None)
    return [by_day[day] for day in sorted(by_day)]


def upsert_checkin(
    session: Session, athlete_id: int, day: date, answers: dict[str, Any]
) -> tuple[CheckinRow, bool]:
    """Record the athlete's own ``answers`` for ``day`` (field → value, ``None`` clears the
    field): each wins over any file's answer to that field, now and after later uploads. Fields
    not in ``answers`` keep what they had — an earlier answer in the app, else the files'.

    Returns the day's merged row and whether the day had no check-in before. The caller holds
    the athlete's write lock.
    """
    unknown = set(answers) - set(CHECKIN_ANSWERS)
    if unknown:
        raise ValueError(f"not check-in answers: {', '.join(sorted(unknown))}")
    had = session.get(CheckinRow, (athlete_id, day)) is not None
    entry = session.scalars(
        select(UploadCheckinRow).where(
            UploadCheckinRow.athlete_id == athlete_id,
            UploadCheckinRow.date == day,
            UploadCheckinRow.upload_id.is_(None),
            UploadCheckinRow.source == APP_SOURCE,
        )
    ).one_or_none()
    if entry is None:
        entry = UploadCheckinRow(athlete_id=athlete_id, date=day, source=APP_SOURCE, answered=[])
        session.add(entry)
    for name, value in answers.items():
        setattr(entry, name, value)
    given = set(entry.answered or []) | set(answers)
    entry.answered = [name for name in CHECKIN_ANSWERS if name in given]  # a new list: saved
    session.flush()
    rederive(session, athlete_id, day, day)
    row = session.get(CheckinRow, (athlete_id, day), populate_existing=True)
    assert row is not None
    return row, not had


def stream_rows(
    session: Session,
    cls: type[_Row],
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any],
    *,
    chunk: int = 1000,
) -> Iterator[list[_Row]]:
    """Every row of ``cls`` matching ``where`` (in ``order_by``), ``chunk`` rows at a time: the
    database streams them (a server-side cursor on PostgreSQL) and the session keeps only weak
    references, so memory holds about one chunk whatever the history."""
    result = session.scalars(
        select(cls).where(*where).order_by(*order_by).execution_options(yield_per=chunk)
    )
    for part in result.partitions(chunk):
        yield list(part)


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
