"""Tables as JSON-ready rows: dates ``YYYY-MM-DD``, instants ISO 8601 UTC, missing ``None``."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from readiness.ingest.schema.tables import Table

__all__ = ["is_missing", "to_records", "utc_timestamp"]


def is_missing(value: Any) -> bool:
    """True for a frame cell that stands for "no value": None, ``pd.NA``, ``pd.NaT`` or NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def utc_timestamp(value: Any) -> pd.Timestamp:
    """An instant cell as a UTC timestamp (a naive one is read as UTC already)."""
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _cell(kind: str, value: Any) -> Any:
    if is_missing(value):
        return None
    if kind == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if kind == "instant":
        return utc_timestamp(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "int":
        return int(value)
    if kind == "float":
        return round(float(value), 3)
    if kind == "bool":
        return bool(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def to_records(table: Table, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """One dict per row, keyed by the schema's column names (extra columns kept as they are)."""
    kinds = {c.name: c.kind for c in table.columns}
    cols = list(frame.columns)
    out: list[dict[str, Any]] = []
    for row in frame.itertuples(index=False, name=None):
        out.append({c: _cell(kinds.get(c, "other"), v) for c, v in zip(cols, row, strict=True)})
    return out
