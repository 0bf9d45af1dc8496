"""``warmth``: is the body ready to stretch now (docs/scoring.md, "warmth").

``W = 100·exp(−Δt/τ)``, τ = 20 min, Δt = minutes from the end of the last qualifying bout
(≥ 10 min at ≥ moderate intensity: ≥ 40 % heart-rate reserve or ≥ 64 % HRmax (ACSM), else
CR-10 RPE ≥ 3, else assumed moderate when intensity is unknown) to the evaluation instant.
A bout still running at the instant gives Δt = 0. No qualifying bout → cold (W = 0, Δt null).
Warm ≥ 60 (≈ ≤ 10 min) · cooling 30–59 · cold < 30. A ring's skin temperature is not muscle
temperature and is not used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from readiness.scoring.bands import WarmthBand
from readiness.scoring.thresholds import Thresholds

__all__ = ["WarmthArrays", "warmth_band", "warmth_scores"]


@dataclass(frozen=True, slots=True)
class WarmthArrays:
    """Per-day warmth score and minutes since the last qualifying bout (NaN if none)."""

    score: np.ndarray
    minutes: np.ndarray


def warmth_scores(
    start_s: np.ndarray, end_s: np.ndarray, qualifying: np.ndarray, at_s: np.ndarray, th: Thresholds
) -> WarmthArrays:
    """Vectorised warmth at each day's evaluation instant."""
    n = len(at_s)
    minutes = np.full(n, np.nan)
    q_start = start_s[qualifying]
    q_end = end_s[qualifying]
    if len(q_start) and n:
        # last bout to have *ended* by the instant
        order_e = np.argsort(q_end, kind="stable")
        ends = q_end[order_e]
        pos = np.searchsorted(ends, at_s, side="right") - 1
        has = pos >= 0
        minutes[has] = (at_s[has] - ends[pos[has]]) / 60.0
        # a bout running at the instant (started before it, ends after it)
        order_s = np.argsort(q_start, kind="stable")
        starts = q_start[order_s]
        ends_by_start = np.maximum.accumulate(q_end[order_s])
        pos_s = np.searchsorted(starts, at_s, side="right") - 1
        running = (pos_s >= 0) & (ends_by_start[np.clip(pos_s, 0, None)] > at_s)
        minutes[running] = 0.0
    score = np.where(np.isfinite(minutes), 100.0 * np.exp(-minutes / th.warmth_tau_min), 0.0)
    return WarmthArrays(score=score, minutes=minutes)


def warmth_band(score: np.ndarray, th: Thresholds) -> np.ndarray:
    """:class:`WarmthBand` code per day: cold · cooling · warm (cut-points from ``th``)."""
    out: np.ndarray = np.where(
        score >= th.warm_from,
        WarmthBand.WARM,
        np.where(score >= th.cooling_from, WarmthBand.COOLING, WarmthBand.COLD),
    ).astype("int64")
    return out
