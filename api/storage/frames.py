"""Convert between the ingest tables (pandas frames) and database rows.

The ORM classes in :mod:`readiness.api.storage.models` have one attribute per schema column; these
helpers move values across without changing their meaning: dates stay athlete-local calendar
dates, instants stay UTC, missing stays missing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
from readiness.api.storage.models import (
    CheckinRow,
    DailyRow,
    Feedback,
    SessionRow,
    UploadCheckinRow,
    UploadDailyRow,
    UploadSessionRow,
)
from readiness.ingest import (
    CHECKINS,
    DAILY,
    SESSIONS,
    IngestResult,
    Table,
    is_missing,
    normalize,
    utc_timestamp,
)
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

__all__ = [
    "ROW_CLASSES",
    "UPLOAD_ROW_CLASSES",
    "feedback_frame",
    "listing_order",
    "load_result",
    "load_upload_rows",
    "py_value",
    "row_values",
    "rows_frame",
]

ROW_CLASSES: dict[str, type[DailyRow] | type[SessionRow] | type[CheckinRow]] = {
    "daily": DailyRow,
    "sessions": SessionRow,
    "checkins": CheckinRow,
}
#: The per-upload rows (the merge's input) of each table.
UPLOAD_ROW_CLASSES: dict[
    str, type[UploadDailyRow] | type[UploadSessionRow] | type[UploadCheckinRow]
] = {
    "daily": UploadDailyRow,
    "sessions": UploadSessionRow,
    "checkins": UploadCheckinRow,
}
#: Session columns stored as ``''`` instead of NULL so that the unique key works everywhere.
_NOT_NULL_TEXT = {("sessions", "source"), ("sessions", "device")}


def py_value(kind: str, value: Any) -> Any:
    """A frame cell as the Python value the database column takes (``None`` when missing)."""
    if is_missing(value):
        return None
    if kind == "date":
        return pd.Timestamp(value).date()
    if kind == "instant":
        return utc_timestamp(value).to_pydatetime()
    if kind == "float":
        return float(value)
    if kind == "int":
        return int(value)
    if kind == "bool":
        return bool(value)
    return str(value)


def row_values(table: Table, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """One dict of column → Python value per row, for the schema's columns plus ``upload_id``."""
    cols = list(table.columns)
    out: list[dict[str, Any]] = []
    records = frame.to_dict("records")
    for rec in records:
        row = {c.name: py_value(c.kind, rec.get(c.name)) for c in cols}
        if "upload_id" in rec:
            row["upload_id"] = py_value("str", rec["upload_id"])
        for tname, cname in _NOT_NULL_TEXT:
            if tname == table.name and row.get(cname) is None:
                row[cname] = ""
        out.append(row)
    return out


def listing_order(cls: Any) -> Any:
    """The column a table's rows are listed by: a session's start, else the day."""
    return cls.start if cls in (SessionRow, UploadSessionRow) else cls.date


def rows_frame(table: Table, rows: list[Any]) -> pd.DataFrame:
    """A frame in ``table``'s schema (dtypes, order) from ORM rows, ``upload_id`` kept."""
    kinds = {c.name: c.kind for c in table.columns}
    data: list[dict[str, Any]] = []
    for r in rows:
        rec = {n: getattr(r, n) for n in kinds}
        for tname, cname in _NOT_NULL_TEXT:
            if tname == table.name and rec.get(cname) == "":
                rec[cname] = None
        rec["upload_id"] = r.upload_id
        data.append(rec)
    frame = pd.DataFrame(data, columns=[*kinds, "upload_id"])
    normalized, _ = normalize(table, frame, file="database")
    return normalized


def _column(kind: str, dtype: Any, values: tuple[Any, ...]) -> Any:
    """One column of database values (already valid: they were checked on the way in) at the
    schema's dtype."""
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype=object)).astype(dtype)
    if kind == "instant":
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True).astype(dtype)
    if kind == "float":
        return pd.Series(values, dtype=object).astype("float64")
    return pd.array(values, dtype=dtype)


def _select_frame(
    session: Session, table: Table, cls: Any, where: list[ColumnElement[bool]]
) -> pd.DataFrame:
    """The rows of ``cls`` matching ``where`` as a frame in ``table``'s schema (``upload_id``
    kept, listing order), read column-wise without building ORM objects or re-validating."""
    names = [*table.names, "upload_id"]
    rows = session.execute(
        select(*(getattr(cls, n) for n in names)).where(*where).order_by(listing_order(cls))
    ).all()
    if not rows:
        none: pd.DataFrame = getattr(IngestResult(), table.name)
        return none.assign(upload_id=pd.Series(dtype="string"))
    values = dict(zip(names, zip(*rows, strict=True), strict=True))
    for tname, cname in _NOT_NULL_TEXT:
        if tname == table.name:
            values[cname] = tuple(v if v != "" else None for v in values[cname])
    data = {c.name: _column(c.kind, c.dtype, values[c.name]) for c in table.columns}
    data["upload_id"] = pd.array(values["upload_id"], dtype="string")
    return pd.DataFrame(data)


def load_result(session: Session, athlete_id: int) -> IngestResult:
    """Everything stored for an athlete (the merged timeline), as the three ingest tables."""
    frames = {
        table.name: _select_frame(
            session,
            table,
            ROW_CLASSES[table.name],
            [ROW_CLASSES[table.name].athlete_id == athlete_id],
        )
        for table in (DAILY, SESSIONS, CHECKINS)
    }
    return IngestResult(
        daily=frames["daily"], sessions=frames["sessions"], checkins=frames["checkins"]
    )


def load_upload_rows(
    session: Session, athlete_id: int, first: date, last: date, *, session_margin: timedelta
) -> IngestResult:
    """Every upload's own rows dated ``first``–``last`` (workouts: ``session_margin`` more on
    each side), and the check-ins entered in the app, as the three ingest tables."""
    frames = {}
    for table in (DAILY, SESSIONS, CHECKINS):
        cls = UPLOAD_ROW_CLASSES[table.name]
        margin = session_margin if table is SESSIONS else timedelta(0)
        where = [
            cls.athlete_id == athlete_id,
            cls.date >= first - margin,
            cls.date <= last + margin,
        ]
        frames[table.name] = _select_frame(session, table, cls, where)
    return IngestResult(
        daily=frames["daily"], sessions=frames["sessions"], checkins=frames["checkins"]
    )


def feedback_frame(session: Session, athlete_id: int) -> pd.DataFrame:
    """The athlete's "did it help?" answers: columns ``date, action, helped, note``."""
    rows = session.scalars(
        select(Feedback).where(Feedback.athlete_id == athlete_id).order_by(Feedback.date)
    ).all()
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime([r.date for r in rows]).astype("datetime64[s]"),
            "action": pd.array([r.action for r in rows], dtype="string"),
            "helped": pd.array([r.helped for r in rows], dtype="Int64"),
            "note": pd.array([r.note for r in rows], dtype="string"),
        }
    )
    return frame
