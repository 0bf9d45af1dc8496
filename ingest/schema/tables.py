"""The three tables every reader produces: ``daily``, ``sessions`` and ``checkins``.

This module is the single place where each column's unit, dtype and valid range live. The
README's nomenclature table mirrors it (a test checks the two agree). Readers build a
DataFrame with any subset of these columns and pass it through :func:`normalize`, which adds
the missing columns, casts every column to its declared dtype, and drops (with a warning) any
value outside its valid range. Control characters are removed from text cells (with a warning).

Conventions
-----------
* ``date`` is the athlete-local calendar date (``datetime64[s]``, midnight, tz-naive). Nightly
  metrics belong to the **wake** date.
* Instants (``start``, ``end``, ``sleep_start``, ``sleep_end``) are UTC (``datetime64[s, UTC]``).
* Missing values are NaN / NA, never 0.
* Check-in scales are 1–5. For ``soreness``, ``stress``, ``stiffness``, ``pain`` and ``fatigue``
  5 is the worst; for ``mood`` and ``sleep_quality`` 5 is the best.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd
from readiness.ingest.findings import IngestWarning
from readiness.ingest.schema.casting import (
    fast_cast,
    mask_values,
    missing_column,
    parse_bool,
    stable_order,
    strip_controls,
)

__all__ = [
    "CHECKINS",
    "DAILY",
    "SESSIONS",
    "TABLES",
    "Column",
    "Table",
    "TableName",
    "empty",
    "normalize",
    "normalize_columns",
]

Kind = Literal["date", "instant", "float", "int", "str", "bool"]
TableName = Literal["daily", "sessions", "checkins"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: its name, kind, unit, valid range and meaning."""

    name: str
    kind: Kind
    unit: str
    description: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None

    @property
    def dtype(self) -> str:
        return _DTYPES[self.kind]

    @property
    def valid_range(self) -> str:
        if self.choices:
            return " | ".join(self.choices)
        if self.low is None and self.high is None:
            return ""
        return f"{_fmt(self.low)}–{_fmt(self.high)}"


_DTYPES: dict[Kind, str] = {
    "date": "datetime64[s]",
    "instant": "datetime64[s, UTC]",
    "float": "float64",
    "int": "Int64",
    "str": "string",
    "bool": "boolean",
}


def _fmt(v: float | None) -> str:
    if v is None:
        return "…"
    return f"{v:g}"


