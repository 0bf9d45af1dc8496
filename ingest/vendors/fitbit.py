"""Fitbit account export / Google Takeout (``Takeout/Fitbit/…``) → ``daily`` and ``sessions``.

JSON files (recognised by their keys, never by name):

* ``sleep-*.json``: the main sleep per ``dateOfSleep`` (the wake date; naps with
  ``mainSleep: false`` are skipped) → ``sleep_total_min`` (``minutesAsleep``),
  ``sleep_in_bed_min`` (``timeInBed``), efficiency as asleep / in bed, deep and REM minutes of
  ``stages`` nights, ``sleep_start`` / ``sleep_end``.
* ``resting_heart_rate-*.json``: ``value.value`` per ``dateTime`` day → ``resting_hr_bpm``;
  ``0.0`` means missing (and fills every future day of the yearly file).
* ``exercise-*.json``: one session per log (``startTime`` ``MM/DD/YY HH:MM:SS`` local,
  ``duration`` in ms, ``averageHeartRate``).

CSV files:

* ``sleep_score.csv`` → ``sleep_score`` (``overall_score``) and ``resting_hr_bpm`` (``0`` =
  missing) on the date of ``timestamp``;
* ``Daily Heart Rate Variability Summary - *.csv`` (``timestamp,rmssd,nremhr,entropy``) →
  ``hrv_rmssd_ms`` (``nocturnal``) on the date of ``timestamp``.

Fitbit writes **local** wall-clock times, sometimes with a misleading ``Z``: the ``Z`` is
ignored, dates are the local dates as written, and instants use ``ReadOptions.tz`` (else UTC
with a warning).
"""

from __future__ import annotations

from typing import Any, BinaryIO

import pandas as pd
from readiness.ingest.errors import EmptyFileError, SchemaError
from readiness.ingest.findings import IngestWarning
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult
from readiness.ingest.schema.tables import DAILY, SESSIONS, normalize
from readiness.ingest.vendors.json_documents import load_json
from readiness.ingest.vendors.strict_csv import CsvTable, header_fields, parse_csv
from readiness.ingest.vendors.timestamps import local_to_utc

__all__ = [
    "looks_like_fitbit_csv",
    "looks_like_fitbit_json",
    "read_fitbit_csv",
    "read_fitbit_json",
]

_DEFAULTS = {"source": "fitbit", "device": "fitbit"}
_EXPECTED_JSON = "a Fitbit sleep, resting_heart_rate or exercise JSON array"
_SLEEP_SCORE = ("sleep_log_entry_id", "timestamp", "overall_score")
_HRV_SUMMARY = ("timestamp", "rmssd", "nremhr", "entropy")
_NO_TZ = "no timezone given (--tz): Fitbit's local times read as UTC"


def _json_kind(head: bytes) -> str | None:
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        return None
    if b'"dateOfSleep"' in head and b'"logId"' in head:
        return "sleep"
    if b'"activityName"' in head and b'"logId"' in head:
        return "exercise"
    if b'"dateTime"' in head and b'"error"' in head and b'"value"' in head:
        return "rhr"
    return None


def looks_like_fitbit_json(head: bytes) -> bool:
    """A JSON array of Fitbit sleep logs, exercise logs or resting-heart-rate days."""
    return _json_kind(head) is not None


def _csv_header(head: bytes) -> tuple[str, ...]:
    return tuple(header_fields(head) or ())


def looks_like_fitbit_csv(head: bytes) -> bool:
    """``sleep_score.csv`` or the daily HRV summary CSV, by their header."""
    header = _csv_header(head)
    return header[:3] == _SLEEP_SCORE or header[:4] == _HRV_SUMMARY


def _local(values: pd.Series, fmt: str | None = None) -> pd.Series:
    """Naive local times; a trailing ``Z`` is Fitbit's mislabel, not UTC."""
    text = values.astype("string").str.strip().str.removesuffix("Z")
    if fmt is None:
        return pd.to_datetime(text, errors="coerce", format="ISO8601")
    return pd.to_datetime(text, errors="coerce", format=fmt)


def _need(obj: dict[str, Any], keys: tuple[str, ...], i: int, name: str) -> None:
    for k in keys:
        if k not in obj:
            raise SchemaError(
                name, f"item {i} lacks {k!r}", column=k, expected=_EXPECTED_JSON + f" with {k!r}"
            )


def _sleep_rows(doc: list[dict[str, Any]], name: str) -> pd.DataFrame:
    by_date: dict[str, dict[str, Any]] = {}
    for i, obj in enumerate(doc):
        _need(obj, ("dateOfSleep", "startTime", "endTime", "minutesAsleep", "timeInBed"), i, name)
        if obj.get("mainSleep") is False:
            continue
        summary = (obj.get("levels") or {}).get("summary") or {}
        staged = obj.get("type") == "stages"
        asleep, in_bed = obj["minutesAsleep"], obj["timeInBed"]
        row = {
            "date": obj["dateOfSleep"],
            "sleep_total_min": asleep,
            "sleep_in_bed_min": in_bed,
            "sleep_efficiency_pct": 100.0 * asleep / in_bed if in_bed else None,
            "sleep_deep_min": (summary.get("deep") or {}).get("minutes") if staged else None,
            "sleep_rem_min": (summary.get("rem") or {}).get("minutes") if staged else None,
            "local_start": obj["startTime"],
            "local_end": obj["endTime"],
            "log": obj.get("logId") or 0,
        }
        old = by_date.get(row["date"])
        if old is None or ((asleep or 0), row["log"]) > ((old["sleep_total_min"] or 0), old["log"]):
            by_date[row["date"]] = row
    return pd.DataFrame(list(by_date.values())).drop(columns=["log"], errors="ignore")


