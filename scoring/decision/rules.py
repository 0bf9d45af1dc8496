"""The decision table (docs/scoring.md, "Decision table"): first matching row wins, one action.

Rules are data. Each :class:`Rule` carries its id, its action, the options calibration may choose
among, its evidence keys (:mod:`readiness.scoring.evidence`, docs/evidence.md), its vectorised
predicate over :class:`DecisionInputs`, the names of the
:class:`~readiness.scoring.thresholds.Thresholds` fields it reads, the wording of its condition
and the function that words its reasons (:mod:`readiness.scoring.decision.reasons`). ``decide``
applies the table to every day at once; ``matching_rules`` lists every row whose predicate holds
(the grid test uses it to show that each situation has a first match, and which rows it
shadows).

Two readings of the table are fixed here and documented in docs/scoring.md:

* R4 (therapeutic massage) needs load-type stiffness ≥ ``band_guarded`` with stress below it —
  not also a session in the last 72 h — so that load-type stiffness that high is always caught
  by row 3 or 4 (a soreness check-in of 4–5 without a logged session still gets massage, not
  "none").
* An unknown (null) stress sub-score is treated as settled by the table, and the reasons say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from readiness.scoring.bands import Band
from readiness.scoring.decision import reasons as words
from readiness.scoring.decision.reasons import DayFacts, Reasons
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.types import Action

__all__ = ["RULES", "DecisionInputs", "Rule", "decide", "matching_rules", "overreaching"]


@dataclass(frozen=True, slots=True)
class DecisionInputs:
    """What the table reads, per day (arrays of equal length)."""

    stress: np.ndarray  # 0–100, NaN unknown
    stress_band: np.ndarray  # effective Band code (after de-escalation)
    rest_signal: np.ndarray  # bool: R2's condition, :func:`overreaching` (excludes de-escalated)
    stiffness: np.ndarray  # 0–100, NaN unknown
    is_load: np.ndarray  # bool
    warmth: np.ndarray  # 0–100
    pain_gate: np.ndarray  # bool
    illness_gate: np.ndarray  # bool
    stale: np.ndarray  # bool: no fresh objective data (docs/scoring.md, "Freshness")


Predicate = Callable[[DecisionInputs, Thresholds], np.ndarray]
Wording = Callable[[Thresholds], str]


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the decision table, with its thresholds and its words."""

    id: str
    action: Action
    options: tuple[Action, ...]
    evidence: tuple[str, ...]
    predicate: Predicate
    #: Names of the Thresholds fields the predicate and the words read.
    thresholds: tuple[str, ...]
    wording: Wording  # the condition, in words, with the thresholds filled in
    reasons: Reasons
    #: The explanation adds the robust multivariate night check on this rule's days.
    cautious: bool = False
    #: The rule reads nervous-system stress, so its reasons say when that score is unknown.
    reads_stress: bool = True
    #: Notes added to the action's own notes when the rule's action is the one chosen.
    notes: tuple[str, ...] = ()

    def condition(self, th: Thresholds) -> str:
        """The rule's condition in words, with ``th``'s values."""
        return self.wording(th)

    def explain(self, facts: DayFacts, th: Thresholds) -> list[str]:
        """Why this rule fired on the day described by ``facts``."""
        out = self.reasons(facts, th)
        return out + words.stress_unknown_reason(facts) if self.reads_stress else out


def overreaching(
    objective_stress: np.ndarray,
    sleep_debt_h: np.ndarray,
    fatigue: np.ndarray,
    pattern: np.ndarray,
    high_load: np.ndarray,
    deescalated: np.ndarray,
    th: Thresholds,
) -> np.ndarray:
    """R2's condition per day (the ``rest_signal`` input).

    R2 is the physiological-overreaching row (Plews 2012, Le Meur 2013): its stress threshold
    reads the body-signal score; a stress check-in still escalates the band (→ R3). A
    de-escalated day never rests.
    """
    debt = np.nan_to_num(sleep_debt_h, nan=0.0)
    severe = (np.nan_to_num(objective_stress, nan=0.0) >= th.rest_stress) & (
        (debt >= th.rest_sleep_debt_h) | (fatigue >= th.rest_fatigue)
    )
    pattern_rest = np.isin(pattern, ["parasympathetic-shift", "locked-low"]) & high_load
    out: np.ndarray = (severe | pattern_rest) & ~deescalated
    return out


