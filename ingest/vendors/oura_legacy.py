"""Oura's legacy exports: the cloud "Trends" CSV and the account JSON (API v1 field names).

**Trends CSV** (``oura_<start>_<end>_trends.csv``): one row per day, ``date`` is the wake day;
durations and activity times in **seconds**; empty or ``None`` for missing; header quirks
(``Total Bedtime `` with a trailing space, ``Sleep Timin Score``, ``°``) are matched on
normalised names, and the older header variant's ``… Sleep Time`` names are aliases of
``… Sleep Duration``. ``Average HRV`` is the night's average RMSSD; resting HR is
``Lowest Resting Heart Rate``. Rows are not in date order in real files.

**Account JSON** (``{"sleep": […], "activity": […], "readiness": […]}``): sleep periods in
**seconds**, activity time buckets in **minutes**. A night's date is the local date of its
``bedtime_end`` (at the offset written in it); ``summary_date`` is used only without one. Per
date the period flagged ``is_longest`` (else the longest) is the main sleep. ``rmssd`` or
``hr_lowest`` of 0 mean "not measured". Activity days are their ``summary_date``. Readiness
holds only Oura's scores and is not imported.

Each night is athlete-local by its own offset; ``ReadOptions.tz`` is applied to the JSON's
instants when given (the trends CSV has dates only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, BinaryIO

import pandas as pd
from readiness.ingest.errors import (
    CorruptFileError,
    SchemaError,
    TruncatedFileError,
    UnsupportedFormatError,
)
from readiness.ingest.findings import IngestWarning
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult
from readiness.ingest.schema.tables import DAILY, normalize
from readiness.ingest.vendors.json_documents import check_json_depth
from readiness.ingest.vendors.strict_csv import header_fields, one_per_key, parse_csv

__all__ = ["looks_like_oura_json", "looks_like_oura_trends", "read_oura_json", "read_oura_trends"]

_DEFAULTS = {"source": "oura", "device": "oura ring"}
_TRENDS_SIGNS = {
    "sleep score",
    "average hrv",
    "lowest resting heart rate",
    "readiness score",
    "bedtime start",
    "activity score",
    "total sleep duration",
    "total sleep time",
}


def looks_like_oura_trends(head: bytes) -> bool:
    """A comma CSV whose header has ``date`` and several of Oura's Trends column names."""
    names = set(header_fields(head, ",") or ())
    return "date" in names and len(_TRENDS_SIGNS & names) >= 3


def read_oura_trends(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Read an Oura Trends CSV into ``daily`` (dates are already local wake days)."""
    del options  # the file holds local dates only
    table = parse_csv(stream.read(), name, ",")
    table.require(
        ["date", "Average HRV", "Lowest Resting Heart Rate"], "the columns of an Oura Trends CSV"
    )
    total = table.first_of("Total Sleep Duration", "Total Sleep Time")
    if total is None:
        table.require(["Total Sleep Duration"], "the columns of an Oura Trends CSV")
        raise AssertionError  # pragma: no cover - require() raised

    def minutes(*columns: str) -> list[float | None]:
        col = table.first_of(*columns)
        if col is None:
            return [None] * len(table.rows)
        return [None if v is None else v / 60 for v in table.floats(col)]

    active = [
        minutes(c) for c in ("Low Activity Time", "Medium Activity Time", "High Activity Time")
    ]
    hrv = table.floats("Average HRV", zero_is_missing=True)
    frame = pd.DataFrame(
        {
            "date": table.dates("date"),
            "hrv_rmssd_ms": hrv,
            "hrv_context": [None if v is None else "nocturnal" for v in hrv],
            "resting_hr_bpm": table.floats("Lowest Resting Heart Rate", zero_is_missing=True),
            "sleep_total_min": minutes(total),
            "sleep_in_bed_min": minutes("Total Bedtime"),
            "sleep_efficiency_pct": table.floats("Sleep Efficiency"),
            "sleep_deep_min": minutes("Deep Sleep Duration", "Deep Sleep Time"),
            "sleep_rem_min": minutes("REM Sleep Duration", "REM Sleep Time"),
            "sleep_score": table.floats("Sleep Score"),
            "sleep_start": table.aware_datetimes("Bedtime Start"),
            "sleep_end": table.aware_datetimes("Bedtime End"),
            "respiratory_rate_bpm": table.floats("Respiratory Rate"),
            "skin_temp_dev_c": table.floats("Temperature Deviation (°C)"),
            "steps": table.floats("Steps"),
            "active_min": [_sum(vals) for vals in zip(*active, strict=True)],
            "sedentary_min": minutes("Inactive Time"),
            "_raw": [",".join(r) for r in table.rows],
        }
    )
    frame = one_per_key(frame, "date", [("sleep_total_min", False), ("_raw", True)])
    daily, w = normalize(DAILY, frame.drop(columns=["_raw"]), file=name, defaults=_DEFAULTS)
    return IngestResult(daily=daily, warnings=tuple(w))


def _sum(values: tuple[float | None, ...]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


_JSON_KEYS = re.compile(rb'"(sleep|activity|readiness)"\s*:\s*\[')


def looks_like_oura_json(head: bytes) -> bool:
    """A JSON object with ``sleep``/``activity``/``readiness`` arrays of ``summary_date`` items."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return (
        text.startswith(b"{") and _JSON_KEYS.search(head) is not None and b'"summary_date"' in head
    )


