"""Inputs made canonical: one calendar, one row per day, de-duplicated, order-independent.

The scorer must give the same answer whatever the row order and however often a row repeats,
and a day's answer must not depend on later days. So:

* rows with the same key are resolved by a content hash, never by their position;
* the calendar runs from the first to the last date with data (or a requested date), so
  rolling windows are in calendar days and gaps stay gaps (NaN), never imputed;
* everything estimated from the data (HRmax, resting HR for TRIMP) is causal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from readiness.ingest import (
    CHECKINS,
    DAILY,
    DEFAULT_HR_MAX_BPM,
    DEFAULT_HR_REST_BPM,
    SESSIONS,
    AthleteProfile,
    Table,
)
from readiness.scoring.load import session_trimp
from readiness.scoring.thresholds import Thresholds

__all__ = ["Prepared", "canonical", "end_of_day_seconds", "prepare"]

_S_PER_DAY = 86_400


#: One calendar-aligned column per name: float64 (NaN = missing) or object (None = missing).
Columns = dict[str, np.ndarray]

#: Optional check-in columns the scorer reads when present (not in the schema).
CHECKIN_EXTRAS = ("red_flags", "cause", "note")


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything the vectorised scorer reads, aligned on one calendar."""

    days: np.ndarray  # datetime64[D], consecutive
    daily: Columns  # one value per calendar day and daily column
    checkins: Columns  # one value per calendar day and check-in column (+ extras)
    sessions: Columns  # start_s, end_s, day, load, load_basis, qualifying, … (sorted by end)
    at_s: np.ndarray  # evaluation instant per day, int64 seconds since the epoch (UTC)
    first_session_day: int  # calendar index of the first session, or -1
    tz: ZoneInfo

    @property
    def n(self) -> int:
        return len(self.days)


def _with_columns(frame: pd.DataFrame | None, table: Table) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame(
            {column.name: pd.Series(dtype=column.dtype) for column in table.columns}
        )
    missing = [column for column in table.columns if column.name not in frame.columns]
    if not missing:
        return frame
    out = frame.copy()
    for column in missing:
        out[column.name] = pd.Series(
            pd.array([None] * len(frame), dtype=column.dtype), index=frame.index
        )
    return out


def _dates(values: pd.Series) -> np.ndarray:
    """Calendar dates as datetime64[D] (NaT where missing)."""
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        values = pd.to_datetime(values, errors="coerce")
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    out: np.ndarray = values.to_numpy(dtype="datetime64[s]").astype("datetime64[D]")
    return out