def _stiffness(inputs: DecisionInputs) -> np.ndarray:
    """Stiffness with unknown read as 0."""
    out: np.ndarray = np.nan_to_num(inputs.stiffness, nan=0.0)
    return out


def _band(inputs: DecisionInputs) -> np.ndarray:
    """The stress band with unknown read as settled."""
    out: np.ndarray = np.where(inputs.stress_band == Band.UNKNOWN, Band.SETTLED, inputs.stress_band)
    return out


def _stiff(inputs: DecisionInputs, th: Thresholds) -> np.ndarray:
    """Stiffness at least elevated (unknown read as 0)."""
    out: np.ndarray = _stiffness(inputs) >= th.band_elevated
    return out


def _not_guarded(inputs: DecisionInputs) -> np.ndarray:
    """Stress below guarded (unknown read as settled)."""
    out: np.ndarray = _band(inputs) < Band.GUARDED
    return out


RULES: tuple[Rule, ...] = (
    Rule(
        id="R0",
        action="physiotherapy_assessment",
        options=("physiotherapy_assessment",),
        evidence=("Cheung 2003", "Clarsen 2013", "Physiotherapy vs Massage Therapy"),
        predicate=lambda inputs, th: inputs.pain_gate,
        thresholds=(
            "pain_recurrent_window",
            "episode_window",
            "pain_persist_days",
            "doms_peak_from_h",
            "doms_late_h",
        ),
        wording=lambda th: "pain/injury gate",
        reasons=words.pain_reasons,
        reads_stress=False,
    ),
    Rule(
        id="R1",
        action="rest",
        options=("rest",),
        evidence=("Smarr 2020", "Miller 2020"),
        predicate=lambda inputs, th: inputs.illness_gate,
        thresholds=("illness_signs", "rhr_rise_bpm", "band_elevated"),
        wording=lambda th: "illness gate",
        reasons=words.illness_reasons,
        cautious=True,
        reads_stress=False,
    ),
    Rule(
        id="R1b",
        action="no_recent_data",
        options=("no_recent_data",),
        evidence=("Plews 2014",),
        predicate=lambda inputs, th: inputs.stale,
        thresholds=("fresh_night_days", "fresh_activity_days", "fresh_load_days"),
        wording=lambda th: (
            f"no objective data in the last {th.fresh_load_days:g} days (nights within "
            f"{th.fresh_night_days:g}, activity on the day)"
        ),
        reasons=words.no_recent_data_reasons,
        reads_stress=False,
    ),
    Rule(
        id="R2",
        action="rest",
        options=("rest",),
        evidence=("Plews 2012", "Le Meur 2013", "Van Dongen 2003"),
        predicate=lambda inputs, th: inputs.rest_signal,
        thresholds=("rest_stress", "rest_sleep_debt_h", "rest_fatigue", "band_elevated"),
        wording=lambda th: (
            f"stress ≥ {th.rest_stress:g} with sleep debt ≥ {th.rest_sleep_debt_h:g} h or "
            f"fatigue ≥ {th.rest_fatigue:g}, or locked-low / parasympathetic-shift under high "
            "load"
        ),
        reasons=words.overreaching_reasons,
        cautious=True,
        notes=(words.RELAXATION_LATER,),
    ),
    Rule(
        id="R3",
        action="relaxation_massage",
        options=("relaxation_massage",),
        evidence=(
            "Moyer 2004",
            "Arroyo-Morales 2008",
            "Diego & Field 2009",
            "Massage vs. Assisted Stretching",
            "Therapeutic vs Relaxation Massage",
        ),
        predicate=lambda inputs, th: _band(inputs) == Band.GUARDED,
        thresholds=("band_guarded", "deep_tissue_wait_h"),
        wording=lambda th: f"stress guarded (≥ {th.band_guarded:g})",
        reasons=words.relaxation_reasons,
        cautious=True,
    ),
    Rule(
        id="R4",
        action="therapeutic_massage",
        options=("therapeutic_massage", "relaxation_massage"),
        evidence=(
            "Dupuy 2018",
            "Davis 2020",
            "Guo 2017",
            "Herbert 2011",
            "Afonso 2021",
            "Benefits of Therapeutic Massage",
        ),
        predicate=lambda inputs, th: (
            inputs.is_load & (_stiffness(inputs) >= th.band_guarded) & _not_guarded(inputs)
        ),
        thresholds=("band_guarded", "doms_peak_from_h", "doms_late_h"),
        wording=lambda th: (
            f"load-type stiffness ≥ {th.band_guarded:g} and stress < {th.band_guarded:g}"
        ),
        reasons=words.therapeutic_reasons,
    ),
    Rule(
        id="R5",
        action="massage_then_stretching",
        options=("massage_then_stretching", "relaxation_massage"),
        evidence=("Moyer 2004", "Behm 2016", "Massage vs. Assisted Stretching"),
        predicate=lambda inputs, th: (
            (_band(inputs) == Band.ELEVATED)
            & _stiff(inputs, th)
            & (inputs.warmth >= th.cooling_from)
        ),
        thresholds=("band_elevated", "band_guarded", "cooling_from"),
        wording=lambda th: (
            f"stress elevated ({th.band_elevated:g}–{th.band_guarded - 1:g}), stiffness ≥ "
            f"{th.band_elevated:g}, warmth ≥ {th.cooling_from:g}"
        ),
        reasons=words.massage_then_stretching_reasons,
    ),
    Rule(
        id="R6",
        action="light_movement_then_stretching",
        options=("light_movement_then_stretching", "massage_then_stretching"),
        evidence=(
            "Bishop 2003",
            "McGowan 2015",
            "Kapnia 2022",
            "Behm 2016",
            "Massage vs. Assisted Stretching",
        ),
        predicate=lambda inputs, th: (inputs.warmth < th.warm_from) & _stiff(inputs, th),
        thresholds=("warm_from", "band_elevated"),
        wording=lambda th: f"warmth < {th.warm_from:g} and stiffness ≥ {th.band_elevated:g}",
        reasons=words.move_first_reasons,
    ),
    Rule(
        id="R7",
        action="assisted_stretching",
        options=("assisted_stretching", "massage_then_stretching"),
        evidence=("Behm 2016", "Massage vs. Assisted Stretching"),
        predicate=lambda inputs, th: (
            (inputs.warmth >= th.warm_from) & _stiff(inputs, th) & _not_guarded(inputs)
        ),
        thresholds=("warm_from", "band_elevated", "band_guarded"),
        wording=lambda th: (
            f"warmth ≥ {th.warm_from:g}, stiffness ≥ {th.band_elevated:g}, stress < "
            f"{th.band_guarded:g}"
        ),
        reasons=words.stretch_now_reasons,
    ),
    Rule(
        id="R8",
        action="none",
        options=("none", "assisted_stretching"),
        evidence=("Massage vs. Assisted Stretching",),
        predicate=lambda inputs, th: np.ones(len(inputs.warmth), dtype=bool),
        thresholds=(),
        wording=lambda th: "otherwise",
        reasons=words.no_intervention_reasons,
    ),
)


def matching_rules(inputs: DecisionInputs, th: Thresholds) -> np.ndarray:
    """(days, rules) boolean matrix: which rows' predicates hold on each day."""
    return np.column_stack([np.asarray(r.predicate(inputs, th), dtype=bool) for r in RULES])


def decide(inputs: DecisionInputs, th: Thresholds) -> np.ndarray:
    """Index into RULES of the first matching row, per day."""
    out: np.ndarray = np.argmax(matching_rules(inputs, th), axis=1)
    return out
