"""The vectorised scorer: every calendar day, every sub-score, gate and rule, in one pass.

``score_history`` returns a DataFrame (one row per calendar day) for batch use and the
benchmark; ``compute`` returns the same plus the intermediate arrays that ``explain`` turns into
the per-day explanation objects. No per-day Python loop runs over the history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import pandas as pd
from readiness.ingest import AthleteProfile
from readiness.scoring.bands import Band, band_labels, warmth_labels
from readiness.scoring.decision.gates import GateArrays, gates
from readiness.scoring.decision.rules import RULES, DecisionInputs, decide, overreaching
from readiness.scoring.load import LoadHistory, load_history
from readiness.scoring.prepare import Columns, Prepared, prepare
from readiness.scoring.signals import Night, night_signals
from readiness.scoring.subscores.stiffness import StiffnessArrays, stiffness_scores
from readiness.scoring.subscores.stress import StressArrays, band_code, stress_scores
from readiness.scoring.subscores.warmth import WarmthArrays, warmth_band, warmth_scores
from readiness.scoring.thresholds import DEFAULT, Thresholds

__all__ = ["History", "compute", "deescalation", "score_history"]

_RULE_IDS = np.array([r.id for r in RULES], dtype=object)
_RULE_ACTIONS = np.array([r.action for r in RULES], dtype=object)


@dataclass(frozen=True, slots=True)
class History:
    """Everything computed for the calendar, kept for explanations."""

    prepared: Prepared
    night: Night
    load: LoadHistory
    stress: StressArrays
    stiffness: StiffnessArrays
    warmth: WarmthArrays
    gates: GateArrays
    deescalated: np.ndarray
    effective_band: np.ndarray
    rest_signal: np.ndarray
    rule_index: np.ndarray  # index into RULES per day
    checkin: dict[str, np.ndarray]
    cause: np.ndarray  # object: the athlete's stated non-training cause, or None
    frame: pd.DataFrame


def _checkin_arrays(c: Columns) -> dict[str, np.ndarray]:
    cols = ("soreness", "stress", "stiffness", "pain", "fatigue", "mood", "sleep_quality")
    return {k: c[k] for k in cols}


def _cause(c: Columns, n: int) -> np.ndarray:
    """The athlete's stated non-training cause (check-in column ``cause`` or ``note``)."""
    out = np.full(n, None, dtype=object)
    for col in ("cause", "note"):
        if col in c:
            text = np.array([str(v).strip() if v is not None else "" for v in c[col]], object)
            given = (text != "") & (out == None)  # noqa: E711 - elementwise
            out[given] = text[given]
    return out


def deescalation(
    band: np.ndarray,
    stress_ci: np.ndarray,
    deviations: tuple[np.ndarray, ...],
    cause: np.ndarray,
    th: Thresholds,
) -> np.ndarray:
    """Days where a check-in may relax an objective "guarded" (docs/scoring.md, "Check-ins").

    Only when the band is guarded, the athlete rates stress ≤ 2, at most one body-signal
    deviation is beyond 1.5 SD, and the athlete names a non-training cause (tracker error, late
    caffeine, a warm room…). The score is not changed; the table reads the band as elevated.
    """
    beyond = sum((np.nan_to_num(d, nan=0.0) > th.deescalate_sd).astype(int) for d in deviations)
    out: np.ndarray = (
        (band == Band.GUARDED)
        & (stress_ci <= th.deescalate_stress_max)
        & (beyond <= th.deescalate_max_components)
        & (cause != None)  # noqa: E711 - elementwise on an object array
    )
    return out


