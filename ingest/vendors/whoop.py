"""WHOOP "Export WHOOP Data": ``physiological_cycles.csv``, ``sleeps.csv``, ``workouts.csv``,
``journal_entries.csv``.

Recognised by the header (users rename the files). Every time in a row is naive wall-clock time
at that row's own offset, ``Cycle timezone`` (``UTC-04:00``); offsets change when the athlete
travels and at DST. Rows come newest first; the order does not matter here.

* **physiological_cycles.csv** (25 columns before late 2022, 26 since: ``Sleep consistency %``
  was added; it is not used). A cycle runs from one sleep onset to the next; its recovery, HRV
  (RMSSD, during sleep) and resting HR describe the sleep at its start, so the row goes to the
  athlete-local date of ``Wake onset``. Cycles without a recorded sleep (empty ``Wake onset``,
  e.g. the open current cycle of a day without a night) carry no nightly values and are
  skipped with a warning. ``Day Strain``, ``Energy burned (cal)`` (kcal despite the name) and
  ``Recovery score %`` have no column in the schema and are not imported.
* **sleeps.csv**: the main sleeps (``Nap`` false) give the same nightly sleep values; naps are
  never the main sleep (skipped with a warning).
* **workouts.csv** → ``sessions``: ``Activity Strain`` (0–21) is ``vendor_load``.
* **journal_entries.csv** → ``checkins``: only "Feeling sick or ill?" maps (→ ``sick``); the
  other questions (alcohol, caffeine, screens, …) have no check-in column. The file has no wake
  time, so an answer goes to the local date of cycle start + 12 h, which is the wake date for
  any cycle that starts (at sleep onset) between noon and the next noon.

With ``ReadOptions.tz`` the local dates are taken in that zone instead of the row's offset.
"""

from __future__ import annotations

from datetime import timedelta
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
from readiness.ingest.vendors.strict_csv import CsvTable, header_fields, key, one_per_key, parse_csv
from readiness.ingest.vendors.timestamps import local_date, parse_utc_offset, to_utc

__all__ = ["looks_like_whoop", "read_whoop"]

_DEFAULTS = {"source": "whoop", "device": "whoop"}
_TIME = "%Y-%m-%d %H:%M:%S"
_TZ = "Cycle timezone"
_SIGNATURE = ("cycle start time", "cycle end time", "cycle timezone")
_KINDS = "physiological_cycles.csv, sleeps.csv, workouts.csv or journal_entries.csv columns"
#: Journal questions that map to a check-in column (normalised text → column).
JOURNAL_MAP = {"feeling sick or ill": "sick"}


def looks_like_whoop(head: bytes) -> bool:
    """True for a CSV whose header starts with WHOOP's three cycle columns."""
    names = header_fields(head, ",") or []
    return tuple(names[:3]) == _SIGNATURE


