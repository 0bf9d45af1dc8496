"""Per-day values and session columns from a FIT file → normalized ``daily`` / ``sessions``."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from readiness.ingest.findings import IngestWarning
from readiness.ingest.schema.tables import (
    DAILY,
    SESSIONS,
    empty,
    normalize_columns,
)

__all__ = ["daily_frame", "sessions_frame"]

_INSTANTS = ("start", "end", "sleep_start", "sleep_end")


def _instant(values: object) -> np.ndarray:  # type: ignore[type-arg]
    sec = np.asarray(values, dtype=np.float64)
    out = np.full(sec.shape, np.datetime64("NaT"), dtype="datetime64[s]")
    ok = np.isfinite(sec)
    out[ok] = np.round(sec[ok]).astype(np.int64).astype("datetime64[s]")
    return out


def daily_frame(
    days: Mapping[str, Mapping[np.datetime64, object]], *, file: str, device: str | None
) -> tuple[pd.DataFrame, list[IngestWarning]]:
    """One row per local date from ``{column: {date: value}}``."""
    if not days:
        return empty(DAILY), []
    dates = sorted({d for col in days.values() for d in col})
    data: dict[str, object] = {"date": np.array(dates, dtype="datetime64[D]")}
    for col, per_day in days.items():
        values = [per_day.get(d) for d in dates]
        if col in _INSTANTS:
            data[col] = _instant([np.nan if v is None else v for v in values])
        elif col == "hrv_context":
            data[col] = np.array([*values, None], dtype=object)[:-1]
        else:
            data[col] = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    return normalize_columns(
        DAILY, data, len(dates), file=file, defaults={"source": "fit", "device": device}
    )


def sessions_frame(
    cols: Mapping[str, object], *, file: str, device: str | None
) -> tuple[pd.DataFrame, list[IngestWarning]]:
    """The sessions table from :func:`~readiness.ingest.fit.extract.activity.session_columns`."""
    if not cols:
        return empty(SESSIONS), []
    data = {k: (_instant(v) if k in _INSTANTS else np.asarray(v)) for k, v in cols.items()}
    n = len(data["start"])
    return normalize_columns(
        SESSIONS, data, n, file=file, defaults={"source": "fit", "device": device}
    )
