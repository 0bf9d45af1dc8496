"""Oura's 2024+ Membership-Hub "Export data" CSVs (``App Data/*.csv``).

Semicolon-delimited, snake_case API-v2 column names, JSON objects inside some cells. Each file
is read on its own and recognised by its columns; the results join on ``date`` in
:func:`~readiness.ingest.result.merge` (same source ``oura``, so per-column first non-null).

=================== ==================================================================
file                used
=================== ==================================================================
``sleepmodel.csv``  one row per sleep period; per ``day`` the main sleep is the
                    ``long_sleep`` (else ``sleep``) with the longest
                    ``total_sleep_duration``; ``deleted``, ``late_nap`` and ``rest`` are
                    never the main sleep. ``average_hrv`` (RMSSD) and
                    ``lowest_heart_rate``; durations in **seconds**.
``dailysleep.csv``  ``score`` → ``sleep_score``.
``dailyreadiness``  ``temperature_deviation`` → ``skin_temp_dev_c`` (the score is Oura's
                    own and not imported).
``dailyactivity``   ``steps``; ``low/medium/high_activity_time`` (s) → ``active_min``;
                    ``sedentary_time`` (s) → ``sedentary_min``.
``workout.csv``     sessions: ``activity``, ``start_datetime``/``end_datetime`` (ISO with
                    offset); the session's date is ``day``.
=================== ==================================================================

``day`` is the wake day for sleep and the calendar day otherwise (Oura's own local day).
Each schema column comes from exactly one of these files, so a merged day does not depend on
the order the files are read in (``sleepmodel``'s ``readiness`` JSON cell repeats the
temperature deviation of ``dailyreadiness`` and is not used).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, BinaryIO

import pandas as pd
from readiness.ingest.errors import SchemaError
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult
from readiness.ingest.schema.tables import DAILY, SESSIONS, normalize
from readiness.ingest.vendors.json_documents import MAX_JSON_DEPTH, json_depth
from readiness.ingest.vendors.strict_csv import CsvTable, header_fields, one_per_key, parse_csv

__all__ = ["KINDS", "looks_like_oura_membership", "read_oura_membership"]

_DEFAULTS = {"source": "oura", "device": "oura ring"}

#: Columns that identify each table (all must be present).
KINDS: dict[str, frozenset[str]] = {
    "sleepmodel": frozenset(
        {"day", "type", "average_hrv", "lowest_heart_rate", "total_sleep_duration"}
    ),
    "dailyactivity": frozenset({"day", "steps", "active_calories"}),
    "workout": frozenset({"day", "activity", "start_datetime", "end_datetime"}),
    "dailyreadiness": frozenset({"day", "contributors", "score", "temperature_deviation"}),
    "dailysleep": frozenset({"day", "contributors", "score"}),
}


def _kind(names: set[str]) -> str | None:
    for kind, needed in KINDS.items():  # most specific first: dailysleep's set is the loosest
        if needed <= names:
            return kind
    return None


def looks_like_oura_membership(head: bytes) -> bool:
    """A semicolon CSV with an ``id`` column and the columns of one of :data:`KINDS`."""
    names = header_fields(head, ";")
    return bool(names) and "id" in (names or ()) and _kind(set(names or ())) is not None


def read_oura_membership(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Read one Membership-Hub CSV (see the module docstring)."""
    del options  # ``day`` is Oura's local day; instants carry their offsets
    table = parse_csv(stream.read(), name, ";")
    kind = _kind({h.lower() for h in table.header})
    if kind is None:  # only when called directly: the sniff matched these columns
        raise SchemaError(
            name,
            "not an Oura export table",
            line=1,
            expected="the columns of " + ", ".join(f"{k}.csv" for k in KINDS),
        )
    return _READERS[kind](table)


def _json_cells(table: CsvTable, column: str) -> list[dict[str, Any] | None]:
    def parse(text: str) -> dict[str, Any]:
        if json_depth(text) > MAX_JSON_DEPTH:
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError("not a JSON object")
        return value

    return table.convert(column, parse, "a JSON object")


def _seconds_to_min(values: list[float | None]) -> list[float | None]:
    return [None if v is None else v / 60 for v in values]