def read_whoop(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Read any of the four WHOOP CSVs (told apart by their columns)."""
    table = parse_csv(stream.read(), name, ",")
    if table.has("Question text"):
        return _journal(table, options)
    if table.has("Workout start time"):
        return _workouts(table, options)
    if table.has("Recovery score %") or table.has("Heart rate variability (ms)"):
        return _nightly(table, options, naps=False)
    if table.has("Nap"):
        return _nightly(table, options, naps=True)
    raise SchemaError(
        name,
        "a WHOOP CSV of an unknown kind",
        line=1,
        expected=_KINDS,
    )


def _offsets(table: CsvTable) -> list[timedelta | None]:
    """Each row's UTC offset; an empty cell is an error (every time in the row needs it)."""
    expected = "an offset such as UTC-04:00"
    offsets = table.convert(_TZ, parse_utc_offset, expected)
    for offset, line in zip(offsets, table.lines, strict=True):
        if offset is None:
            raise SchemaError(
                table.file, "the row has no time zone", line=line, column=_TZ, expected=expected
            )
    return offsets


def _nightly(table: CsvTable, options: ReadOptions, *, naps: bool) -> IngestResult:
    """physiological_cycles.csv (``naps=False``) or sleeps.csv (``naps=True``) → daily."""
    required = [_TZ, "Sleep onset", "Wake onset", "Asleep duration (min)"]
    if naps:
        required.append("Nap")
    else:
        required += ["Resting heart rate (bpm)", "Heart rate variability (ms)"]
    table.require(required, "the columns of WHOOP's " + ("sleeps.csv" if naps else "cycles"))
    warnings: list[IngestWarning] = []
    offsets = _offsets(table)
    onset = table.naive_datetimes("Sleep onset", _TIME)
    wake = table.naive_datetimes("Wake onset", _TIME)
    start = [to_utc(t, o) for t, o in zip(onset, offsets, strict=True)]
    end = [to_utc(t, o) for t, o in zip(wake, offsets, strict=True)]
    frame = pd.DataFrame(
        {
            "date": [local_date(e, o, options.tz) for e, o in zip(end, offsets, strict=True)],
            "sleep_start": start,
            "sleep_end": end,
            "sleep_total_min": table.floats("Asleep duration (min)"),
            "sleep_in_bed_min": table.floats("In bed duration (min)"),
            "sleep_efficiency_pct": table.floats("Sleep efficiency %"),
            "sleep_deep_min": table.floats("Deep (SWS) duration (min)"),
            "sleep_rem_min": table.floats("REM duration (min)"),
            "sleep_score": table.floats("Sleep performance %"),
            "respiratory_rate_bpm": table.floats("Respiratory rate (rpm)"),
            "_raw": [",".join(r) for r in table.rows],
        }
    )
    if not naps:
        frame["hrv_rmssd_ms"] = table.floats("Heart rate variability (ms)")
        frame["resting_hr_bpm"] = table.floats("Resting heart rate (bpm)")
        frame["hrv_context"] = frame["hrv_rmssd_ms"].map(
            lambda v: None if pd.isna(v) else "nocturnal"
        )
    metrics = [c for c in frame.columns if c not in ("date", "sleep_start", "sleep_end", "_raw")]
    # A cycle without a night, or sleeps.csv's placeholder for it (onset + 8 h, no values).
    no_sleep = frame["date"].isna() | frame[metrics].isna().all(axis=1)
    if no_sleep.any():
        what = "sleep row(s)" if naps else "cycle(s)"
        warnings.append(
            IngestWarning(
                table.file,
                f"skipped {int(no_sleep.sum())} {what} without a recorded sleep "
                "(no nightly values)",
                column="Wake onset",
                count=int(no_sleep.sum()),
            )
        )
    keep = ~no_sleep
    if naps:
        is_nap = pd.Series(table.bools("Nap"), dtype="boolean").fillna(False).astype(bool)
        if is_nap.any():
            warnings.append(
                IngestWarning(
                    table.file,
                    f"{int(is_nap.sum())} nap(s) not used: a nap is never the main sleep",
                    column="Nap",
                    count=int(is_nap.sum()),
                )
            )
        keep &= ~is_nap
    frame = frame.loc[keep]
    # Two sleeps ending on one local date (travel): the longest is the night.
    frame = one_per_key(
        frame, "date", [("sleep_total_min", False), ("sleep_end", False), ("_raw", True)]
    ).drop(columns=["_raw"])
    daily, w = normalize(DAILY, frame, file=table.file, defaults=_DEFAULTS)
    return IngestResult(daily=daily, warnings=tuple(warnings + w))


def _workouts(table: CsvTable, options: ReadOptions) -> IngestResult:
    """workouts.csv → sessions."""
    table.require(
        [_TZ, "Workout start time", "Workout end time", "Activity name", "Activity Strain"],
        "the columns of WHOOP's workouts.csv",
    )
    offsets = _offsets(table)
    begin = table.naive_datetimes("Workout start time", _TIME)
    finish = table.naive_datetimes("Workout end time", _TIME)
    start = [to_utc(t, o) for t, o in zip(begin, offsets, strict=True)]
    end = [to_utc(t, o) for t, o in zip(finish, offsets, strict=True)]
    minutes = table.floats("Duration (min)")
    duration = [
        (e - s).total_seconds() if s is not None and e is not None else (m * 60 if m else None)
        for s, e, m in zip(start, end, minutes, strict=True)
    ]
    sport = [(t or "").strip().lower() or None for t in table.texts("Activity name")]
    frame = pd.DataFrame(
        {
            "start": start,
            "end": end,
            "date": [local_date(s, o, options.tz) for s, o in zip(start, offsets, strict=True)],
            "sport": sport,
            "duration_s": duration,
            "avg_hr_bpm": table.floats("Average HR (bpm)"),
            "max_hr_bpm": table.floats("Max HR (bpm)"),
            "vendor_load": table.floats("Activity Strain"),
            "_raw": [",".join(r) for r in table.rows],
        }
    )
    frame = one_per_key(frame, "start", [("_raw", True)]).drop(columns=["_raw"])
    sessions, w = normalize(SESSIONS, frame, file=table.file, defaults=_DEFAULTS)
    return IngestResult(sessions=sessions, warnings=tuple(w))


def _journal(table: CsvTable, options: ReadOptions) -> IngestResult:
    """journal_entries.csv → checkins (only the questions in :data:`JOURNAL_MAP`)."""
    table.require(
        [_TZ, "Cycle start time", "Question text", "Answered yes"],
        "the columns of WHOOP's journal_entries.csv",
    )
    offsets = _offsets(table)
    cycle = table.naive_datetimes("Cycle start time", _TIME)
    answers = table.bools("Answered yes")
    questions = [key(q).rstrip("?").strip() for q in table.cells("Question text")]
    records: dict[object, dict[str, object]] = {}
    for q, ans, c, o in zip(questions, answers, cycle, offsets, strict=True):
        column = JOURNAL_MAP.get(q)
        if column is None or ans is None:
            continue
        if c is None or o is None:
            continue
        wake_day = local_date(to_utc(c + timedelta(hours=12), o), o, options.tz)
        row = records.setdefault(wake_day, {"date": wake_day})
        # Two cycles on one date (travel): a "yes" wins, whatever the row order.
        row[column] = bool(row.get(column, False)) or ans
    warnings: list[IngestWarning] = []
    if not records:
        warnings.append(
            IngestWarning(
                table.file,
                "no journal question maps to a check-in (only 'Feeling sick or ill?' does)",
                column="Question text",
            )
        )
        return IngestResult(warnings=tuple(warnings))
    frame = pd.DataFrame(list(records.values()))
    checkins, w = normalize(CHECKINS, frame, file=table.file, defaults=_DEFAULTS)
    return IngestResult(checkins=checkins, warnings=tuple(warnings + w))
