"""HRV4Training app export (``MyMeasurements_Android.csv`` / ``…_iOS.csv``).

Layout quirks handled: header names with leading spaces (and a run of spaces inside), a blank
line after the header, a trailing comma on every data row, ``date`` written **YYYY-DD-MM**
(``2020-29-03``) and ``0.0`` in HR…HF on days without a measurement.

Date order: the file's dates are read as YYYY-DD-MM unless some date only parses as
YYYY-MM-DD. When both readings parse every date (no day above 12), the one whose dates span
the fewest days wins (daily measurements cluster), ties going to the documented YYYY-DD-MM.

``daily``: ``rMSSD`` is a 1-minute **morning** spot check (``hrv_context=morning``; merge ranks
it below any nocturnal RMSSD of the same day), ``SDNN`` → ``hrv_sdnn_ms`` of the same spot
check, ``HR`` → ``resting_hr_bpm``, ``sleep_time`` (hours, self-reported) → ``sleep_total_min``.
Several measurements on one date: the earliest ``time`` is the morning one.

``checkins``: the app's sliders are **0–10** (a fresh answer starts at 5; the real export shows
0–10 integers and one-decimal values). Mapped linearly onto the schema's 1–5, keeping each
direction, which already matches the schema: ``muscle_soreness`` (10 = most sore) →
``soreness``, ``fatigue`` (10 = most fatigued) → ``fatigue``, ``sleep_quality`` (10 = best) →
``sleep_quality``; value ``v`` becomes ``1 + 0.4·v``. ``sickness`` (``sick``/``not sick``, or
any spelling :func:`~readiness.ingest.schema.casting.parse_bool` reads) → ``sick``. Training
annotations carry no start time and are not imported as sessions.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import BinaryIO

import pandas as pd
from readiness.ingest.errors import SchemaError
from readiness.ingest.findings import IngestWarning
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult
from readiness.ingest.schema.casting import parse_bool
from readiness.ingest.schema.tables import CHECKINS, DAILY, normalize
from readiness.ingest.vendors.strict_csv import CsvTable, header_fields, one_per_key, parse_csv

__all__ = ["looks_like_hrv4training", "read_hrv4training", "slider_to_checkin"]

_DEFAULTS = {"source": "hrv4training", "device": "hrv4training"}
_SIGNATURE = {"time", "hr", "avnn", "sdnn", "rmssd", "pnn50", "lf", "hf", "hrv4t_recovery_points"}
_DM, _MD = "%Y-%d-%m", "%Y-%m-%d"
#: The app's own words for the ``sickness`` answer.
_SICKNESS = {"sick": True, "not sick": False}


def looks_like_hrv4training(head: bytes) -> bool:
    """A CSV whose header has ``date`` and most of HRV4Training's ``time, HR,AVNN,SDNN,…``."""
    names = set(header_fields(head, ",") or ())
    return "date" in names and len(_SIGNATURE & names) >= 5


def slider_to_checkin(value: float | None) -> float | None:
    """An HRV4Training 0–10 slider value on the schema's 1–5 scale (same direction)."""
    return None if value is None else 1.0 + 0.4 * value


def read_hrv4training(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Read an HRV4Training export into ``daily`` (morning spot checks) and ``checkins``."""
    del options  # dates are local calendar dates; there are no instants
    table = parse_csv(stream.read(), name, ",")
    table.require(["date", "rMSSD", "HR"], "the columns of an HRV4Training export")
    days, fmt = _dates(table)
    warnings: list[IngestWarning] = []
    if fmt == _MD:
        warnings.append(
            IngestWarning(name, "dates read as YYYY-MM-DD (not HRV4Training's YYYY-DD-MM)")
        )
    times = table.texts("time")
    rmssd = table.floats("rMSSD", zero_is_missing=True)
    sleep_h = table.floats("sleep_time", zero_is_missing=True)
    sick = table.convert("sickness", _sick, "'sick' or 'not sick'")
    frame = pd.DataFrame(
        {
            "date": days,
            "hrv_rmssd_ms": rmssd,
            "hrv_sdnn_ms": table.floats("SDNN", zero_is_missing=True),
            "hrv_context": [None if v is None else "morning" for v in rmssd],
            "resting_hr_bpm": table.floats("HR", zero_is_missing=True),
            "sleep_total_min": [None if h is None else h * 60 for h in sleep_h],
            "soreness": [slider_to_checkin(v) for v in table.floats("muscle_soreness")],
            "fatigue": [slider_to_checkin(v) for v in table.floats("fatigue")],
            "sleep_quality": [slider_to_checkin(v) for v in table.floats("sleep_quality")],
            "sick": pd.array(sick, dtype="boolean"),
            "_measured": [0 if v is not None else 1 for v in rmssd],
            "_time": [t or "99:99" for t in times],
            "_raw": [",".join(r) for r in table.rows],
        }
    )
    order = [("_measured", True), ("_time", True), ("_raw", True)]
    frame = one_per_key(frame, "date", order)
    daily_cols = ["hrv_rmssd_ms", "hrv_sdnn_ms", "resting_hr_bpm", "sleep_total_min"]
    check_cols = ["soreness", "fatigue", "sleep_quality", "sick"]
    daily_rows = frame.loc[frame[daily_cols].notna().any(axis=1)]
    check_rows = frame.loc[frame[check_cols].notna().any(axis=1)]
    daily, w1 = normalize(
        DAILY, daily_rows[["date", "hrv_context", *daily_cols]], file=name, defaults=_DEFAULTS
    )
    checkins, w2 = normalize(
        CHECKINS, check_rows[["date", *check_cols]], file=name, defaults=_DEFAULTS
    )
    return IngestResult(daily=daily, checkins=checkins, warnings=tuple(warnings + w1 + w2))


def _sick(text: str) -> bool:
    """The app's ``sick`` / ``not sick`` (inner spaces collapsed), else any true/false spelling."""
    low = " ".join(text.lower().split())
    if low in _SICKNESS:
        return _SICKNESS[low]
    return parse_bool(low)


def _dates(table: CsvTable) -> tuple[list[date | None], str]:
    """The file's dates and the format they were read in (see the module docstring)."""
    texts = table.texts("date")
    parsed: dict[str, list[date | None]] = {}
    for fmt in (_DM, _MD):
        try:
            parsed[fmt] = [
                None if t is None else datetime.strptime(t.split()[0], fmt).date()  # noqa: DTZ007
                for t in texts
            ]
        except ValueError:
            continue
    if not parsed:
        bad = [i for i, t in enumerate(texts) if t is not None and not _parses(t)]
        first = bad[0] if bad else next(i for i, t in enumerate(texts) if t and not _parses(t, _DM))
        raise SchemaError(
            table.file,
            f"cannot read the date {texts[first]!r}"
            + ("" if bad else " (the file mixes YYYY-DD-MM and YYYY-MM-DD)"),
            line=table.lines[first],
            column="date",
            expected="dates written YYYY-DD-MM (HRV4Training) throughout",
        )
    if len(parsed) == 1:
        fmt = next(iter(parsed))
        return parsed[fmt], fmt

    def span(values: list[date | None]) -> int:
        present = [d for d in values if d is not None]
        return (max(present) - min(present)).days if present else 0

    fmt = _MD if span(parsed[_MD]) < span(parsed[_DM]) else _DM
    return parsed[fmt], fmt


def _parses(text: str, *fmts: str) -> bool:
    for fmt in fmts or (_DM, _MD):
        try:
            datetime.strptime(text.split()[0], fmt)  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
        return True
    return False