def compute(
    daily: pd.DataFrame | None,
    sessions: pd.DataFrame | None,
    checkins: pd.DataFrame | None,
    *,
    profile: AthleteProfile | None = None,
    timezone: str = "UTC",
    at: dict[datetime.date, datetime.datetime] | None = None,
    extra_dates: tuple[datetime.date, ...] = (),
    th: Thresholds = DEFAULT,
) -> History:
    """Score every calendar day (vectorised) and keep the parts."""
    profile = profile or AthleteProfile()
    p = prepare(
        daily,
        sessions,
        checkins,
        profile=profile,
        timezone=timezone,
        th=th,
        extra_dates=extra_dates,
        at=at,
    )
    n = p.n
    ci = _checkin_arrays(p.checkins)
    night = night_signals(p.daily, th)
    s = p.sessions
    lh = load_history(
        n,
        s["day"],
        s["load"],
        s["end_s"],
        p.at_s,
        p.first_session_day,
        th,
    )
    stiff = stiffness_scores(
        p.daily, lh, soreness_ci=ci["soreness"], stiffness_ci=ci["stiffness"], th=th
    )
    high_load = np.nan_to_num(stiff.tl_load, nan=0.0) >= th.band_elevated
    st = stress_scores(
        night, stress_ci=ci["stress"], fatigue_ci=ci["fatigue"], high_load=high_load, th=th
    )
    w = warmth_scores(
        s["start_s"],
        s["end_s"],
        s["qualifying"],
        p.at_s,
        th,
    )
    g = gates(p.checkins, night, th)
    band = band_code(st.score, th)
    cause = _cause(p.checkins, n)
    deesc = deescalation(
        band,
        ci["stress"],
        (st.d_hrv_chronic, st.d_hrv_acute, st.d_rhr_chronic, st.d_rhr_acute),
        cause,
        th,
    )
    eff_band = np.where(deesc, Band.ELEVATED, band)
    rest_signal = overreaching(
        st.objective, night.sleep.debt7_h, ci["fatigue"], st.pattern, high_load, deesc, th
    )
    inputs = DecisionInputs(
        stress=st.score,
        stress_band=eff_band,
        rest_signal=rest_signal,
        stiffness=stiff.score,
        is_load=stiff.is_load,
        warmth=w.score,
        pain_gate=g.pain,
        illness_gate=g.illness,
    )
    rule = decide(inputs, th) if n else np.zeros(0, dtype="int64")
    stiff_band = band_code(stiff.score, th)
    frame = pd.DataFrame(
        {
            "date": p.days,
            "nervous_system_stress": st.score,
            "stress_band": band_labels(band),
            "stress_confidence": st.confidence,
            "stress_provisional": st.provisional,
            "pattern": st.pattern,
            "physical_stiffness": stiff.score,
            "stiffness_band": band_labels(stiff_band),
            "stiffness_type": np.where(stiff.is_load, "load", "inactivity"),
            "stiffness_confidence": stiff.confidence,
            "warmth": w.score,
            "warmth_band": warmth_labels(warmth_band(w.score, th)),
            "minutes_since_activity": w.minutes,
            "pain_gate": g.pain,
            "illness_gate": g.illness,
            "rule": _RULE_IDS[rule] if n else np.zeros(0, dtype=object),
            "action": _RULE_ACTIONS[rule] if n else np.zeros(0, dtype=object),
            "hrv_valid_nights": night.hrv.n,
            "hrv_7d_ms": np.exp(night.hrv.mean7),
            "rhr_7d_bpm": night.rhr.mean7,
            "sleep_debt_7d_h": night.sleep.debt7_h,
            "load_acute": lh.acute,
            "load_chronic": lh.chronic,
            "load_ratio": lh.ratio,
            "monotony": lh.monotony,
            "strain": lh.strain,
            "tl_load": stiff.tl_load,
            "tl_inactivity": stiff.tl_inact,
        }
    )
    return History(
        prepared=p,
        night=night,
        load=lh,
        stress=st,
        stiffness=stiff,
        warmth=w,
        gates=g,
        deescalated=deesc,
        effective_band=eff_band,
        rest_signal=rest_signal,
        rule_index=rule,
        checkin=ci,
        cause=cause,
        frame=frame,
    )


def score_history(
    daily: pd.DataFrame | None,
    sessions: pd.DataFrame | None,
    checkins: pd.DataFrame | None,
    *,
    profile: AthleteProfile | None = None,
    timezone: str = "UTC",
    thresholds: Thresholds = DEFAULT,
) -> pd.DataFrame:
    """Every calendar day's sub-scores, gates and rule, warmth at each day's local end.

    One row per day from the first to the last date with data; ``date`` is
    ``datetime64[D]``-like; sub-scores that cannot be computed are NaN. ``timezone`` (IANA)
    sets the day boundaries.
    """
    return compute(
        daily, sessions, checkins, profile=profile, timezone=timezone, th=thresholds
    ).frame
