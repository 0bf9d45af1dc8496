"""Training impulse from heart-rate samples, and RMSSD from exercise RR intervals (numpy only).

Banister TRIMP::

    TRIMP = Σ Δt[min] · HRr · k · e^(b · HRr),   HRr = (HR − HRrest) / (HRmax − HRrest)

with k = 0.64, b = 1.92 for men and k = 0.86, b = 1.67 for women. Each interval between two
samples uses the heart rate at its start; an interval longer than :data:`MAX_GAP_S` is a pause
and is skipped, as is one whose start has no heart rate. HRr is clipped to 0–1.

RMSSD (ms) from RR intervals (s): pads (NaN, ≥ 65.5 s) are dropped, RR outside 0.3–2.0 s are
artefacts, and a successive difference larger than 20 % of the earlier RR is an artefact pair
(ectopic beat or missed detection); differences touching an artefact are not used. At least
:data:`MIN_RR_PAIRS` clean differences are needed.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["MAX_GAP_S", "MIN_RR_PAIRS", "banister_trimp", "rmssd_ms"]

F64 = npt.NDArray[np.float64]

#: Gaps between heart-rate samples longer than this are pauses (not counted).
MAX_GAP_S = 60.0
#: Fewest clean successive RR differences for an RMSSD.
MIN_RR_PAIRS = 20
RR_MIN_S, RR_MAX_S, RR_PAD_S = 0.3, 2.0, 65.5
MAX_SUCCESSIVE_CHANGE = 0.20

_COEFFS = {"male": (0.64, 1.92), "female": (0.86, 1.67)}


def banister_trimp(
    t: F64,
    hr: F64,
    *,
    hr_rest: float,
    hr_max: float,
    sex: Literal["male", "female"] = "male",
    max_gap_s: float = MAX_GAP_S,
) -> float:
    """Banister TRIMP of a heart-rate series (``t`` seconds, ``hr`` bpm); NaN without HR."""
    t = np.asarray(t, dtype=np.float64)
    hr = np.asarray(hr, dtype=np.float64)
    if t.size < 2 or hr_max <= hr_rest:
        return float("nan")
    order = np.argsort(t, kind="stable")
    t, hr = t[order], hr[order]
    dt = np.diff(t)
    start_hr = hr[:-1]
    use = np.isfinite(dt) & (dt > 0) & (dt <= max_gap_s) & np.isfinite(start_hr)
    if not use.any():
        return float("nan")
    k, b = _COEFFS[sex]
    hrr = np.clip((start_hr[use] - hr_rest) / (hr_max - hr_rest), 0.0, 1.0)
    return float(np.sum(dt[use] / 60.0 * hrr * k * np.exp(b * hrr)))


def rmssd_ms(rr_s: F64, *, min_pairs: int = MIN_RR_PAIRS) -> float:
    """RMSSD in ms of RR intervals in seconds, in beat order (rules in the module docstring)."""
    rr = np.asarray(rr_s, dtype=np.float64).ravel()
    rr = rr[np.isfinite(rr) & (rr < RR_PAD_S)]  # padding, not beats
    if rr.size < 2:
        return float("nan")
    ok = (rr >= RR_MIN_S) & (rr <= RR_MAX_S)
    diff = np.diff(rr)
    pair = ok[1:] & ok[:-1] & (np.abs(diff) <= MAX_SUCCESSIVE_CHANGE * rr[:-1])
    if int(pair.sum()) < min_pairs:
        return float("nan")
    return float(np.sqrt(np.mean(diff[pair] ** 2)) * 1000.0)