@dataclass(frozen=True, slots=True)
class Table:
    """A named, ordered set of columns with the key that identifies a row."""

    name: TableName
    columns: tuple[Column, ...]
    key: str
    description: str

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def __getitem__(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


_SOURCE = Column("source", "str", "–", "Where the row came from: `fit`, `whoop`, `oura`, `csv`, …")
_DEVICE = Column("device", "str", "–", "Device or app that measured it, e.g. `garmin fenix6s`")

DAILY = Table(
    name="daily",
    key="date",
    description="One row per athlete-local date.",
    columns=(
        Column(
            "date", "date", "–", "Athlete-local calendar date; nightly metrics go to the wake date"
        ),
        Column("hrv_rmssd_ms", "float", "ms", "Nightly (or morning spot) RMSSD", 3, 300),
        Column("hrv_sdnn_ms", "float", "ms", "SDNN (Apple Health); never mixed with RMSSD", 3, 400),
        Column(
            "hrv_context",
            "str",
            "–",
            "When HRV was measured: during the night or a morning spot check",
            choices=("nocturnal", "morning"),
        ),
        Column("resting_hr_bpm", "float", "bpm", "Resting heart rate of that day/night", 25, 150),
        Column("sleep_total_min", "float", "min", "Total sleep (all asleep stages)", 0, 1440),
        Column(
            "sleep_in_bed_min",
            "float",
            "min",
            "Time in bed, first to last sleep-period sample",
            0,
            1440,
        ),
        Column("sleep_efficiency_pct", "float", "%", "Total sleep / time in bed", 0, 100),
        Column("sleep_deep_min", "float", "min", "Deep (N3) sleep", 0, 1440),
        Column("sleep_rem_min", "float", "min", "REM sleep", 0, 1440),
        Column("sleep_score", "float", "0–100", "Vendor sleep score", 0, 100),
        Column("sleep_start", "instant", "UTC", "Start of the main sleep"),
        Column("sleep_end", "instant", "UTC", "End of the main sleep (wake)"),
        Column("respiratory_rate_bpm", "float", "breaths/min", "Sleeping respiratory rate", 4, 40),
        Column(
            "skin_temp_dev_c",
            "float",
            "°C",
            "Skin temperature deviation from the vendor baseline",
            -5,
            5,
        ),
        Column("steps", "int", "steps", "Steps that day", 0, 150_000),
        Column("active_min", "float", "min", "Minutes at or above light activity", 0, 1440),
        Column("sedentary_min", "float", "min", "Sedentary waking minutes", 0, 1440),
        Column(
            "longest_sedentary_bout_min",
            "float",
            "min",
            "Longest run of consecutive sedentary waking minutes",
            0,
            1440,
        ),
        Column(
            "monitoring_coverage_min",
            "float",
            "min",
            "Minutes of the day with any monitoring sample (device worn and recording)",
            0,
            1440,
        ),
        Column(
            "stress_avg", "float", "0–100", "Vendor all-day stress average (Garmin scale)", 0, 100
        ),
        _SOURCE,
        _DEVICE,
    ),
)

SESSIONS = Table(
    name="sessions",
    key="start",
    description="One row per workout.",
    columns=(
        Column("start", "instant", "UTC", "Workout start"),
        Column("end", "instant", "UTC", "Workout end"),
        Column("date", "date", "–", "Athlete-local date of the start"),
        Column("sport", "str", "–", "Sport as the vendor names it, lower case"),
        Column("duration_s", "float", "s", "Elapsed (or timer) duration", 0, 7 * 86_400),
        Column("avg_hr_bpm", "float", "bpm", "Average heart rate", 25, 250),
        Column("max_hr_bpm", "float", "bpm", "Maximum heart rate", 25, 250),
        Column("trimp", "float", "AU", "Banister TRIMP from the heart-rate samples", 0, 2000),
        Column(
            "vendor_load",
            "float",
            "AU",
            "The vendor's own load (training load, TSS, strain)",
            0,
            10_000,
        ),
        Column("rpe", "float", "0–10", "Session RPE (CR-10)", 0, 10),
        Column("rmssd_ms", "float", "ms", "RMSSD of RR intervals recorded during exercise", 1, 300),
        _SOURCE,
        _DEVICE,
    ),
)

CHECKINS = Table(
    name="checkins",
    key="date",
    description="One row per day the athlete reported how they feel (1–5).",
    columns=(
        Column("date", "date", "–", "Athlete-local date of the report"),
        Column("soreness", "float", "1–5", "Muscle soreness; 5 = worst", 1, 5),
        Column("stress", "float", "1–5", "Felt stress; 5 = worst", 1, 5),
        Column("stiffness", "float", "1–5", "Felt stiffness; 5 = worst", 1, 5),
        Column("pain", "float", "1–5", "Pain; 1 = none, 5 = worst", 1, 5),
        Column("pain_site", "str", "–", "Where it hurts, free text (e.g. `left knee`)"),
        Column("sick", "bool", "–", "Feeling ill"),
        Column("fatigue", "float", "1–5", "Fatigue; 5 = worst", 1, 5),
        Column("mood", "float", "1–5", "Mood; 5 = best", 1, 5),
        Column("sleep_quality", "float", "1–5", "Sleep quality; 5 = best", 1, 5),
        _SOURCE,
    ),
)

TABLES: Mapping[TableName, Table] = {"daily": DAILY, "sessions": SESSIONS, "checkins": CHECKINS}


def empty(table: Table) -> pd.DataFrame:
    """An empty frame with every column of ``table`` at its declared dtype (a fresh copy)."""
    return _empty_template(table).copy()


@lru_cache(maxsize=8)
def _empty_template(table: Table) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in table.columns})


def _to_dtype(col: Column, values: pd.Series) -> pd.Series:
    if col.kind == "date":
        s = pd.to_datetime(values, errors="coerce")
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
        return s.dt.normalize().astype(col.dtype)
    if col.kind == "instant":
        s = pd.to_datetime(values, errors="coerce", utc=True)
        return s.astype(col.dtype)
    if col.kind in ("float", "int"):
        s = pd.to_numeric(values, errors="coerce").astype("float64")
        if col.kind == "int":
            return s.round().astype("Int64")
        return s
    if col.kind == "bool":
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            mapped = values.map(_bool_cell, na_action="ignore")
            return mapped.astype("boolean")
        return values.astype("boolean")
    s = values.astype("string")
    return s.str.strip().replace("", pd.NA)


def _bool_cell(v: object) -> bool | None:
    """A cell of a ``bool`` column: a bool as it is, text through :func:`parse_bool`, else NA."""
    if isinstance(v, bool | np.bool_):
        return bool(v)
    try:
        return parse_bool(str(v))
    except ValueError:
        return None


