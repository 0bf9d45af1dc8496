"""Cell and column casts for :func:`readiness.ingest.schema.tables.normalize` and the readers.

* :func:`parse_bool`: the one reading of a true/false cell, used by the tables' ``bool`` columns
  and by every vendor reader.
* Fast casts: readers that hand over plain numpy columns (float, datetime64, object arrays of
  ``str``) need no parsing; these helpers cast them with numpy and give exactly what the general
  pandas path of ``tables`` (``_to_dtype`` + ``_out_of_range``) gives. Anything else returns
  ``None`` and takes the general path.
* :func:`strip_controls`: text cells of a vendor file lose their control characters (tab and
  line breaks become a space, NUL and the rest are removed), so no stored text holds one.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "BOOL_FALSE",
    "BOOL_TRUE",
    "ColumnSpec",
    "fast_cast",
    "mask_values",
    "missing_column",
    "parse_bool",
    "stable_order",
    "strip_controls",
]

Mask = npt.NDArray[np.bool_]

_CONTROLS = r"[\x00-\x1f\x7f-\x9f]"
_BREAKS = r"[\t\n\r]+"

#: Spellings read as true (compared after stripping, case-insensitively).
BOOL_TRUE = frozenset({"true", "yes", "1", "y", "t"})
#: Spellings read as false (compared after stripping, case-insensitively).
BOOL_FALSE = frozenset({"false", "no", "0", "n", "f"})


def parse_bool(text: str) -> bool:
    """A true/false cell: ``true``/``yes``/``y``/``t``/``1`` or ``false``/``no``/``n``/``f``/``0``.

    Any case, surrounding whitespace ignored. Anything else raises ``ValueError`` (the caller
    decides whether that is an error or a missing value).
    """
    low = text.strip().lower()
    if low in BOOL_TRUE:
        return True
    if low in BOOL_FALSE:
        return False
    raise ValueError(text)


class ColumnSpec(Protocol):
    """What a fast cast reads of a table column (a :class:`.tables.Column`)."""

    @property
    def kind(self) -> str: ...
    @property
    def low(self) -> float | None: ...
    @property
    def high(self) -> float | None: ...
    @property
    def choices(self) -> tuple[str, ...] | None: ...


def missing_column(kind: str, dtype: str, n: int) -> Any:
    """An all-missing column of ``n`` rows at the column's dtype."""
    if kind == "float":
        return np.full(n, np.nan)
    if kind == "date":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    if kind == "int":
        return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    if kind == "bool":
        return pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    if kind == "instant":
        nat = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
        return pd.DatetimeIndex(nat).tz_localize("UTC").array
    return pd.array([None] * n, dtype=dtype)


def _numpy(raw: Any) -> np.ndarray | None:  # type: ignore[type-arg]
    if isinstance(raw, pd.Series):
        return raw.to_numpy() if isinstance(raw.dtype, np.dtype) else None
    return raw if isinstance(raw, np.ndarray) else None


def fast_cast(col: ColumnSpec, raw: Any) -> tuple[Any, Mask] | None:
    """(values at the column's dtype, out-of-range mask), or None for the general path."""
    arr = _numpy(raw)
    if arr is None or arr.ndim != 1:
        return None
    kind = arr.dtype.kind
    if col.kind in ("float", "int"):
        if kind not in "fiu":
            return None
        v = arr.astype(np.float64, copy=True)
        if np.isinf(v).any():
            return None
        bad = _numeric_bad(col.low, col.high, v)
        if col.kind == "int":
            miss = np.isnan(v)
            ints = np.round(np.where(miss, 0.0, v)).astype(np.int64)
            return pd.arrays.IntegerArray(ints, miss), bad
        return v, bad
    if col.kind in ("date", "instant"):
        if kind != "M":
            return None
        secs = arr.astype("datetime64[s]")
        none = np.zeros(len(secs), dtype=bool)
        if col.kind == "date":
            return secs.astype("datetime64[D]").astype("datetime64[s]"), none
        return pd.DatetimeIndex(secs).tz_localize("UTC").array, none
    if col.kind == "str" and kind == "O":
        if not all(x is None or isinstance(x, str) for x in arr):
            return None
        cleaned = [None if x is None else (x.strip() or None) for x in arr]
        bad = np.zeros(len(cleaned), dtype=bool)
        if col.choices is not None:
            bad = np.array([x is not None and x not in col.choices for x in cleaned], dtype=bool)
        return pd.array(cleaned, dtype="string"), bad
    return None


def _numeric_bad(low: float | None, high: float | None, v: np.ndarray) -> Mask:  # type: ignore[type-arg]
    bad = np.zeros(len(v), dtype=bool)
    with np.errstate(invalid="ignore"):
        if low is not None:
            bad |= v < low
        if high is not None:
            bad |= v > high
    return bad


def mask_values(values: Any, bad: Mask) -> Any:
    """A copy of ``values`` with the ``bad`` rows missing."""
    values = values.copy()
    if isinstance(values, np.ndarray):
        values[bad] = np.nan if values.dtype.kind == "f" else np.datetime64("NaT")
    else:
        values[bad] = pd.NA
    return values


def stable_order(key: Any) -> np.ndarray | None:  # type: ignore[type-arg]
    """Row order that stably sorts ``key`` (no missing values), or None if already sorted."""
    if isinstance(key, np.ndarray) and key.dtype.kind == "M":
        ints = key.view("i8")
    elif isinstance(key, pd.arrays.DatetimeArray):
        ints = np.asarray(key.asi8)
    else:
        series = pd.Series(key)
        if series.is_monotonic_increasing:
            return None
        return np.asarray(series.sort_values(kind="stable").index)
    if len(ints) < 2 or bool(np.all(ints[1:] >= ints[:-1])):
        return None
    return np.argsort(ints, kind="stable")


def strip_controls(values: Any) -> tuple[Any, int]:
    """A ``string`` column without control characters, and how many cells had one.

    Tab and line breaks become one space; other control characters (NUL, escape, DEL, C1)
    are removed. A cell left empty becomes NA.
    """
    series = pd.Series(values, dtype="string")
    dirty = series.str.contains(_CONTROLS, regex=True, na=False)
    count = int(dirty.sum())
    if not count:
        return values, 0
    cleaned = (
        series.str.replace(_BREAKS, " ", regex=True)
        .str.replace(_CONTROLS, "", regex=True)
        .str.strip()
        .replace("", pd.NA)
    )
    return cleaned.array, count
