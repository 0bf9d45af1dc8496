"""Small synthetic histories (schema tables) for the scoring tests and the benchmark."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
from readiness.ingest.schema.tables import CHECKINS, DAILY, SESSIONS

START = datetime.date(2025, 1, 1)


def _typed(frame: pd.DataFrame, table) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    out = {}
    for c in table.columns:
        if c.name in frame:
            out[c.name] = (
                frame[c.name].astype(c.dtype)
                if c.kind != "date"
                else pd.to_datetime(frame[c.name]).astype(c.dtype)
            )
        else:
            out[c.name] = pd.Series(pd.array([None] * len(frame), dtype=c.dtype))
    return pd.DataFrame(out)


def daily(
    n: int,
    *,
    seed: int = 0,
    start: datetime.date = START,
    rmssd: float = 60.0,
    rhr: float = 50.0,
    device: str = "oura ring",
    source: str = "oura",
) -> pd.DataFrame:
    """n nights of calm, normal data."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=n, freq="D")
    frame = pd.DataFrame(
        {
            "date": dates,
            "hrv_rmssd_ms": np.exp(np.log(rmssd) + rng.normal(0, 0.08, n)),
            "hrv_context": "nocturnal",
            "resting_hr_bpm": rhr + rng.normal(0, 1.5, n),
            "sleep_total_min": 460 + rng.normal(0, 20, n),
            "sleep_in_bed_min": 500 + rng.normal(0, 10, n),
            "respiratory_rate_bpm": 14.5 + rng.normal(0, 0.3, n),
            "skin_temp_dev_c": rng.normal(0, 0.1, n),
            "sedentary_min": 420 + rng.normal(0, 30, n),
            "longest_sedentary_bout_min": 40 + rng.normal(0, 5, n),
            "active_min": 200 + rng.normal(0, 20, n),
            "source": source,
            "device": device,
        }
    )
    return _typed(frame, DAILY)


def sessions(
    n: int, *, seed: int = 0, start: datetime.date = START, tz: str = "UTC"
) -> pd.DataFrame:
    """An easy run most mornings (5 of 7 days), 45–60 min at ~135 bpm."""
    rng = np.random.default_rng(seed + 1)
    days = pd.date_range(start, periods=n, freq="D")
    keep = (np.arange(n) % 7) < 5
    days = days[keep]
    starts = (days + pd.Timedelta(hours=7)).tz_localize(tz).tz_convert("UTC")
    dur = 45 * 60 + rng.integers(0, 15 * 60, len(days))
    frame = pd.DataFrame(
        {
            "start": starts,
            "end": starts + pd.to_timedelta(dur, unit="s"),
            "date": days,
            "sport": "running",
            "duration_s": dur.astype(float),
            "avg_hr_bpm": 135 + rng.normal(0, 4, len(days)),
            "max_hr_bpm": 160 + rng.normal(0, 4, len(days)),
            "source": "fit",
            "device": "garmin",
        }
    )
    return _typed(frame, SESSIONS)


def checkins(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Check-ins from dicts (``date`` as a date)."""
    if not rows:
        return _typed(pd.DataFrame({"date": pd.Series(dtype="datetime64[s]")}), CHECKINS)
    return _typed(pd.DataFrame(rows), CHECKINS)


def day(i: int, start: datetime.date = START) -> datetime.date:
    return start + datetime.timedelta(days=i)