def normalize(
    table: Table,
    frame: pd.DataFrame,
    *,
    file: str,
    defaults: Mapping[str, object] | None = None,
) -> tuple[pd.DataFrame, list[IngestWarning]]:
    """Cast ``frame`` to ``table``'s schema and drop out-of-range values.

    Missing columns are added as NA (or from ``defaults``), extra columns are kept after the
    schema's columns. Values outside a column's valid range, or outside its choices, become NA
    and each such column gives one warning with the count. Rows without the table's key are
    dropped with a warning. Rows are sorted by the key.
    """
    frame = frame.reset_index(drop=True)
    columns = {name: frame[name] for name in frame.columns}
    return normalize_columns(table, columns, len(frame), file=file, defaults=defaults)


def normalize_columns(
    table: Table,
    columns: Mapping[str, Any],
    n: int,
    *,
    file: str,
    defaults: Mapping[str, object] | None = None,
) -> tuple[pd.DataFrame, list[IngestWarning]]:
    """:func:`normalize` for a mapping of ``n``-long columns (numpy arrays or Series).

    Readers that already hold numpy columns use it to skip building an intermediate frame;
    plain numpy columns of the right kind take fast paths with the same results.
    """
    warnings: list[IngestWarning] = []
    out: dict[str, Any] = {}
    for col in table.columns:
        if col.name in columns:
            raw = columns[col.name]
        elif defaults and col.name in defaults:
            raw = np.array([defaults[col.name]] * n + [None], dtype=object)[:n]
        else:
            out[col.name] = missing_column(col.kind, col.dtype, n)
            continue
        fast = fast_cast(col, raw)
        if fast is not None:
            values, bad = fast
            count = int(bad.sum())
            if count:
                values = mask_values(values, bad)
        else:
            series = raw if isinstance(raw, pd.Series) else pd.Series(raw, dtype=object)
            series = _to_dtype(col, series.reset_index(drop=True))
            bad_series = _out_of_range(col, series)
            count = int(bad_series.sum())
            if count:
                series = series.mask(bad_series)
            values = series.array
        if col.kind == "str":
            values, dirty = strip_controls(values)
            if dirty:
                warnings.append(
                    IngestWarning(
                        file=file,
                        message=(
                            f"removed control characters from {dirty} value(s) of "
                            f"{table.name}.{col.name}"
                        ),
                        column=col.name,
                        count=dirty,
                    )
                )
        if count:
            warnings.append(
                IngestWarning(
                    file=file,
                    message=(
                        f"dropped {count} value(s) of {table.name}.{col.name} outside "
                        f"{col.valid_range} {col.unit}".rstrip()
                    ),
                    column=col.name,
                    count=count,
                )
            )
        out[col.name] = values
    for extra, raw in columns.items():
        if extra not in out:
            out[extra] = raw.to_numpy() if isinstance(raw, pd.Series) else np.asarray(raw)
    keyless = np.asarray(pd.isna(out[table.key]), dtype=bool)
    if keyless.any():
        count = int(keyless.sum())
        warnings.append(
            IngestWarning(
                file=file,
                message=f"dropped {count} {table.name} row(s) without a valid {table.key!r}",
                column=table.key,
                count=count,
            )
        )
        out = {k: v[~keyless] for k, v in out.items()}
    order = stable_order(out[table.key])
    if order is not None:
        out = {k: v[order] for k, v in out.items()}
    return pd.DataFrame(out), warnings


def _out_of_range(col: Column, values: pd.Series) -> pd.Series:
    if col.choices is not None:
        return values.notna() & ~values.isin(col.choices)
    if col.kind not in ("float", "int") or (col.low is None and col.high is None):
        return pd.Series(False, index=values.index)
    v = values.astype("float64")
    bad = pd.Series(False, index=values.index)
    if col.low is not None:
        bad |= v < col.low
    if col.high is not None:
        bad |= v > col.high
    return bad.fillna(False).astype(bool)


def describe(tables: Iterable[Table] = (DAILY, SESSIONS, CHECKINS)) -> str:
    """The nomenclature tables in Markdown, as the README shows them."""
    lines: list[str] = []
    for t in tables:
        lines.append(f"#### `{t.name}` — {t.description}\n")
        lines.append("| column | dtype | unit | valid range | meaning |")
        lines.append("|---|---|---|---|---|")
        for c in t.columns:
            lines.append(
                f"| `{c.name}` | {c.dtype} | {c.unit} | {c.valid_range} | {c.description} |"
            )
        lines.append("")
    return "\n".join(lines)
