"""Garmin Connect account export (``DI_CONNECT/…`` JSON files) → ``daily`` and ``sessions``.

Each file is a JSON array of day objects keyed by ``calendarDate`` (athlete-local; for sleep
and health status the **wake** date). Chunk files overlap; rows are de-duplicated by date (the
last one in a file wins). Three kinds are read, recognised by their keys:

* user daily summary ``UDSFile_*.json``: ``restingHeartRate`` → ``resting_hr_bpm``,
  ``totalSteps`` → ``steps``, ``allDayStress`` ``TOTAL`` ``averageStressLevel`` → ``stress_avg``
  (negative = no data), ``activeSeconds + highlyActiveSeconds`` → ``active_min``;
* ``*_sleepData.json``: deep + light + REM seconds → ``sleep_total_min`` (there is no total
  field), ``sleepStartTimestampGMT`` / ``sleepEndTimestampGMT`` (UTC without ``Z``) →
  ``sleep_start`` / ``sleep_end``, ``sleepScores.overallScore`` → ``sleep_score``,
  ``averageRespiration`` → ``respiratory_rate_bpm``; off-wrist nights are skipped;
* ``*_healthStatusData.json``: ``metrics[type=HRV].value`` (the overnight average RMSSD) →
  ``hrv_rmssd_ms`` (``nocturnal``), ``RESPIRATION`` and ``SKIN_TEMP_C`` (a deviation).

and ``DI-Connect-Fitness/*_summarizedActivities.json`` (``[{"summarizedActivitiesExport":
[...]}]``) → ``sessions``: ``beginTimestamp`` (epoch ms, UTC), ``elapsedDuration`` / ``duration``
(ms), ``avgHr``, ``maxHr``, ``activityTrainingLoad`` as ``vendor_load``, the date from
``startTimeLocal`` (local wall clock as epoch ms) unless ``ReadOptions.tz`` is given. These key
names come from independent parsers of real exports (no real sample here).

Identifiers (``userProfilePK``, ``deviceId``, …) are never read. FIT files of the same export
sit in nested zips and are read by the FIT reader through :mod:`readiness.ingest.containers.zip`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO

import pandas as pd
from readiness.ingest.errors import EmptyFileError, SchemaError
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult
from readiness.ingest.schema.tables import DAILY, SESSIONS, normalize
from readiness.ingest.vendors.json_documents import load_json

__all__ = ["looks_like_garmin_connect_json", "read_garmin_connect_json"]

_UDS_KEYS = (b'"restingHeartRate"', b'"totalSteps"', b'"allDayStress"', b'"wellnessStartTimeGmt"')
_SLEEP_KEYS = (b'"sleepStartTimestampGMT"', b'"deepSleepSeconds"')
_HEALTH_KEYS = (b'"metrics"',)
_EXPECTED = "a Garmin Connect DI_CONNECT JSON array of daily objects with 'calendarDate'"
_EXPECTED_ACTIVITIES = '[{"summarizedActivitiesExport": [activities with beginTimestamp]}]'


def _kind(head: bytes) -> str | None:
    if not head.lstrip().startswith(b"["):
        return None
    if b'"summarizedActivitiesExport"' in head:
        return "activities"
    if b'"calendarDate"' not in head:
        return None
    if any(k in head for k in _SLEEP_KEYS):
        return "sleep"
    if any(k in head for k in _HEALTH_KEYS) and b'"type"' in head:
        return "health"
    if any(k in head for k in _UDS_KEYS):
        return "uds"
    return None


def looks_like_garmin_connect_json(head: bytes) -> bool:
    """A JSON array whose objects carry ``calendarDate`` plus UDS, sleep or health keys."""
    return _kind(head.lstrip(b"\xef\xbb\xbf")) is not None


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _uds(obj: dict[str, Any]) -> dict[str, Any]:
    rhr = _num(obj.get("restingHeartRate"))
    row: dict[str, Any] = {"resting_hr_bpm": rhr if rhr else None}  # 0 = not measured
    steps = _num(obj.get("totalSteps"))
    row["steps"] = steps
    active = [_num(obj.get(k)) for k in ("activeSeconds", "highlyActiveSeconds")]
    if any(a is not None for a in active):
        row["active_min"] = sum(a or 0.0 for a in active) / 60.0
    stress = obj.get("allDayStress")
    if isinstance(stress, dict):
        for agg in stress.get("aggregatorList") or []:
            if isinstance(agg, dict) and agg.get("type") == "TOTAL":
                level = _num(agg.get("averageStressLevel"))
                row["stress_avg"] = level if level is not None and level >= 0 else None
    return row


def _gmt(value: Any) -> pd.Timestamp | None:
    if isinstance(value, str) and value:
        ts = pd.to_datetime(value, errors="coerce", format="ISO8601")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        ts = pd.to_datetime(value, unit="ms", errors="coerce")  # the Connect API's epoch ms
    else:
        return None
    if pd.isna(ts):
        return None
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _sleep(obj: dict[str, Any]) -> dict[str, Any] | None:
    if str(obj.get("sleepWindowConfirmationType") or "").startswith("OFF_WRIST"):
        return None
    stages = {k: _num(obj.get(f"{k}SleepSeconds")) for k in ("deep", "light", "rem")}
    if all(v is None for v in stages.values()):
        return None
    total_min = sum(v or 0.0 for v in stages.values()) / 60.0
    start, end = _gmt(obj.get("sleepStartTimestampGMT")), _gmt(obj.get("sleepEndTimestampGMT"))
    row: dict[str, Any] = {
        "sleep_total_min": total_min,
        "sleep_deep_min": (stages["deep"] or 0.0) / 60.0 if stages["deep"] is not None else None,
        "sleep_rem_min": (stages["rem"] or 0.0) / 60.0 if stages["rem"] is not None else None,
        "sleep_start": start,
        "sleep_end": end,
        "respiratory_rate_bpm": _num(obj.get("averageRespiration")),
    }
    if start is not None and end is not None and end > start:
        in_bed = (end - start).total_seconds() / 60.0
        row["sleep_in_bed_min"] = in_bed
        row["sleep_efficiency_pct"] = 100.0 * total_min / in_bed
    scores = obj.get("sleepScores")
    if isinstance(scores, dict):
        row["sleep_score"] = _num(scores.get("overallScore"))
    return row


def _health(obj: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for metric in obj.get("metrics") or []:
        if not isinstance(metric, dict) or "value" not in metric:
            continue
        value = _num(metric.get("value"))
        kind = metric.get("type")
        if kind == "HRV" and value is not None:
            row["hrv_rmssd_ms"] = value
            row["hrv_context"] = "nocturnal"
        elif kind == "RESPIRATION":
            row["respiratory_rate_bpm"] = value
        elif kind == "SKIN_TEMP_C":
            row["skin_temp_dev_c"] = value
    return row


_READERS: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
    "uds": _uds,
    "sleep": _sleep,
    "health": _health,
}


def _activities(doc: list[Any], name: str, options: ReadOptions) -> IngestResult:
    """``[{"summarizedActivitiesExport": [...]}]`` → sessions, de-duplicated by activity id."""
    by_id: dict[object, dict[str, Any]] = {}
    for chunk in doc:
        items = chunk.get("summarizedActivitiesExport") if isinstance(chunk, dict) else None
        if not isinstance(items, list):
            raise SchemaError(
                name, "no 'summarizedActivitiesExport' list", expected=_EXPECTED_ACTIVITIES
            )
        for i, act in enumerate(items):
            if not isinstance(act, dict):
                raise SchemaError(name, f"activity {i} is not an object")
            start = _gmt(act.get("beginTimestamp", act.get("startTimeGmt")))
            if start is None:
                raise SchemaError(
                    name,
                    f"activity {i} has no start",
                    column="beginTimestamp",
                    expected=_EXPECTED_ACTIVITIES,
                )
            local = _gmt(act.get("startTimeLocal"))  # local wall clock written as epoch ms
            if options.tz is not None or local is None:
                local = start.tz_convert(options.tz or "UTC")
            duration_ms = _num(act.get("elapsedDuration")) or _num(act.get("duration"))
            kind = act.get("activityType")
            if isinstance(kind, dict):
                kind = kind.get("typeKey")
            load = _num(act.get("activityTrainingLoad"))
            by_id[act.get("activityId", start)] = {
                "start": start,
                "end": start + pd.Timedelta(milliseconds=duration_ms) if duration_ms else None,
                "date": local.tz_localize(None).normalize(),
                "sport": str(kind).lower() if kind else None,
                "duration_s": duration_ms / 1000.0 if duration_ms else None,
                "avg_hr_bpm": _num(act.get("avgHr")),
                "max_hr_bpm": _num(act.get("maxHr")),
                "vendor_load": load if load else None,
            }
    if not by_id:
        raise EmptyFileError(name, "no activities in the file", expected=_EXPECTED_ACTIVITIES)
    sessions, warnings = normalize(
        SESSIONS,
        pd.DataFrame(list(by_id.values())),
        file=name,
        defaults={"source": "garmin", "device": "garmin connect"},
    )
    return IngestResult(sessions=sessions, warnings=tuple(warnings))


def read_garmin_connect_json(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Read one DI_CONNECT JSON file (see the module docstring)."""
    data = stream.read()
    kind = _kind(data[:65536].lstrip(b"\xef\xbb\xbf"))
    doc = load_json(data, name, _EXPECTED)
    if kind is None or not isinstance(doc, list):
        raise SchemaError(name, "not a Garmin daily JSON array", offset=0, expected=_EXPECTED)
    if kind == "activities":
        return _activities(doc, name, options)
    read = _READERS[kind]
    by_date: dict[str, dict[str, Any]] = {}
    for i, obj in enumerate(doc):
        if not isinstance(obj, dict):
            raise SchemaError(name, f"item {i} is not an object", expected=_EXPECTED)
        day = obj.get("calendarDate")
        if not isinstance(day, str):
            raise SchemaError(
                name, f"item {i} has no calendarDate", column="calendarDate", expected=_EXPECTED
            )
        row = read(obj)
        if row and any(v is not None for v in row.values()):
            by_date[day] = {"date": day, **row}
    if not by_date:
        raise EmptyFileError(name, f"no {kind} values in the file", expected=_EXPECTED)
    frame = pd.DataFrame(list(by_date.values()))
    daily, warnings = normalize(
        DAILY, frame, file=name, defaults={"source": "garmin", "device": "garmin connect"}
    )
    return IngestResult(daily=daily, warnings=tuple(warnings))
