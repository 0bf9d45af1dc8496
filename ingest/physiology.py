"""What is known of the athlete's heart, Banister TRIMP, and RMSSD from exercise RR intervals.

**The athlete profile and its defaults** (the one place they are written). An
:class:`AthleteProfile` holds resting HR, maximum HR and sex when they are known; ingest and
scoring both read it. Where a value is unknown:

* resting HR: :data:`DEFAULT_HR_REST_BPM` = 60 bpm (ingest, when neither the options nor the
  file say; scoring, before any resting HR has been recorded);
* maximum HR: :data:`DEFAULT_HR_MAX_BPM` = 180 bpm, Tanaka's 208 − 0.7·age at age 40. Ingest
  uses it when neither the options nor the file say; scoring uses it as the floor under the
  running maximum of the heart rates seen so far;
* sex: the neutral coefficients of :data:`TRIMP_COEFFICIENTS` (the Runalyze values between the
  male and female ones), in ingest and in scoring alike.

**Banister TRIMPexp** (Banister 1975; Morton 1990), one formula for every caller::

    TRIMP = Σ minutes · HRr · k · e^(b · HRr),   HRr = (HR − HRrest) / (HRmax − HRrest)

with k = 0.64, b = 1.92 for men, k = 0.86, b = 1.67 for women and k = 0.7252, b = 1.795 when
sex is unknown; HRr is clipped to 0–1. :func:`trimp_exp` is that formula; ingest sums it over
heart-rate samples (:func:`banister_trimp`: each interval between two samples uses the heart
rate at its start; an interval longer than :data:`MAX_GAP_S` is a pause and is skipped, as is
one whose start has no heart rate) and scoring applies it to a session's average heart rate.

**RMSSD** (ms) from RR intervals (s): pads (NaN, ≥ 65.5 s) are dropped, RR outside 0.3–2.0 s are
artefacts, and a successive difference larger than 20 % of the earlier RR is an artefact pair
(ectopic beat or missed detection); differences touching an artefact are not used. At least
:data:`MIN_RR_PAIRS` clean differences are needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_HR_MAX_BPM",
    "DEFAULT_HR_REST_BPM",
    "MAX_GAP_S",
    "MIN_RR_PAIRS",
    "TRIMP_COEFFICIENTS",
    "AthleteProfile",
    "Sex",
    "banister_trimp",
    "rmssd_ms",
    "trimp_coefficients",
    "trimp_exp",
]

F64 = npt.NDArray[np.float64]

Sex = Literal["male", "female"]

#: Resting HR (bpm) assumed when nothing says otherwise.
DEFAULT_HR_REST_BPM = 60.0
#: Maximum HR (bpm) assumed when nothing says otherwise: Tanaka 208 − 0.7·age at age 40.
DEFAULT_HR_MAX_BPM = 180.0
#: TRIMPexp (k, b) by sex (Banister 1975; Morton 1990); ``None`` (unknown) takes Runalyze's
#: neutral values.
TRIMP_COEFFICIENTS: dict[str | None, tuple[float, float]] = {
    "male": (0.64, 1.92),
    "female": (0.86, 1.67),
    None: (0.7252, 1.795),
}

#: Gaps between heart-rate samples longer than this are pauses (not counted).
MAX_GAP_S = 60.0
#: Fewest clean successive RR differences for an RMSSD.
MIN_RR_PAIRS = 20
RR_MIN_S, RR_MAX_S, RR_PAD_S = 0.3, 2.0, 65.5
MAX_SUCCESSIVE_CHANGE = 0.20


@dataclass(frozen=True, slots=True)
class AthleteProfile:
    """What is known of the athlete's heart; ``None`` = unknown (defaults in the module docstring).

    ``hr_rest`` and ``hr_max`` are in bpm.
    """

    hr_rest: float | None = None
    hr_max: float | None = None
    sex: Sex | None = None


def trimp_coefficients(sex: str | None) -> tuple[float, float]:
    """TRIMPexp (k, b) for ``sex``; anything but "male" or "female" gets the neutral pair."""
    return TRIMP_COEFFICIENTS.get(sex, TRIMP_COEFFICIENTS[None])


def trimp_exp(minutes: F64, hrr: F64, sex: str | None) -> F64:
    """Banister TRIMPexp of ``minutes`` at heart-rate-reserve fraction ``hrr`` (clipped to 0–1)."""
    k, b = trimp_coefficients(sex)
    reserve = np.clip(hrr, 0.0, 1.0)
    out: F64 = minutes * reserve * k * np.exp(b * reserve)
    return out


def banister_trimp(
    t: F64,
    hr: F64,
    *,
    hr_rest: float,
    hr_max: float,
    sex: Sex | None,
    max_gap_s: float = MAX_GAP_S,
) -> float:
    """Banister TRIMP of a heart-rate series (``t`` seconds, ``hr`` bpm); NaN without HR."""
    t = np.asarray(t, dtype=np.float64)
    hr = np.asarray(hr, dtype=np.float64)
    if t.size < 2 or hr_max <= hr_rest:
        return float("nan")
    order = np.argsort(t, kind="stable")
    t, hr = t[order], hr[order]
    dt_s = np.diff(t)  # length of each interval, s
    start_hr = hr[:-1]
    use = np.isfinite(dt_s) & (dt_s > 0) & (dt_s <= max_gap_s) & np.isfinite(start_hr)
    if not use.any():
        return float("nan")
    hrr = (start_hr[use] - hr_rest) / (hr_max - hr_rest)
    return float(np.sum(trimp_exp(dt_s[use] / 60.0, hrr, sex)))


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
