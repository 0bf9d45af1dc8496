"""``nervous_system_stress``: autonomic strain, vectorised (docs/scoring.md,
"nervous_system_stress").

Each component is a deviation ``d`` in SD units in the worrying direction, mapped to points
``P(d) = clip(100·(d − k)/2, 0, 100)`` — zero inside the smallest-worthwhile-change band
(k = 0.5 SD; 1.0 while provisional), 100 at k + 2 SD. The score is the weighted mean of the
available components (weights renormalise over what exists; nothing is imputed), blended with
the stress check-in: ``0.85·AS_obj + 0.15·25·(stress − 1)``; a stress check-in of 4 or 5 also
floors the score at ``25·(stress − 1)`` (self-report can always escalate, Saw 2016).

Every component is non-decreasing in lower HRV and in higher resting HR (the property tests
check this); patterns are labels for the explanation and the decision table, except
``saturation-benign``, which zeroes the chronic HRV component (Plews 2013) — a component that is
zero anyway while the 7-day mean is inside the band, so monotonicity holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from readiness.scoring.bands import Band
from readiness.scoring.freshness import Freshness
from readiness.scoring.signals import Night
from readiness.scoring.thresholds import Thresholds

__all__ = [
    "PATTERNS",
    "StressArrays",
    "band_code",
    "checkin_blend",
    "points",
    "stress_scores",
    "weighted_mean",
]

PATTERNS = (
    "saturation-benign",
    "parasympathetic-shift",
    "guarded-sympathetic",
    "locked-low",
    "accumulating",
    "acute-dip",
    "coping-well",
)


def points(d: np.ndarray, k: np.ndarray | float, span: float) -> np.ndarray:
    """P(d) = clip(100·(d − k)/span, 0, 100); NaN stays NaN."""
    with np.errstate(invalid="ignore"):
        out: np.ndarray = np.clip(100.0 * (d - k) / span, 0.0, 100.0)
    return out


def weighted_mean(parts: tuple[tuple[np.ndarray, float], ...], n: int) -> np.ndarray:
    """Σ w·p / Σ w per day over the parts that exist (weights renormalise; NaN when none)."""
    weighted_sum = np.zeros(n)
    weight_sum = np.zeros(n)
    for part, weight in parts:
        present = np.isfinite(part)
        weighted_sum += np.where(present, weight * np.nan_to_num(part), 0.0)
        weight_sum += np.where(present, weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = np.where(weight_sum > 0, weighted_sum / weight_sum, np.nan)
    return out


def band_code(score: np.ndarray, th: Thresholds) -> np.ndarray:
    """:class:`Band` code per day: unknown (NaN) · settled · elevated · guarded (cut-points from
    ``th``)."""
    out = np.where(
        score >= th.band_guarded,
        Band.GUARDED,
        np.where(score >= th.band_elevated, Band.ELEVATED, Band.SETTLED),
    )
    return np.where(np.isfinite(score), out, Band.UNKNOWN).astype("int64")


@dataclass(frozen=True, slots=True)
class StressArrays:
    """Per-day stress score, its parts and its confidence."""

    score: np.ndarray  # NaN = cannot be computed
    objective: np.ndarray  # AS_obj before the check-in blend
    confidence: np.ndarray
    provisional: np.ndarray
    k: np.ndarray
    d_hrv_chronic: np.ndarray
    d_hrv_acute: np.ndarray
    d_rhr_chronic: np.ndarray
    d_rhr_acute: np.ndarray
    d_trend: np.ndarray
    p_hrv_chronic: np.ndarray
    p_hrv_acute: np.ndarray
    p_rhr_chronic: np.ndarray
    p_rhr_acute: np.ndarray
    p_sleep: np.ndarray
    p_trend: np.ndarray
    pattern: np.ndarray  # object array of labels or None
    hrv_below: np.ndarray  # today's HRV below the band (illness sign)


def checkin_blend(
    objective: np.ndarray, stress_ci: np.ndarray, confidence: np.ndarray, th: Thresholds
) -> np.ndarray:
    """The score from the objective part and the day's stress check-in: the 15 % blend, the
    floor of a 4–5 rating, and null below the withholding confidence."""
    share = th.checkin_stress_share
    has_ci = np.isfinite(stress_ci)
    ci_points = th.checkin_floor_per_point * (stress_ci - 1.0)
    blended = np.where(
        np.isfinite(objective),
        np.where(has_ci, (1 - share) * objective + share * ci_points, objective),
        np.where(has_ci, ci_points, np.nan),
    )
    floor = np.where(has_ci & (stress_ci >= th.stress_escalate_from), ci_points, -np.inf)
    score = np.where(np.isfinite(blended), np.maximum(blended, floor), np.nan)
    out: np.ndarray = np.where(confidence >= th.conf_withhold, score, np.nan)
    return out


def stress_scores(
    night: Night,
    fresh: Freshness,
    *,
    stress_ci: np.ndarray,
    fatigue_ci: np.ndarray,
    high_load: np.ndarray,
    th: Thresholds,
) -> StressArrays:
    """Vectorised autonomic strain for every calendar day."""
    hrv, rhr = night.hrv, night.rhr  # lnHRV and resting-HR signals with their baselines
    # k, k_r: half-width of the smallest-worthwhile-change band, SD units (HRV, resting HR)
    k = np.where(hrv.n >= th.provisional_nights, th.swc_k, th.swc_k_provisional)
    k_r = np.where(rhr.n >= th.provisional_nights, th.swc_k, th.swc_k_provisional)
    # d_*: deviations in SD units, positive = the worrying direction — HRV chronic (7-day mean)
    # and acute (last night), resting HR chronic and acute, HRV trend (SDs of fall per week)
    # nights older than the freshness window feed nothing (docs/scoring.md, "Freshness")
    stale = np.where(fresh.night_fresh, 0.0, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_hc = (hrv.mu - hrv.mean7) / hrv.sigma + stale
        d_ha = (hrv.mu - hrv.today) / hrv.sigma + stale
        d_rc = (rhr.mean7 - rhr.mu) / rhr.sigma + stale
        d_ra = (rhr.today - rhr.mu) / rhr.sigma + stale
        d_tr = -night.slope * th.mean_days / hrv.sigma + stale
    span = th.points_span_sd
    below = d_hc > k
    above = d_hc < -k
    rhr_up = d_rc > k_r
    rhr_down = d_rc < -k_r
    reported = np.isfinite(fatigue_ci) | np.isfinite(stress_ci)
    wellness_ok = (
        reported & ~(fatigue_ci > th.benign_wellness_max) & ~(stress_ci > th.benign_wellness_max)
    )
    saturation = below & rhr_down & wellness_ok
    # p_*: points 0–100 of each component (same order as d_*, plus sleep)
    p_hc = np.where(saturation, 0.0, points(d_hc, k, span))
    p_ha = points(d_ha, k, span)
    p_rc = points(d_rc, k_r, span)
    p_ra = points(d_ra, k_r, span)
    p_sl = night.sleep.points + stale
    p_tr = points(d_tr, k, span)
    comps = (
        (p_hc, th.w_hrv_chronic),
        (p_ha, th.w_hrv_acute),
        (p_rc, th.w_rhr_chronic),
        (p_ra, th.w_rhr_acute),
        (p_sl, th.w_sleep),
        (p_tr, th.w_trend),
    )
    objective = weighted_mean(comps, len(k))
    # confidence: Σ w·q / Σ w over every declared component (missing ones count as q = 0)
    # mat_*: baseline maturity (nights / full_nights), comp_*: 7-day completeness, both 0–1
    mat_h = np.clip(hrv.n / th.full_nights, 0, 1)
    mat_r = np.clip(rhr.n / th.full_nights, 0, 1)
    comp_h = np.where(hrv.valid7 >= th.mean_min_valid, hrv.valid7 / th.mean_days, 0.0)
    comp_r = np.where(rhr.valid7 >= th.mean_min_valid, rhr.valid7 / th.mean_days, 0.0)
    q = (  # (quality 0–1, weight) per component
        (np.isfinite(p_hc) * mat_h * comp_h, th.w_hrv_chronic),
        (np.isfinite(p_ha) * mat_h, th.w_hrv_acute),
        (np.isfinite(p_rc) * mat_r * comp_r, th.w_rhr_chronic),
        (np.isfinite(p_ra) * mat_r, th.w_rhr_acute),
        (np.isfinite(p_sl) * night.sleep.nights7 / th.mean_days, th.w_sleep),
        (np.isfinite(p_tr) * mat_h, th.w_trend),
    )
    w_all = sum(weight for _, weight in q)
    # missing nights lower confidence: last night's components drop out, the 7-day ones count
    # their completeness (docs/scoring.md, "Confidence and calibration")
    conf_obj = sum(quality * weight for quality, weight in q) / w_all
    share = th.checkin_stress_share
    conf = (1 - share) * conf_obj + share * np.isfinite(stress_ci)
    provisional = hrv.n < th.provisional_nights
    conf = np.where(provisional, np.minimum(conf, th.provisional_max_confidence), conf)
    score = checkin_blend(objective, stress_ci, conf, th)
    falling = d_tr > k
    cv_up = night.cv7 > night.cv_mu + th.cv_change_sd * night.cv_sigma
    cv_down = night.cv7 < night.cv_mu - th.cv_change_sd * night.cv_sigma
    conditions = [
        saturation,
        above & rhr_down & high_load & (fatigue_ci >= th.shift_fatigue),
        below & rhr_up,
        below & cv_down,
        below | (falling & cv_up),
        d_ha > th.acute_dip_sd,
        np.isfinite(d_hc),
    ]
    pattern = np.select(conditions, list(PATTERNS), default="")
    pattern_obj = np.full(len(pattern), None, dtype=object)
    named = pattern != ""
    pattern_obj[named] = pattern[named]
    return StressArrays(
        score=score,
        objective=objective,
        confidence=conf,
        provisional=provisional,
        k=k,
        d_hrv_chronic=d_hc,
        d_hrv_acute=d_ha,
        d_rhr_chronic=d_rc,
        d_rhr_acute=d_ra,
        d_trend=d_tr,
        p_hrv_chronic=p_hc,
        p_hrv_acute=p_ha,
        p_rhr_chronic=p_rc,
        p_rhr_acute=p_ra,
        p_sleep=p_sl,
        p_trend=p_tr,
        pattern=pattern_obj,
        hrv_below=d_ha > k,
    )
