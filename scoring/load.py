"""Training load: Banister TRIMP per session, EWMA fatigue/fitness, Foster monotony and strain.

Conventions (docs/scoring.md, "physical_stiffness"):

* One unit for every session: Banister TRIMPexp (AU). Precedence: the ``trimp`` column (from
  heart-rate samples) → TRIMPexp from average HR → sRPE converted to an equivalent
  heart-rate-reserve fraction (CR-10/10, Foster 2001) → duration at a moderate default.
* EWMA convention: Williams et al. 2017, ``E_t = λ·L_t + (1−λ)·E_{t−1}``, ``λ = 2/(N+1)``
  (pandas ``ewm(span=N, adjust=False)``); fatigue N = 7, fitness (chronic) N = 28. This is
  *not* the TrainingPeaks/GoldenCheetah τ = 42 d CTL; the numbers are not interchangeable.
* The acute:chronic ratio is uncoupled, ``E7(t) / E28(t − 7)`` (Lolli 2019), and descriptive
  only: it is never an injury-risk claim and never a gate on its own.
* Monotony = mean / SD of the last 7 daily loads (rest days = 0), strain = 7-day sum ×
  monotony (Foster 1998). Monotony is muted in a deload week (7-day mean below 70 % of the
  chronic load), where uniform easy days make it artificially high (Section 11).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from readiness.ingest import trimp_exp
from readiness.scoring.thresholds import Thresholds

__all__ = ["LoadHistory", "doms_weight", "ewma", "load_history", "session_trimp"]


def session_trimp(
    *,
    trimp: np.ndarray,
    duration_min: np.ndarray,
    avg_hr: np.ndarray,
    rpe: np.ndarray,
    hr_rest: np.ndarray,
    hr_max: np.ndarray,
    sex: str | None,
    th: Thresholds,
) -> tuple[np.ndarray, np.ndarray]:
    """Each session's load in Banister TRIMP units and the basis it was computed from.

    The formula and its sex coefficients are :func:`readiness.ingest.physiology.trimp_exp`,
    the same that gives the ``trimp`` column from heart-rate samples.
    """
    minutes = np.nan_to_num(duration_min, nan=0.0)
    hrr_fraction = (avg_hr - hr_rest) / np.maximum(hr_max - hr_rest, 1.0)
    from_hr = trimp_exp(minutes, hrr_fraction, sex)
    from_rpe = trimp_exp(minutes, rpe * th.trimp_rpe_scale, sex)
    default = trimp_exp(minutes, np.full_like(minutes, th.trimp_default_hrr), sex)
    has_trimp = np.isfinite(trimp)
    has_hr = np.isfinite(hrr_fraction)
    has_rpe = np.isfinite(rpe)
    load = np.where(
        has_trimp, trimp, np.where(has_hr, from_hr, np.where(has_rpe, from_rpe, default))
    )
    basis = np.where(
        has_trimp, "trimp", np.where(has_hr, "avg_hr", np.where(has_rpe, "rpe", "duration"))
    )
    return load, basis.astype(object)


def ewma(values: np.ndarray, span: int) -> np.ndarray:
    """Williams EWMA, λ = 2/(span+1), as a normalised weighted mean (pandas ``adjust=True``).

    Identical to the recursion ``E_t = λ·L_t + (1−λ)·E_{t−1}`` once a few spans of history
    exist; in the first weeks it is the properly normalised mean of what exists, instead of
    being pulled towards an arbitrary starting value.
    """
    if len(values) == 0:
        return np.zeros(0)
    out: np.ndarray = pd.Series(values).ewm(span=span, adjust=True).mean().to_numpy()
    return out


def doms_weight(hours: np.ndarray, th: Thresholds) -> np.ndarray:
    """w(h): 0.6 for 0–12 h, 1.0 for 12–72 h, linear to 0 at 120 h (Cheung 2003)."""
    hours = np.asarray(hours, dtype="float64")
    late_weight = 1.0 - (hours - th.doms_late_h) / (th.doms_end_h - th.doms_late_h)
    out: np.ndarray = np.where(
        hours < 0,
        0.0,
        np.where(
            hours < th.doms_early_h,
            th.doms_early_weight,
            np.where(hours <= th.doms_late_h, 1.0, np.clip(late_weight, 0.0, 1.0)),
        ),
    )
    return out


@dataclass(frozen=True, slots=True)
class LoadHistory:
    """Per-day load arrays on the calendar (NaN where undefined)."""

    daily_load: np.ndarray
    acute: np.ndarray  # EWMA 7 (fatigue)
    chronic: np.ndarray  # EWMA 28 (fitness)
    ratio: np.ndarray  # uncoupled E7(t)/E28(t-7); NaN before ratio_min_days
    monotony: np.ndarray
    strain: np.ndarray
    deload: np.ndarray  # bool
    l1_ratio: np.ndarray  # best session load / typical day, DOMS-weighted
    l1_hours: np.ndarray  # hours since that session ended
    l1_load: np.ndarray  # that session's load
    last_session_h: np.ndarray  # hours since the last session ended (any), NaN if none
    history_days: np.ndarray  # days since the first session (0 on its day), -1 before
    maturity: np.ndarray


def load_history(
    n_days: int,
    day: np.ndarray,
    load: np.ndarray,
    end_s: np.ndarray,
    at_s: np.ndarray,
    first_day: int,
    th: Thresholds,
) -> LoadHistory:
    """Vectorised load metrics for every calendar day."""
    daily_load = np.bincount(np.clip(day, 0, max(n_days - 1, 0)), weights=load, minlength=n_days)[
        :n_days
    ]
    daily_load = daily_load.astype("float64")
    # Load history starts at the first session: earlier days are unknown, not zero.
    acute = np.full(n_days, np.nan)
    chronic = np.full(n_days, np.nan)
    if first_day >= 0:
        acute[first_day:] = ewma(daily_load[first_day:], th.ewma_acute_span)
        chronic[first_day:] = ewma(daily_load[first_day:], th.ewma_chronic_span)
    day_index = np.arange(n_days)
    history_days = np.where(first_day >= 0, day_index - first_day, -1)
    lag_days = th.ratio_lag_days
    ratio = np.full(n_days, np.nan)
    if n_days > lag_days:
        chronic_lagged = chronic[:-lag_days]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio[lag_days:] = np.where(
                chronic_lagged > 0, acute[lag_days:] / chronic_lagged, np.nan
            )
    ratio = np.where(history_days >= th.ratio_min_days, ratio, np.nan)
    week_days = th.mean_days
    padded = np.concatenate([np.zeros(week_days - 1), daily_load])
    week = sliding_window_view(padded, week_days)[
        :n_days
    ]  # the last `week_days` daily loads per day, AU
    week_mean = week.mean(axis=1)
    week_sd = week.std(axis=1, ddof=1) if week_days > 1 else np.zeros(n_days)
    with np.errstate(divide="ignore", invalid="ignore"):
        monotony = np.where(
            week_sd > 0, week_mean / week_sd, np.where(week_mean > 0, th.monotony_cap, 0.0)
        )
    monotony = np.minimum(monotony, th.monotony_cap)
    monotony = np.where(history_days >= week_days - 1, monotony, np.nan)
    strain = week.sum(axis=1) * monotony
    with np.errstate(invalid="ignore"):
        deload = (chronic > 0) & (week_mean < th.deload_fraction * chronic)
    # L1 (ratio to a typical day, DOMS-weighted; l1_h hours since that session ended): for each
    # day, the session in the last 120 h with the largest DOMS-weighted load
    # relative to a typical day (chronic EWMA the day before the session).
    l1_ratio = np.zeros(n_days)
    l1_hours = np.full(n_days, np.nan)
    l1_load = np.full(n_days, np.nan)
    last_session_h = np.full(n_days, np.nan)
    if len(day) and n_days:
        prev_chronic = np.concatenate([[np.nan], chronic[:-1]])
        typical = np.fmax(prev_chronic[np.clip(day, 0, n_days - 1)], th.typical_day_floor_au)
        mature = (day - first_day) >= th.l1_min_history_days
        relative_load = np.where(mature, load / typical, np.nan)
        span_days = int(np.ceil(th.doms_end_h / 24.0)) + 1
        for days_after in range(span_days + 1):
            target = day + days_after
            on_calendar = (target >= 0) & (target < n_days)
            if not on_calendar.any():
                continue
            # calendar index of the day each session is weighed on
            weighed_day = target[on_calendar]
            hours = (at_s[weighed_day] - end_s[on_calendar]) / 3600.0
            valid = (hours >= 0) & (hours <= th.doms_end_h)
            weighted = np.where(
                valid, np.nan_to_num(relative_load[on_calendar]) * doms_weight(hours, th), 0.0
            )
            heavier = weighted > l1_ratio[weighed_day]
            # resolve several sessions mapping to the same day: process in ascending value
            order = np.argsort(weighted, kind="stable")
            chosen = order[heavier[order]]
            l1_ratio[weighed_day[chosen]] = weighted[chosen]
            l1_hours[weighed_day[chosen]] = hours[chosen]
            l1_load[weighed_day[chosen]] = load[on_calendar][chosen]
        # hours since the last session that ended at or before each day's instant
        last_ended = np.searchsorted(end_s, at_s, side="right") - 1
        any_ended = last_ended >= 0
        last_session_h[any_ended] = (at_s[any_ended] - end_s[last_ended[any_ended]]) / 3600.0
    maturity = np.clip((history_days + 1) / th.load_maturity_days, 0.0, 1.0)
    l1_ratio = np.where(history_days >= th.l1_min_history_days, l1_ratio, np.nan)
    return LoadHistory(
        daily_load=daily_load,
        acute=acute,
        chronic=chronic,
        ratio=ratio,
        monotony=monotony,
        strain=strain,
        deload=deload,
        l1_ratio=l1_ratio,
        l1_hours=l1_hours,
        l1_load=l1_load,
        last_session_h=last_session_h,
        history_days=history_days,
        maturity=maturity,
    )
