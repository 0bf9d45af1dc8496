"""Freshness: how old each kind of objective data is on each calendar day (docs/scoring.md,
"Freshness").

Three kinds, each with its window (``Thresholds.fresh_*_days``): nightly signals (HRV, resting
HR, sleep, respiratory rate, skin temperature), daily activity (steps, active, sedentary and
measured minutes) and training load (sessions; days without one count as rest only while the
device is still recording something). A kind older than its window does not feed the day's
sub-scores. Within its window a missing night lowers the stress confidence through its own
components (last night's drop out, the 7-day ones count their completeness); the load pathway,
which has no such measure, loses ``1/(window + 1)`` of its confidence per day without any
recording. A day with no
fresh objective data at all is *stale*: the decision table answers ``no_recent_data`` unless a
check-in gate (pain, illness) applies. Ages look back only, never forward (a day's object
depends on data up to that day).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from readiness.scoring.baselines import last_true_index
from readiness.scoring.prepare import Columns
from readiness.scoring.thresholds import Thresholds

__all__ = ["ACTIVITY_COLUMNS", "NIGHT_COLUMNS", "Freshness", "freshness"]

#: Daily columns that are a night's measurement.
NIGHT_COLUMNS = (
    "hrv_rmssd_ms",
    "hrv_sdnn_ms",
    "resting_hr_bpm",
    "sleep_total_min",
    "sleep_in_bed_min",
    "respiratory_rate_bpm",
    "skin_temp_dev_c",
)
#: Daily columns that are a day's activity measurement (a session counts too).
ACTIVITY_COLUMNS = (
    "steps",
    "active_min",
    "sedentary_min",
    "longest_sedentary_bout_min",
    "monitoring_coverage_min",
)


@dataclass(frozen=True, slots=True)
class Freshness:
    """Per calendar day: the last day of each kind (index, −1 none), ages and what is fresh."""

    last_night: np.ndarray  # calendar index of the last night on or before the day, −1 none
    last_activity: np.ndarray  # calendar index of the last activity day (or session), −1 none
    days_since_data: np.ndarray  # float days since any objective data, NaN none
    night_fresh: np.ndarray  # bool
    activity_fresh: np.ndarray  # bool
    load_fresh: np.ndarray  # bool
    load_factor: np.ndarray  # confidence multiplier of the load pathway, 0–1
    stale: np.ndarray  # bool: no fresh objective data at all


def _any_present(daily: Columns, names: tuple[str, ...], n_days: int) -> np.ndarray:
    out = np.zeros(n_days, dtype=bool)
    for name in names:
        if name in daily:
            out |= np.isfinite(daily[name])
    return out


def _age(last: np.ndarray) -> np.ndarray:
    """Days from the last index to each day (NaN where there is none)."""
    out: np.ndarray = np.where(last >= 0, np.arange(len(last)) - last, np.nan)
    return out


def _factor(age: np.ndarray, window: int) -> np.ndarray:
    """1 at age 0, falling by 1/(window + 1) per day, 0 beyond the window or without data."""
    with np.errstate(invalid="ignore"):
        out: np.ndarray = np.where(age <= window, 1.0 - age / (window + 1.0), 0.0)
    return out


def freshness(daily: Columns, session_day: np.ndarray, n_days: int, th: Thresholds) -> Freshness:
    """Vectorised freshness of every calendar day."""
    night = _any_present(daily, NIGHT_COLUMNS, n_days)
    activity = _any_present(daily, ACTIVITY_COLUMNS, n_days)
    on_calendar = session_day[(session_day >= 0) & (session_day < n_days)]
    activity[on_calendar.astype("int64")] = True
    last_night = last_true_index(night)
    last_activity = last_true_index(activity)
    last_any = np.maximum(last_night, last_activity)
    night_age, activity_age, data_age = _age(last_night), _age(last_activity), _age(last_any)
    with np.errstate(invalid="ignore"):
        night_fresh = night_age <= th.fresh_night_days
        activity_fresh = activity_age <= th.fresh_activity_days
        load_fresh = data_age <= th.fresh_load_days
    return Freshness(
        last_night=last_night,
        last_activity=last_activity,
        days_since_data=data_age,
        night_fresh=night_fresh,
        activity_fresh=activity_fresh,
        load_fresh=load_fresh,
        load_factor=_factor(data_age, th.fresh_load_days),
        stale=~(night_fresh | activity_fresh | load_fresh),
    )
