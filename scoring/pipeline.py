"""The vectorised scorer: every calendar day, every sub-score, gate and rule, in one pass.

``score_history`` returns a DataFrame (one row per calendar day) for batch use and the
benchmark; ``compute`` returns the same plus the intermediate arrays that ``explain`` turns into
the per-day explanation objects. No per-day Python loop runs over the history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from readiness.ingest import AthleteProfile
from readiness.scoring.bands import Band, band_labels, warmth_labels
from readiness.scoring.calibration.personal import PersonalArrays
from readiness.scoring.calibration.personal_stiffness import personal_stiffness
from readiness.scoring.calibration.personal_stress import personal_stress
from readiness.scoring.decision.gates import GateArrays, gates
from readiness.scoring.decision.rules import RULES, DecisionInputs, decide, overreaching
from readiness.scoring.freshness import Freshness, freshness
from readiness.scoring.load import LoadHistory, load_history
from readiness.scoring.prepare import Columns, Prepared, prepare
from readiness.scoring.signals import Night, night_signals
from readiness.scoring.subscores.stiffness import StiffnessArrays, stiffness_scores
from readiness.scoring.subscores.stress import (
    StressArrays,
    band_code,
    checkin_blend,
    stress_scores,
)
from readiness.scoring.subscores.warmth import WarmthArrays, warmth_band, warmth_scores
from readiness.scoring.thresholds import DEFAULT, Thresholds

__all__ = ["History", "compute", "deescalation", "score_history"]

_RULE_IDS = np.array([r.id for r in RULES], dtype=object)
_RULE_ACTIONS = np.array([r.action for r in RULES], dtype=object)


@dataclass(frozen=True, slots=True)
class History:
    """Everything computed for the calendar, kept for explanations."""

    prepared: Prepared
    fresh: Freshness
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
    personal_stress: PersonalArrays | None = None  # None: personal weights not computed
    personal_stiffness: PersonalArrays | None = None


def _checkin_arrays(checkins: Columns) -> dict[str, np.ndarray]:
    names = ("soreness", "stress", "stiffness", "pain", "fatigue", "mood", "sleep_quality")
    return {name: checkins[name] for name in names}


def _cause(checkins: Columns, n_days: int) -> np.ndarray:
    """The athlete's stated non-training cause (check-in column ``cause`` or ``note``)."""
    out = np.full(n_days, None, dtype=object)
    for column in ("cause", "note"):
        if column in checkins:
            text = np.array(
                [str(value).strip() if value is not None else "" for value in checkins[column]],
                object,
            )
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
    beyond = sum(
        (np.nan_to_num(deviation, nan=0.0) > th.deescalate_sd).astype(int)
        for deviation in deviations
    )
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
    personal: bool = True,
) -> History:
    """Score every calendar day (vectorised) and keep the parts.

    ``personal``: the stress score uses weights learned from the athlete's earlier check-ins
    where they beat the fixed formula (:mod:`readiness.scoring.calibration.personal`)."""
    profile = profile or AthleteProfile()
    prepared = prepare(
        daily,
        sessions,
        checkins,
        profile=profile,
        timezone=timezone,
        th=th,
        extra_dates=extra_dates,
        at=at,
    )
    n_days = prepared.n
    checkin = _checkin_arrays(prepared.checkins)
    night = night_signals(prepared.daily, th)
    session_cols = prepared.sessions
    load = load_history(
        n_days,
        session_cols["day"],
        session_cols["load"],
        session_cols["end_s"],
        prepared.at_s,
        prepared.first_session_day,
        th,
    )
    fresh = freshness(prepared.daily, session_cols["day"], n_days, th)
    stiffness = stiffness_scores(
        prepared.daily,
        load,
        fresh,
        soreness_ci=checkin["soreness"],
        stiffness_ci=checkin["stiffness"],
        th=th,
    )
    stiffness_personal = None
    if personal:
        stiffness, stiffness_personal = personal_stiffness(stiffness, checkin, th)
    high_load = np.nan_to_num(stiffness.tl_load, nan=0.0) >= th.band_elevated
    stress = stress_scores(
        night,
        fresh,
        stress_ci=checkin["stress"],
        fatigue_ci=checkin["fatigue"],
        high_load=high_load,
        th=th,
    )
    personal_arrays = None
    if personal:
        personal_arrays = personal_stress(stress, stiffness, checkin, th)
        stress = replace(
            stress,
            objective=personal_arrays.objective,
            score=checkin_blend(
                personal_arrays.objective, checkin["stress"], stress.confidence, th
            ),
        )
    warmth = warmth_scores(
        session_cols["start_s"],
        session_cols["end_s"],
        session_cols["qualifying"],
        prepared.at_s,
        th,
    )
    gate_flags = gates(prepared.checkins, night, th)
    stress_band = band_code(stress.score, th)
    cause = _cause(prepared.checkins, n_days)
    deescalated = deescalation(
        stress_band,
        checkin["stress"],
        (stress.d_hrv_chronic, stress.d_hrv_acute, stress.d_rhr_chronic, stress.d_rhr_acute),
        cause,
        th,
    )
    effective_band = np.where(deescalated, Band.ELEVATED, stress_band)
    rest_signal = overreaching(
        stress.objective,
        night.sleep.debt7_h,
        checkin["fatigue"],
        stress.pattern,
        high_load,
        deescalated,
        th,
    )
    inputs = DecisionInputs(
        stress=stress.score,
        stress_band=effective_band,
        rest_signal=rest_signal,
        stiffness=stiffness.score,
        is_load=stiffness.is_load,
        warmth=warmth.score,
        pain_gate=gate_flags.pain,
        illness_gate=gate_flags.illness,
        stale=fresh.stale,
    )
    rule_index = decide(inputs, th) if n_days else np.zeros(0, dtype="int64")
    stiffness_band = band_code(stiffness.score, th)
    frame = pd.DataFrame(
        {
            "date": prepared.days,
            "nervous_system_stress": stress.score,
            "stress_band": band_labels(stress_band),
            "stress_personal": (
                personal_arrays.active_days()
                if personal_arrays is not None
                else np.zeros(n_days, dtype=bool)
            ),
            "stress_confidence": stress.confidence,
            "stress_provisional": stress.provisional,
            "pattern": stress.pattern,
            "physical_stiffness": stiffness.score,
            "stiffness_band": band_labels(stiffness_band),
            "stiffness_personal": (
                stiffness_personal.active_days()
                if stiffness_personal is not None
                else np.zeros(n_days, dtype=bool)
            ),
            "stiffness_type": np.where(stiffness.is_load, "load", "inactivity"),
            "stiffness_confidence": stiffness.confidence,
            "warmth": warmth.score,
            "warmth_band": warmth_labels(warmth_band(warmth.score, th)),
            "minutes_since_activity": np.where(fresh.stale, np.nan, warmth.minutes),
            "days_since_data": fresh.days_since_data,
            "stale": fresh.stale,
            "pain_gate": gate_flags.pain,
            "illness_gate": gate_flags.illness,
            "rule": _RULE_IDS[rule_index] if n_days else np.zeros(0, dtype=object),
            "action": _RULE_ACTIONS[rule_index] if n_days else np.zeros(0, dtype=object),
            "hrv_valid_nights": night.hrv.n,
            "hrv_7d_ms": np.exp(night.hrv.mean7),
            "rhr_7d_bpm": night.rhr.mean7,
            "sleep_debt_7d_h": night.sleep.debt7_h,
            "load_acute": load.acute,
            "load_chronic": load.chronic,
            "load_ratio": load.ratio,
            "monotony": load.monotony,
            "strain": load.strain,
            "tl_load": stiffness.tl_load,
            "tl_inactivity": stiffness.tl_inact,
        }
    )
    return History(
        prepared=prepared,
        fresh=fresh,
        night=night,
        load=load,
        stress=stress,
        stiffness=stiffness,
        warmth=warmth,
        gates=gate_flags,
        deescalated=deescalated,
        effective_band=effective_band,
        rest_signal=rest_signal,
        rule_index=rule_index,
        checkin=checkin,
        cause=cause,
        frame=frame,
        personal_stress=personal_arrays,
        personal_stiffness=stiffness_personal,
    )


def score_history(
    daily: pd.DataFrame | None,
    sessions: pd.DataFrame | None,
    checkins: pd.DataFrame | None,
    *,
    profile: AthleteProfile | None = None,
    timezone: str = "UTC",
    thresholds: Thresholds = DEFAULT,
    personal: bool = True,
) -> pd.DataFrame:
    """Every calendar day's sub-scores, gates and rule, warmth at each day's local end.

    One row per day from the first to the last date with data; ``date`` is
    ``datetime64[D]``-like; sub-scores that cannot be computed are NaN. ``timezone`` (IANA)
    sets the day boundaries. ``personal=False`` keeps the fixed stress formula for everyone.
    """
    return compute(
        daily,
        sessions,
        checkins,
        profile=profile,
        timezone=timezone,
        th=thresholds,
        personal=personal,
    ).frame