def _sleepmodel(table: CsvTable) -> IngestResult:
    kinds = [(t or "").lower() for t in table.texts("type")]
    rank = {"long_sleep": 0, "sleep": 1}
    if table.has("readiness"):
        _json_cells(table, "readiness")  # validated: a broken cell is a broken file
    hrv = table.floats("average_hrv", zero_is_missing=True)
    in_bed = _seconds_to_min(table.floats("time_in_bed"))
    frame = pd.DataFrame(
        {
            "date": table.dates("day"),
            "hrv_rmssd_ms": hrv,
            "hrv_context": [None if v is None else "nocturnal" for v in hrv],
            "resting_hr_bpm": table.floats("lowest_heart_rate", zero_is_missing=True),
            "sleep_total_min": _seconds_to_min(table.floats("total_sleep_duration")),
            "sleep_in_bed_min": in_bed,
            "sleep_efficiency_pct": table.floats("efficiency"),
            "sleep_deep_min": _seconds_to_min(table.floats("deep_sleep_duration")),
            "sleep_rem_min": _seconds_to_min(table.floats("rem_sleep_duration")),
            "sleep_start": table.aware_datetimes("bedtime_start"),
            "sleep_end": table.aware_datetimes("bedtime_end"),
            "respiratory_rate_bpm": table.floats("average_breath"),
            "_rank": [rank.get(k, 9) for k in kinds],
            "_raw": [";".join(r) for r in table.rows],
        }
    )
    if frame["sleep_in_bed_min"].isna().all():
        span = (frame["sleep_end"] - frame["sleep_start"]).dt.total_seconds() / 60
        frame["sleep_in_bed_min"] = span
    frame = frame.loc[frame["_rank"] < 9]
    order = [("_rank", True), ("sleep_total_min", False), ("_raw", True)]
    frame = one_per_key(frame, "date", order).drop(columns=["_rank", "_raw"])
    daily, w = normalize(DAILY, frame, file=table.file, defaults=_DEFAULTS)
    return IngestResult(daily=daily, warnings=tuple(w))


def _daily(table: CsvTable, columns: dict[str, list[Any]]) -> IngestResult:
    frame = pd.DataFrame({"date": table.dates("day"), **columns})
    frame["_raw"] = [";".join(r) for r in table.rows]
    frame = one_per_key(frame, "date", [("_raw", True)]).drop(columns=["_raw"])
    daily, w = normalize(DAILY, frame, file=table.file, defaults=_DEFAULTS)
    return IngestResult(daily=daily, warnings=tuple(w))


def _dailysleep(table: CsvTable) -> IngestResult:
    _json_cells(table, "contributors")  # validated: a broken cell is a broken file
    return _daily(table, {"sleep_score": table.floats("score")})


def _dailyreadiness(table: CsvTable) -> IngestResult:
    _json_cells(table, "contributors")
    return _daily(table, {"skin_temp_dev_c": table.floats("temperature_deviation")})


def _dailyactivity(table: CsvTable) -> IngestResult:
    parts = [
        _seconds_to_min(table.floats(f"{level}_activity_time"))
        for level in ("low", "medium", "high")
    ]
    active = [
        None if all(v is None for v in vals) else sum(v or 0.0 for v in vals)
        for vals in zip(*parts, strict=True)
    ]
    return _daily(
        table,
        {
            "steps": table.floats("steps"),
            "active_min": active,
            "sedentary_min": _seconds_to_min(table.floats("sedentary_time")),
        },
    )


def _workout(table: CsvTable) -> IngestResult:
    start = table.aware_datetimes("start_datetime")
    end = table.aware_datetimes("end_datetime")
    frame = pd.DataFrame(
        {
            "start": start,
            "end": end,
            "date": table.dates("day"),
            "sport": [(t or "").strip().lower() or None for t in table.texts("activity")],
            "duration_s": [
                (e - s).total_seconds() if s is not None and e is not None else None
                for s, e in zip(start, end, strict=True)
            ],
            "_raw": [";".join(r) for r in table.rows],
        }
    )
    frame = one_per_key(frame, "start", [("_raw", True)]).drop(columns=["_raw"])
    sessions, w = normalize(SESSIONS, frame, file=table.file, defaults=_DEFAULTS)
    return IngestResult(sessions=sessions, warnings=tuple(w))


_READERS: dict[str, Callable[[CsvTable], IngestResult]] = {
    "sleepmodel": _sleepmodel,
    "dailyreadiness": _dailyreadiness,
    "dailysleep": _dailysleep,
    "dailyactivity": _dailyactivity,
    "workout": _workout,
}
