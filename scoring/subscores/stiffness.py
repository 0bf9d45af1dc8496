"""``physical_stiffness``: tissue load, typed ``load``/``inactivity`` (docs/scoring.md,
"physical_stiffness").

* ``load`` (training-induced, DOMS-type): L1 the recent session vs a typical day in the
  12–72 h DOMS window, L2 the uncoupled EWMA spike (descriptive), L3 monotony (muted in a
  deload week); ``TL_load = max(25·(soreness − 1), 0.5·L1 + 0.25·L2 + 0.25·L3)``.
* ``inactivity`` (heuristic, grade C/D): I1 the inactive-time exposure (an EWMA of measured
  inactive waking minutes over measured days), I2 the longest sedentary bout of the day;
  ``TL_inact = max(25·(stiffness − 1), mean(I1, I2))``. Only measured time counts: a day whose
  monitoring coverage is known and below ``coverage_valid_min`` has no inactivity inputs.
* A pathway whose data is older than its freshness window (:mod:`readiness.scoring.freshness`)
  has no objective parts that day; its check-in floor still applies.

``TL = max(TL_load, TL_inact)``; the type is the larger pathway (load on a tie). Weights
renormalise over the available parts; a check-in floor always applies (self-report escalates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from readiness.scoring.freshness import Freshness
from readiness.scoring.load import LoadHistory
from readiness.scoring.prepare import Columns
from readiness.scoring.subscores.stress import points, weighted_mean
from readiness.scoring.thresholds import Thresholds

__all__ = ["StiffnessArrays", "stiffness_scores"]


@dataclass(frozen=True, slots=True)
class StiffnessArrays:
    """Per-day stiffness score, type, parts and confidence."""

    score: np.ndarray
    is_load: np.ndarray  # bool: type "load" (else "inactivity")
    confidence: np.ndarray
    provisional: np.ndarray
    tl_load: np.ndarray
    tl_inact: np.ndarray
    l1: np.ndarray
    l2: np.ndarray
    l3: np.ndarray
    i1: np.ndarray
    i2: np.ndarray
    sedentary_min: np.ndarray  # measured inactive waking minutes of the day
    exposure_min: np.ndarray  # the inactive-time exposure I1 reads (EWMA over measured days)
    bout_min: np.ndarray
    coverage_min: np.ndarray  # measured minutes of the day (NaN: the source does not say)
    too_little_coverage: np.ndarray  # bool: coverage known and below the valid-day threshold


def _measured_inactivity(
    daily: Columns, th: Thresholds
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Measured inactive minutes, longest bout, coverage and the too-little-coverage flag.

    Coverage unknown (the source does not report it): the vendor's own inactive time stands.
    Coverage known: below ``coverage_valid_min`` the day has no inactivity inputs; without a
    sedentary value, inactive time is estimated from measured time only —
    ``min(coverage, 1440 − in bed) − active`` — never from the hours nobody measured.
    """
    coverage = daily["monitoring_coverage_min"]
    known = np.isfinite(coverage)
    with np.errstate(invalid="ignore"):
        too_little = known & (coverage < th.coverage_valid_min)
    in_bed_min = daily["sleep_in_bed_min"]
    asleep_min = np.where(np.isfinite(in_bed_min), in_bed_min, daily["sleep_total_min"])
    estimated = np.minimum(coverage, 1440.0 - asleep_min) - daily["active_min"]
    sedentary = daily["sedentary_min"]
    with np.errstate(invalid="ignore"):
        sedentary = np.where(
            np.isfinite(sedentary), sedentary, np.where(known, np.fmax(estimated, 0.0), np.nan)
        )
    sedentary = np.where(too_little, np.nan, sedentary)
    bout = np.where(too_little, np.nan, daily["longest_sedentary_bout_min"])
    return sedentary, bout, coverage, too_little


