"""The project's own import format: a CSV whose header uses the schema's column names.

* A header with ``start`` is a sessions file.
* Otherwise ``date`` is required; daily columns go to ``daily``, check-in columns to
  ``checkins`` (one file may carry both).
* Unknown columns are ignored with a warning. Values outside a column's range are dropped with
  a warning (see :mod:`readiness.ingest.schema.tables`).
"""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

import pandas as pd
from readiness.ingest.errors import SchemaError
from readiness.ingest.findings import IngestWarning
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult
from readiness.ingest.schema.tables import (
    CHECKINS,
    DAILY,
    SESSIONS,
    normalize,
)

__all__ = ["looks_like_generic_csv", "read_generic_csv"]

_DAILY_ONLY = set(DAILY.names) - {"date", "source", "device"}
_CHECKIN_ONLY = set(CHECKINS.names) - {"date", "source"}
_SESSION_COLS = set(SESSIONS.names)
_ALL = _DAILY_ONLY | _CHECKIN_ONLY | _SESSION_COLS | {"date", "source", "device"}


def _header(data: bytes) -> list[str] | None:
    head = data[:4096].decode("utf-8-sig", errors="replace")
    first = head.splitlines()[0] if head.strip() else ""
    if "," not in first and ";" not in first and "\t" not in first:
        return None
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        return None
    return [h.strip().strip('"').lower() for h in first.split(dialect.delimiter)]


def looks_like_generic_csv(data: bytes) -> bool:
    """True when the first line is a header naming ``date`` or ``start`` plus schema columns."""
    header = _header(data)
    if not header:
        return False
    cols = set(header)
    if not ({"date", "start"} & cols):
        return False
    return len(cols & _ALL) >= 2 and len(cols & _ALL) >= len(cols) / 2


def read_generic_csv(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Read a generic CSV (see module docstring)."""
    data = stream.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemaError(name, "the CSV is not UTF-8 text", offset=exc.start) from exc
    try:
        frame = pd.read_csv(io.StringIO(text), sep=None, engine="python", dtype=str)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise SchemaError(name, f"not a readable CSV: {exc}") from exc
    except pd.errors.EmptyDataError as exc:
        raise SchemaError(name, "the CSV has no header", line=1, expected="a header row") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    cols = set(frame.columns)
    warnings: list[IngestWarning] = []
    unknown = sorted(cols - _ALL)
    if unknown:
        warnings.append(IngestWarning(name, f"ignored unknown column(s): {', '.join(unknown)}"))
    defaults = {"source": "csv", "device": "manual"}
    if "start" in cols:
        sessions, w = normalize(SESSIONS, frame, file=name, defaults=defaults)
        warnings += w
        sessions = _complete_sessions(sessions, name, options, warnings)
        return IngestResult(sessions=sessions, warnings=tuple(warnings))
    if "date" not in cols:
        raise SchemaError(
            name, "no 'date' column", line=1, column="date", expected="a 'date' or 'start' column"
        )
    _check_dates(frame, name)
    result = IngestResult(warnings=tuple(warnings))
    daily = checkins = None
    if cols & _DAILY_ONLY:
        daily, w = normalize(
            DAILY, frame[[c for c in frame if c in set(DAILY.names)]], file=name, defaults=defaults
        )
        warnings += w
    if cols & _CHECKIN_ONLY:
        checkins, w = normalize(
            CHECKINS,
            frame[[c for c in frame if c in set(CHECKINS.names)]],
            file=name,
            defaults=defaults,
        )
        warnings += w
    if daily is None and checkins is None:
        raise SchemaError(
            name,
            "no known column besides 'date'",
            line=1,
            expected="columns named as in the README's daily or checkins table",
        )
    return IngestResult(
        daily=daily if daily is not None else result.daily,
        checkins=checkins if checkins is not None else result.checkins,
        warnings=tuple(warnings),
    )


def _complete_sessions(
    sessions: pd.DataFrame, name: str, options: ReadOptions, warnings: list[IngestWarning]
) -> pd.DataFrame:
    """Derive what a hand-written sessions file may leave out: duration, end and local date.

    ``date`` comes from ``start`` in the athlete's timezone (``options.tz``), else UTC with a
    warning. A ``date`` given in the file is kept as written.
    """
    out = sessions.copy()
    span = (out["end"] - out["start"]).dt.total_seconds()
    out["duration_s"] = out["duration_s"].fillna(span.where(span >= 0))
    out["end"] = out["end"].fillna(out["start"] + pd.to_timedelta(out["duration_s"], unit="s"))
    missing = out["date"].isna()
    if missing.any():
        tz = options.tz
        if tz is None:
            warnings.append(
                IngestWarning(name, "sessions without a 'date' are dated by UTC day (pass a tz)")
            )
        local = out.loc[missing, "start"].dt.tz_convert(tz or "UTC").dt.tz_localize(None)
        out.loc[missing, "date"] = local.dt.normalize().astype(out["date"].dtype)
    return out


def _check_dates(frame: pd.DataFrame, name: str) -> None:
    parsed = pd.to_datetime(frame["date"], errors="coerce", format="ISO8601")
    bad = parsed.isna() & frame["date"].notna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise SchemaError(
            name,
            f"unparsable date {frame['date'].iloc[row]!r}",
            line=row + 2,
            column="date",
            expected="YYYY-MM-DD",
        )