def _rhr_rows(doc: list[dict[str, Any]], name: str) -> pd.DataFrame:
    rows = []
    for i, obj in enumerate(doc):
        _need(obj, ("dateTime", "value"), i, name)
        value = obj["value"].get("value") if isinstance(obj["value"], dict) else None
        rows.append({"day": obj["dateTime"], "resting_hr_bpm": value or None})
    frame = pd.DataFrame(rows)
    frame["date"] = _local(frame["day"], "%m/%d/%y %H:%M:%S").dt.normalize()
    frame = frame.dropna(subset=["resting_hr_bpm"]).drop(columns=["day"])
    return frame.drop_duplicates(subset=["date"], keep="last")


def _exercise_rows(doc: list[dict[str, Any]], name: str) -> pd.DataFrame:
    rows = {}
    for i, obj in enumerate(doc):
        _need(obj, ("logId", "startTime", "duration"), i, name)
        source = obj.get("source")
        device = str(source.get("name") or "").strip() if isinstance(source, dict) else ""
        rows[obj["logId"]] = {
            "local_start": obj["startTime"],
            "sport": str(obj.get("activityName") or "").strip().lower() or None,
            "duration_s": obj["duration"] / 1000.0 if obj["duration"] else None,
            "avg_hr_bpm": obj.get("averageHeartRate"),
            "device": f"fitbit {device.lower()}" if device else "fitbit",
        }
    return pd.DataFrame(list(rows.values()))


def read_fitbit_json(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Read one Fitbit JSON file (see the module docstring)."""
    data = stream.read()
    kind = _json_kind(data[:65536])
    doc = load_json(data, name, _EXPECTED_JSON)
    if kind is None or not isinstance(doc, list) or not all(isinstance(o, dict) for o in doc):
        raise SchemaError(name, "not a Fitbit JSON array of objects", expected=_EXPECTED_JSON)
    warnings: list[IngestWarning] = []
    if kind == "rhr":
        frame = _rhr_rows(doc, name)
        if frame.empty:
            raise EmptyFileError(name, "no resting heart rate above 0", expected=_EXPECTED_JSON)
        daily, w = normalize(DAILY, frame, file=name, defaults=_DEFAULTS)
        return IngestResult(daily=daily, warnings=tuple(w))
    if kind == "sleep":
        frame = _sleep_rows(doc, name)
        if frame.empty:
            raise EmptyFileError(name, "no main sleep in the file", expected=_EXPECTED_JSON)
        frame["sleep_start"] = local_to_utc(_local(frame.pop("local_start")), options.tz)
        frame["sleep_end"] = local_to_utc(_local(frame.pop("local_end")), options.tz)
        if options.tz is None:
            warnings.append(IngestWarning(name, _NO_TZ))
        daily, w = normalize(DAILY, frame, file=name, defaults=_DEFAULTS)
        return IngestResult(daily=daily, warnings=(*warnings, *w))
    frame = _exercise_rows(doc, name)
    if frame.empty:
        raise EmptyFileError(name, "no exercise logs", expected=_EXPECTED_JSON)
    local = _local(frame.pop("local_start"), "%m/%d/%y %H:%M:%S")
    frame["start"] = local_to_utc(local, options.tz)
    frame["end"] = frame["start"] + pd.to_timedelta(frame["duration_s"], unit="s")
    frame["date"] = local.dt.normalize()
    if options.tz is None:
        warnings.append(IngestWarning(name, _NO_TZ))
    sessions, w = normalize(SESSIONS, frame, file=name, defaults=_DEFAULTS)
    return IngestResult(sessions=sessions, warnings=(*warnings, *w))


def _numbers(table: CsvTable, column: str) -> pd.Series:
    """The numbers of ``column``; a cell that is no number is missing."""
    return pd.to_numeric(pd.Series(table.cells(column)), errors="coerce")


def read_fitbit_csv(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Read ``sleep_score.csv`` or a daily HRV summary CSV (see the module docstring)."""
    del options  # only local dates are read
    data = stream.read()
    table = parse_csv(data, name)
    if _csv_header(data)[:3] == _SLEEP_SCORE:
        required = (*_SLEEP_SCORE, "resting_heart_rate")
        table.require(required, ",".join(required))
        rhr = _numbers(table, "resting_heart_rate")
        frame = pd.DataFrame(
            {"sleep_score": _numbers(table, "overall_score"), "resting_hr_bpm": rhr.where(rhr > 0)}
        )
    else:
        table.require(_HRV_SUMMARY[:2], ",".join(_HRV_SUMMARY[:2]))
        frame = pd.DataFrame({"hrv_rmssd_ms": _numbers(table, "rmssd"), "hrv_context": "nocturnal"})
    local = _local(pd.Series(table.cells("timestamp")))
    table.check("timestamp", local.notna(), "YYYY-MM-DDTHH:MM:SS")
    frame["date"] = local.dt.normalize()
    # Several rows for one date: the one with the latest timestamp wins, whatever the order.
    order = local.sort_values(kind="stable").index
    frame = frame.loc[order].drop_duplicates(subset=["date"], keep="last")
    daily, w = normalize(DAILY, frame, file=name, defaults=_DEFAULTS)
    return IngestResult(daily=daily, warnings=tuple(w))