def read_oura_json(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Read an Oura v1 account JSON into ``daily`` (sleep and activity; see module docstring)."""
    data = stream.read()
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        raise UnsupportedFormatError(
            name, "not a JSON object", offset=0, expected="an Oura account JSON export"
        )
    try:
        text = data.decode("utf-8-sig")
        check_json_depth(text, name, "an Oura account JSON export")
        doc = json.loads(text)
    except UnicodeDecodeError as exc:
        raise CorruptFileError(
            name, "the file is not UTF-8 text", offset=exc.start, expected="UTF-8 JSON"
        ) from exc
    except json.JSONDecodeError as exc:
        # A complete JSON object ends with "}": without it the file was cut short.
        cut = not data.rstrip().endswith(b"}")
        err = TruncatedFileError if cut else CorruptFileError
        raise err(
            name,
            f"not valid JSON: {exc.msg} (column {exc.colno})",
            offset=exc.pos,
            line=exc.lineno,
            expected="a complete JSON object",
        ) from exc
    if not isinstance(doc, dict) or not any(
        isinstance(doc.get(k), list) for k in ("sleep", "activity")
    ):
        raise SchemaError(
            name,
            "no 'sleep' or 'activity' array at the top level",
            expected='{"sleep": [...], "activity": [...], "readiness": [...]}',
        )
    warnings: list[IngestWarning] = []
    sleep = _json_sleep(doc.get("sleep") or [], name, options)
    activity = _json_activity(doc.get("activity") or [], name)
    frames = [f for f in (sleep, activity) if not f.empty]
    if not frames:
        raise SchemaError(name, "the sleep and activity arrays are empty", expected="some days")
    frame = pd.concat(frames, ignore_index=True)
    # One row per date: the sleep row's columns, then the activity row's.
    frame = frame.groupby("date", sort=True, as_index=False).first()
    daily, w = normalize(DAILY, frame, file=name, defaults=_DEFAULTS)
    return IngestResult(daily=daily, warnings=tuple(warnings + w))


class _Items:
    """Typed access to one JSON array's objects, raising located SchemaErrors."""

    def __init__(self, items: object, array: str, file: str) -> None:
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SchemaError(file, f"'{array}' is not an array of objects", column=array)
        self.items: list[Mapping[str, Any]] = items
        self.array = array
        self.file = file

    def _bad(self, i: int, field: str, value: object, expected: str) -> SchemaError:
        return SchemaError(
            self.file,
            f"cannot read {value!r}",
            column=f"{self.array}[{i}].{field}",
            expected=expected,
        )

    def number(self, i: int, field: str, *, zero_is_missing: bool = False) -> float | None:
        value = self.items[i].get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._bad(i, field, value, "a number")
        if zero_is_missing and value == 0:
            return None
        return float(value)

    def instant(self, i: int, field: str) -> datetime | None:
        value = self.items[i].get(field)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise self._bad(i, field, value, "an ISO 8601 time with a UTC offset")
        return parsed

    def day(self, i: int, field: str = "summary_date") -> date | None:
        value = self.items[i].get(field)
        if value is None:
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self._bad(i, field, value, "a date YYYY-MM-DD") from None


def _json_sleep(raw: object, file: str, options: ReadOptions) -> pd.DataFrame:
    items = _Items(raw, "sleep", file)
    rows: list[dict[str, object]] = []
    for i in range(len(items.items)):
        start = items.instant(i, "bedtime_start")
        end = items.instant(i, "bedtime_end")
        if end is not None:
            day: date | None = end.astimezone(options.tz).date() if options.tz else end.date()
        else:
            day = items.day(i)
        secs = {f: items.number(i, f) for f in ("total", "duration", "deep", "rem")}
        hrv = items.number(i, "rmssd", zero_is_missing=True)
        rows.append(
            {
                "date": day,
                "hrv_rmssd_ms": hrv,
                "hrv_context": None if hrv is None else "nocturnal",
                "resting_hr_bpm": items.number(i, "hr_lowest", zero_is_missing=True),
                "sleep_total_min": _min(secs["total"]),
                "sleep_in_bed_min": _min(secs["duration"]),
                "sleep_efficiency_pct": items.number(i, "efficiency"),
                "sleep_deep_min": _min(secs["deep"]),
                "sleep_rem_min": _min(secs["rem"]),
                "sleep_score": items.number(i, "score"),
                "sleep_start": None if start is None else start.astimezone(UTC),
                "sleep_end": None if end is None else end.astimezone(UTC),
                "respiratory_rate_bpm": items.number(i, "breath_average"),
                "skin_temp_dev_c": items.number(i, "temperature_deviation")
                if items.items[i].get("temperature_deviation") is not None
                else items.number(i, "temperature_delta"),
                "_longest": 0 if items.items[i].get("is_longest") in (1, True) else 1,
                "_raw": json.dumps(items.items[i], sort_keys=True),
            }
        )
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows)
    order = [("_longest", True), ("sleep_total_min", False), ("_raw", True)]
    return one_per_key(frame, "date", order).drop(columns=["_longest", "_raw"])


def _json_activity(raw: object, file: str) -> pd.DataFrame:
    items = _Items(raw, "activity", file)
    rows: list[dict[str, object]] = []
    for i in range(len(items.items)):
        buckets = [items.number(i, f) for f in ("low", "medium", "high")]
        rows.append(
            {
                "date": items.day(i),
                "steps": items.number(i, "steps"),
                "active_min": _sum(tuple(buckets)),
                "sedentary_min": items.number(i, "inactive"),
                "_raw": json.dumps(items.items[i], sort_keys=True),
            }
        )
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows)
    return one_per_key(frame, "date", [("_raw", True)]).drop(columns=["_raw"])


def _min(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60
