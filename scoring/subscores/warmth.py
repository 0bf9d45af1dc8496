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
    n_days = len(at_s)
    minutes = np.full(n_days, np.nan)
    bout_start_s = start_s[qualifying]
    bout_end_s = end_s[qualifying]
    if len(bout_start_s) and n_days:
        # last bout to have *ended* by the instant
        by_end = np.argsort(bout_end_s, kind="stable")
        end_s_sorted = bout_end_s[by_end]
        last_ended = np.searchsorted(end_s_sorted, at_s, side="right") - 1
        any_ended = last_ended >= 0
        minutes[any_ended] = (at_s[any_ended] - end_s_sorted[last_ended[any_ended]]) / 60.0
        # a bout running at the instant (started before it, ends after it)
        by_start = np.argsort(bout_start_s, kind="stable")
        start_s_sorted = bout_start_s[by_start]
        latest_end_by_start = np.maximum.accumulate(bout_end_s[by_start])
        last_started = np.searchsorted(start_s_sorted, at_s, side="right") - 1
        running = (last_started >= 0) & (latest_end_by_start[np.clip(last_started, 0, None)] > at_s)
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