def canonical(
    frame: pd.DataFrame | None, table: Table, extras: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The table's columns (+ present ``extras``), one row per key, independent of row order.

    Rows sharing a key are ordered by a hash of their content (so the order they came in
    does not matter) and combined per column with the first non-missing value.
    """
    out = _with_columns(frame, table)
    key = table.key
    if out.empty:
        return out.reset_index(drop=True)
    dates = _dates(out[key])
    dated = ~np.isnat(dates)
    if dated.all() and len(np.unique(dates)) == len(dates):
        return out  # already one row per date: nothing to resolve
    cols = table.names + [c for c in extras if c in out.columns and c not in table.names]
    out = out[cols]
    if not dated.all():
        out, dates = out.loc[dated], dates[dated]
    out = out.assign(**{key: dates.astype("datetime64[s]")})
    if len(np.unique(dates)) != len(dates):
        content_hash = pd.util.hash_pandas_object(out, index=False).to_numpy()
        out = out.assign(_h=content_hash).sort_values([key, "_h"], kind="stable").drop(columns="_h")
        out = out.groupby(key, sort=True, as_index=False).first()
    return out.reset_index(drop=True)


#: The daily columns the scorer reads (the rest of the schema is not needed).
DAILY_USED = (
    "hrv_rmssd_ms",
    "hrv_sdnn_ms",
    "hrv_context",
    "resting_hr_bpm",
    "sleep_total_min",
    "sleep_in_bed_min",
    "sleep_efficiency_pct",
    "respiratory_rate_bpm",
    "skin_temp_dev_c",
    "active_min",
    "sedentary_min",
    "longest_sedentary_bout_min",
    "monitoring_coverage_min",
    "steps",
    "source",
    "device",
)


def _columns(
    frame: pd.DataFrame, table: Table, start: np.datetime64, n_days: int, names: tuple[str, ...]
) -> Columns:
    """Scatter a canonical frame onto the calendar, one numpy array per column."""
    day_index = (
        (_dates(frame[table.key]) - start).astype("int64") if len(frame) else np.zeros(0, int)
    )
    kinds = {c.name: c.kind for c in table.columns}
    present = [name for name in names if name in frame.columns]
    numeric = [name for name in present if kinds.get(name) in ("float", "int")]
    out: Columns = {}
    if numeric:
        block = frame[numeric].to_numpy(dtype="float64", na_value=np.nan)
        for position, name in enumerate(numeric):
            values = np.full(n_days, np.nan)
            values[day_index] = block[:, position]
            out[name] = values
    for name in present:
        kind = kinds.get(name, "str")
        if kind in ("float", "int"):
            continue
        column = frame[name]
        if kind == "bool":
            values = np.full(n_days, np.nan)
            values[day_index] = (
                column.astype("boolean")
                .astype("Float64")
                .to_numpy(dtype="float64", na_value=np.nan)
            )
        else:
            values = np.full(n_days, None, dtype=object)
            values[day_index] = column.to_numpy(dtype=object, na_value=None)
        out[name] = values
    return out


def end_of_day_seconds(days: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """The last second of each local day, as UTC epoch seconds."""
    if len(days) == 0:
        return np.zeros(0, dtype="int64")
    next_midnight = pd.DatetimeIndex((days + np.timedelta64(1, "D")).astype("datetime64[s]"))
    local = next_midnight.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    utc = local.tz_convert("UTC").as_unit("s").asi8
    return np.asarray(utc, dtype="int64") - 1


def _instant_seconds(values: pd.Series) -> np.ndarray:
    """UTC epoch seconds; missing → the int64 minimum (NaT's integer value)."""
    instants = (
        values if isinstance(values.dtype, pd.DatetimeTZDtype) else pd.to_datetime(values, utc=True)
    )
    out: np.ndarray = instants.to_numpy(dtype="datetime64[s]").astype("int64")
    return out


def _num(frame: pd.DataFrame, name: str) -> np.ndarray:
    out: np.ndarray = pd.to_numeric(frame[name], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    return out


_SESSION_KEYS = (
    "start_s",
    "end_s",
    "day",
    "load",
    "load_basis",
    "qualifying",
    "sport",
    "duration_min",
)


def _sessions(
    raw: pd.DataFrame | None,
    tz: ZoneInfo,
    profile: AthleteProfile,
    rhr_by_day: np.ndarray,
    start_day: np.datetime64,
    th: Thresholds,
) -> Columns:
    """One entry per workout, sorted by end: instants, calendar day, TRIMP load, qualifying."""
    rows = _with_columns(raw, SESSIONS)
    if rows["start"].isna().any():
        rows = rows.loc[rows["start"].notna()]
    if rows.empty:
        return {
            k: np.zeros(0, dtype=object if k in ("load_basis", "sport") else "float64")
            for k in _SESSION_KEYS
        } | {
            "start_s": np.zeros(0, "int64"),
            "end_s": np.zeros(0, "int64"),
            "day": np.zeros(0, "int64"),
            "qualifying": np.zeros(0, bool),
        }
    # The same workout seen twice (same start second) counts once; keep the fullest row,
    # ties broken by content hash so input order never matters.
    start_s = _instant_seconds(rows["start"])
    if len(np.unique(start_s)) != len(start_s):
        filled = rows.notna().sum(axis=1).to_numpy()
        content_hash = pd.util.hash_pandas_object(rows, index=False).to_numpy()
        order = np.lexsort((content_hash, -filled, start_s))
        rows = rows.iloc[order]
        start_s = start_s[order]
        keep = np.r_[True, start_s[1:] != start_s[:-1]]
        rows = rows.loc[keep]
        start_s = start_s[keep]
    end_s = _instant_seconds(rows["end"])
    duration_s = _num(rows, "duration_s")
    no_end = end_s == np.iinfo("int64").min
    end_s = np.where(
        no_end & np.isfinite(duration_s), start_s + np.nan_to_num(duration_s).astype("int64"), end_s
    )
    end_s = np.where(end_s == np.iinfo("int64").min, start_s, end_s)
    end_s = np.maximum(end_s, start_s)
    duration_min = np.where(np.isfinite(duration_s), duration_s / 60.0, (end_s - start_s) / 60.0)
    day_given = _dates(rows["date"])
    missing = np.isnat(day_given)
    if missing.any():
        local = pd.to_datetime(rows["start"], utc=True).dt.tz_convert(tz).dt.tz_localize(None)
        day_given = np.where(missing, _dates(local), day_given)
    day = (day_given - start_day).astype("int64")
    # Causal estimates for TRIMP: resting HR from the day's rolling median, HRmax as the
    # running maximum of what was seen so far (never below the documented default HRmax).
    # avg_hr, hr_rest, hr_max: per session, bpm; hrr_fraction: share of heart-rate reserve, 0–1.
    n_days = len(rhr_by_day)
    hr_rest = rhr_by_day[np.clip(day, 0, n_days - 1)] if n_days else np.full(len(day), np.nan)
    hr_rest = np.where(np.isfinite(hr_rest), hr_rest, DEFAULT_HR_REST_BPM)
    avg_hr = _num(rows, "avg_hr_bpm")
    if profile.hr_max is not None:
        hr_max = np.full(len(day), float(profile.hr_max))
    else:
        by_start = np.argsort(start_s, kind="stable")
        seen = np.nan_to_num(np.fmax(_num(rows, "max_hr_bpm"), avg_hr), nan=0.0)[by_start]
        running = np.empty(len(day))
        running[by_start] = np.fmax.accumulate(seen)
        hr_max = np.fmax(running, DEFAULT_HR_MAX_BPM)
    rpe = _num(rows, "rpe")
    load, basis = session_trimp(
        trimp=_num(rows, "trimp"),
        duration_min=duration_min,
        avg_hr=avg_hr,
        rpe=rpe,
        hr_rest=hr_rest,
        hr_max=hr_max,
        sex=profile.sex,
        th=th,
    )
    hrr_fraction = (avg_hr - hr_rest) / np.maximum(hr_max - hr_rest, 1.0)
    moderate = np.where(
        np.isfinite(hrr_fraction),
        hrr_fraction >= th.moderate_hrr,
        np.where(np.isfinite(rpe), rpe >= th.moderate_rpe, True),
    )
    qualifying = (duration_min >= th.bout_min_duration_min) & moderate
    order = np.lexsort((start_s, end_s))
    cols: Columns = {
        "start_s": start_s,
        "end_s": end_s,
        "day": day,
        "load": load,
        "load_basis": basis,
        "qualifying": qualifying,
        "sport": rows["sport"].to_numpy(dtype=object, na_value=None),
        "duration_min": duration_min,
    }
    return {k: v[order] for k, v in cols.items()}


def prepare(
    daily: pd.DataFrame | None,
    sessions: pd.DataFrame | None,
    checkins: pd.DataFrame | None,
    *,
    profile: AthleteProfile,
    timezone: str,
    th: Thresholds,
    extra_dates: tuple[datetime.date, ...] = (),
    at: dict[datetime.date, datetime.datetime] | None = None,
) -> Prepared:
    """Canonical tables on one calendar, with each session's load and each day's instant.

    ``timezone`` (IANA) sets the day boundaries and each day's end (warmth's instant).
    """
    tz = ZoneInfo(timezone)
    daily_rows = canonical(daily, DAILY)
    checkin_rows = canonical(checkins, CHECKINS, CHECKIN_EXTRAS)
    raw_sessions = _with_columns(sessions, SESSIONS)
    candidates: list[np.datetime64] = []
    for frame in (daily_rows, checkin_rows):
        if not frame.empty:
            dates = _dates(frame["date"])
            candidates += [dates.min(), dates.max()]
    starts = pd.to_datetime(raw_sessions["start"], utc=True).dropna()
    if not starts.empty:
        local = starts.dt.tz_convert(tz).dt.tz_localize(None)
        candidates += [
            np.datetime64(local.min().date(), "D"),
            np.datetime64(local.max().date(), "D"),
        ]
    candidates += [np.datetime64(date, "D") for date in extra_dates]
    if not candidates:
        days = np.zeros(0, dtype="datetime64[D]")
    else:
        first_day, last_day = min(candidates), max(candidates)
        days = np.arange(first_day, last_day + np.timedelta64(1, "D"), dtype="datetime64[D]")
    n_days = len(days)
    start_day = days[0] if n_days else np.datetime64("1970-01-01", "D")
    daily_by_day = _columns(daily_rows, DAILY, start_day, n_days, DAILY_USED)
    checkin_names = (
        tuple(name for name in CHECKINS.names if name not in ("date", "source")) + CHECKIN_EXTRAS
    )
    checkins_by_day = _columns(checkin_rows, CHECKINS, start_day, n_days, checkin_names)
    if profile.hr_rest is None and n_days:
        resting_hr = pd.Series(daily_by_day["resting_hr_bpm"])
        # the median of the last 60 days' readings; no older value is carried forward
        rhr_by_day = resting_hr.rolling(th.baseline_days, min_periods=1).median().to_numpy()
    else:
        rhr_by_day = np.full(n_days, np.nan if profile.hr_rest is None else profile.hr_rest)
    session_columns = _sessions(sessions, tz, profile, rhr_by_day, start_day, th)
    at_s = end_of_day_seconds(days, tz)
    if at and len(days):
        for day, instant in at.items():
            day_index = int((np.datetime64(day, "D") - start_day).astype("int64"))
            if 0 <= day_index < len(days):
                at_s[day_index] = int(instant.timestamp())
    first = int(session_columns["day"].min()) if len(session_columns["day"]) else -1
    return Prepared(
        days=days,
        daily=daily_by_day,
        checkins=checkins_by_day,
        sessions=session_columns,
        at_s=at_s,
        first_session_day=first,
        tz=tz,
    )
