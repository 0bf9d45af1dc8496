"""``physical_stiffness``: tissue load, typed ``load``/``inactivity`` (docs/scoring.md,
"physical_stiffness").

* ``load`` (training-induced, DOMS-type): L1 the recent session vs a typical day in the
  12–72 h DOMS window, L2 the uncoupled EWMA spike (descriptive), L3 monotony (muted in a
  deload week); ``TL_load = max(25·(soreness − 1), 0.5·L1 + 0.25·L2 + 0.25·L3)``.
* ``inactivity`` (heuristic, grade C/D): I1 inactive waking minutes, I2 the longest sedentary
  bout; ``TL_inact = max(25·(stiffness − 1), mean(I1, I2))``.

``TL = max(TL_load, TL_inact)``; the type is the larger pathway (load on a tie). Weights
renormalise over the available parts; a check-in floor always applies (self-report escalates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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
    sedentary_min: np.ndarray
    bout_min: np.ndarray


def stiffness_scores(
    daily: Columns,
    load: LoadHistory,
    *,
    soreness_ci: np.ndarray,
    stiffness_ci: np.ndarray,
    th: Thresholds,
) -> StiffnessArrays:
    """Vectorised tissue-load score for every calendar day."""
    n_days = len(load.daily_load)
    # l1–l3: load parts (recent session, EWMA spike, monotony), i1–i2: inactivity parts
    # (inactive minutes, longest sitting bout) — each in points 0–100
    has_sessions = load.history_days >= 0
    l1 = np.where(has_sessions, points(load.l1_ratio, 1.0, th.l1_span), np.nan)
    l2 = points(load.ratio, 1.0, th.spike_span)
    l3 = np.where(load.deload, 0.0, points(load.monotony, th.monotony_from, th.monotony_span))
    obj_load = weighted_mean(((l1, th.w_l1), (l2, th.w_l2), (l3, th.w_l3)), n_days)
    floor_per_point = th.checkin_floor_per_point
    sore_floor = floor_per_point * (soreness_ci - 1.0)
    tl_load = np.fmax(obj_load, sore_floor)
    sedentary_min = daily["sedentary_min"]
    active_min = daily["active_min"]
    in_bed_min = daily["sleep_in_bed_min"]
    asleep_min = np.where(np.isfinite(in_bed_min), in_bed_min, daily["sleep_total_min"])
    estimated_sedentary_min = 1440.0 - asleep_min - active_min
    with np.errstate(invalid="ignore"):
        sedentary_min = np.where(
            np.isfinite(sedentary_min),
            sedentary_min,
            np.where(estimated_sedentary_min >= 0, estimated_sedentary_min, np.nan),
        )
    bout_min = daily["longest_sedentary_bout_min"]
    i1 = points(sedentary_min, th.inactive_from_min, th.inactive_span_min)
    i2 = points(bout_min, th.bout_from_min, th.bout_span_min)
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
        bout_min=bout_min,
    )
