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
    hrr = (avg_hr - hr_rest) / np.maximum(hr_max - hr_rest, 1.0)
    from_hr = trimp_exp(minutes, hrr, sex)
    from_rpe = trimp_exp(minutes, rpe * th.trimp_rpe_scale, sex)
    default = trimp_exp(minutes, np.full_like(minutes, th.trimp_default_hrr), sex)
    has_trimp = np.isfinite(trimp)
    has_hr = np.isfinite(hrr)
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
    late = 1.0 - (hours - th.doms_late_h) / (th.doms_end_h - th.doms_late_h)
    out: np.ndarray = np.where(
        hours < 0,
        0.0,
        np.where(
            hours < th.doms_early_h,
            th.doms_early_weight,
            np.where(hours <= th.doms_late_h, 1.0, np.clip(late, 0.0, 1.0)),
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
    n: int,
    day: np.ndarray,
    load: np.ndarray,
    end_s: np.ndarray,
    at_s: np.ndarray,
    first_day: int,
    th: Thresholds,
) -> LoadHistory:
    """Vectorised load metrics for every calendar day."""
    daily = np.bincount(np.clip(day, 0, max(n - 1, 0)), weights=load, minlength=n)[:n]
    daily = daily.astype("float64")
    # Load history starts at the first session: earlier days are unknown, not zero.
    acute = np.full(n, np.nan)
    chronic = np.full(n, np.nan)
    if first_day >= 0:
        acute[first_day:] = ewma(daily[first_day:], th.ewma_acute_span)
        chronic[first_day:] = ewma(daily[first_day:], th.ewma_chronic_span)
    idx = np.arange(n)
    history_days = np.where(first_day >= 0, idx - first_day, -1)
    lag = th.ratio_lag_days
    ratio = np.full(n, np.nan)
    if n > lag:
        prev = chronic[:-lag]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio[lag:] = np.where(prev > 0, acute[lag:] / prev, np.nan)
    ratio = np.where(history_days >= th.ratio_min_days, ratio, np.nan)
    win = th.mean_days
    pad = np.concatenate([np.zeros(win - 1), daily])
    week = sliding_window_view(pad, win)[:n]  # the last `win` daily loads per day, AU
    mean7 = week.mean(axis=1)
    sd7 = week.std(axis=1, ddof=1) if win > 1 else np.zeros(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        mono = np.where(sd7 > 0, mean7 / sd7, np.where(mean7 > 0, th.monotony_cap, 0.0))
    mono = np.minimum(mono, th.monotony_cap)
    mono = np.where(history_days >= win - 1, mono, np.nan)
    strain = week.sum(axis=1) * mono
    with np.errstate(invalid="ignore"):
        deload = (chronic > 0) & (mean7 < th.deload_fraction * chronic)
    # L1 (ratio to a typical day, DOMS-weighted; l1_h hours since that session ended): for each
    # day, the session in the last 120 h with the largest DOMS-weighted load
    # relative to a typical day (chronic EWMA the day before the session).
    l1 = np.zeros(n)
    l1_h = np.full(n, np.nan)
    l1_load = np.full(n, np.nan)
    last_h = np.full(n, np.nan)
    if len(day) and n:
        prev_chronic = np.concatenate([[np.nan], chronic[:-1]])
        typical = np.fmax(prev_chronic[np.clip(day, 0, n - 1)], th.typical_day_floor_au)
        mature = (day - first_day) >= th.l1_min_history_days
        rel = np.where(mature, load / typical, np.nan)
        span_days = int(np.ceil(th.doms_end_h / 24.0)) + 1
        for k in range(span_days + 1):
            target = day + k
            ok = (target >= 0) & (target < n)
            if not ok.any():
                continue
            t = target[ok]  # calendar index of the day each session is weighed on
            hours = (at_s[t] - end_s[ok]) / 3600.0
            valid = (hours >= 0) & (hours <= th.doms_end_h)
            val = np.where(valid, np.nan_to_num(rel[ok]) * doms_weight(hours, th), 0.0)
            better = val > l1[t]
            # resolve several sessions mapping to the same day: process in ascending value
            order = np.argsort(val, kind="stable")
            sel = order[better[order]]
            l1[t[sel]] = val[sel]
            l1_h[t[sel]] = hours[sel]
            l1_load[t[sel]] = load[ok][sel]
        # hours since the last session that ended at or before each day's instant
        pos = np.searchsorted(end_s, at_s, side="right") - 1
        has = pos >= 0
        last_h[has] = (at_s[has] - end_s[pos[has]]) / 3600.0
    maturity = np.clip((history_days + 1) / th.load_maturity_days, 0.0, 1.0)
    l1 = np.where(history_days >= th.l1_min_history_days, l1, np.nan)
    return LoadHistory(
        daily_load=daily,
        acute=acute,
        chronic=chronic,
        ratio=ratio,
        monotony=mono,
        strain=strain,
        deload=deload,
        l1_ratio=l1,
        l1_hours=l1_h,
        l1_load=l1_load,
        last_session_h=last_h,
        history_days=history_days,
        maturity=maturity,
    )