def _exposure(sedentary_min: np.ndarray, span: int) -> np.ndarray:
    """EWMA of inactive minutes over the measured days, λ = 2/(span + 1), decaying by calendar
    day (a gap weakens older days; nothing is filled in); NaN on days without a measurement."""
    if len(sedentary_min) == 0:
        return np.zeros(0)
    smoothed = pd.Series(sedentary_min).ewm(span=span, adjust=True, ignore_na=False).mean()
    out: np.ndarray = np.where(np.isfinite(sedentary_min), smoothed.to_numpy(), np.nan)
    return out


def stiffness_scores(
    daily: Columns,
    load: LoadHistory,
    fresh: Freshness,
    *,
    soreness_ci: np.ndarray,
    stiffness_ci: np.ndarray,
    th: Thresholds,
) -> StiffnessArrays:
    """Vectorised tissue-load score for every calendar day."""
    n_days = len(load.daily_load)
    # l1–l3: load parts (recent session, EWMA spike, monotony), i1–i2: inactivity parts
    # (inactive-time exposure, longest sitting bout) — each in points 0–100; a pathway whose
    # data is not fresh has none
    has_sessions = (load.history_days >= 0) & fresh.load_fresh
    l1 = np.where(has_sessions, points(load.l1_ratio, 1.0, th.l1_span), np.nan)
    l2 = np.where(has_sessions, points(load.ratio, 1.0, th.spike_span), np.nan)
    l3 = np.where(
        has_sessions,
        np.where(load.deload, 0.0, points(load.monotony, th.monotony_from, th.monotony_span)),
        np.nan,
    )
    obj_load = weighted_mean(((l1, th.w_l1), (l2, th.w_l2), (l3, th.w_l3)), n_days)
    floor_per_point = th.checkin_floor_per_point
    sore_floor = floor_per_point * (soreness_ci - 1.0)
    tl_load = np.fmax(obj_load, sore_floor)
    sedentary_min, bout_min, coverage_min, too_little = _measured_inactivity(daily, th)
    exposure_min = _exposure(sedentary_min, th.sedentary_ewma_span)
    i1 = np.where(
        fresh.activity_fresh,
        points(exposure_min, th.inactive_from_min, th.inactive_span_min),
        np.nan,
    )
    i2 = np.where(
        fresh.activity_fresh, points(bout_min, th.bout_from_min, th.bout_span_min), np.nan
    )
    obj_inact = weighted_mean(((i1, 0.5), (i2, 0.5)), n_days)
    tl_inact = np.fmax(obj_inact, floor_per_point * (stiffness_ci - 1.0))
    score = np.fmax(tl_load, tl_inact)
    is_load = np.nan_to_num(tl_load, nan=-1.0) >= np.nan_to_num(tl_inact, nan=-1.0)
    # confidence: objective part (what exists, how mature) 75 %, the matching check-in 25 %
    q_load = (
        th.w_l1 * np.isfinite(l1) * load.maturity
        + th.w_l2 * np.isfinite(l2)
        + th.w_l3 * np.isfinite(l3)
    ) / (th.w_l1 + th.w_l2 + th.w_l3)
    q_load = q_load * fresh.load_factor
    q_inact = 0.5 * np.isfinite(i1) + 0.5 * np.isfinite(i2)
    confidence = np.where(
        is_load,
        0.75 * q_load + 0.25 * np.isfinite(soreness_ci),
        0.75 * q_inact + 0.25 * np.isfinite(stiffness_ci),
    )
    # like every sub-score, provisional during the first 14 days of data
    provisional = np.arange(n_days) + 1 < th.provisional_nights
    confidence = np.where(
        provisional, np.minimum(confidence, th.provisional_max_confidence), confidence
    )
    score = np.where(confidence >= th.conf_withhold, score, np.nan)
    return StiffnessArrays(
        score=score,
        is_load=is_load,
        confidence=confidence,
        provisional=provisional,
        tl_load=tl_load,
        tl_inact=tl_inact,
        l1=l1,
        l2=l2,
        l3=l3,
        i1=i1,
        i2=i2,
        sedentary_min=sedentary_min,
        exposure_min=exposure_min,
        bout_min=bout_min,
        coverage_min=coverage_min,
        too_little_coverage=too_little,
    )
