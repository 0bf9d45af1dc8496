"""The decision table (research/scoring.md §9.5): first matching row wins, one action per day.

Rules are data: an id, the action, the options calibration may choose among, the evidence
keys, and a vectorised predicate over a :class:`DecisionInputs`. ``decide`` applies the table
to every day at once; ``matching_rules`` lists every row whose predicate holds (the grid test
uses it to show that each situation has a first match, and which rows it shadows).

Two readings of §9.5 are fixed here and documented in docs/scoring.md:

* R4 (therapeutic massage) needs load-type stiffness ≥ 67 with stress < 67 — not also a session
  in the last 72 h — so that, as §9.5 states, "load-type TL ≥ 67 is always caught by row 3 or
  4" (a soreness check-in of 4–5 without a logged session still gets massage, not "none").
* An unknown (null) stress sub-score is treated as settled by the table, and the reasons say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.types import Action

__all__ = ["RULES", "DecisionInputs", "Rule", "decide", "matching_rules"]


@dataclass(frozen=True, slots=True)
class DecisionInputs:
    """What the table reads, per day (arrays of equal length)."""

    stress: np.ndarray  # 0–100, NaN unknown
    stress_band: np.ndarray  # effective band code: −1 unknown, 0, 1, 2 (after de-escalation)
    rest_signal: np.ndarray  # bool: §9.5 row 2 condition (already excludes de-escalated days)
    stiffness: np.ndarray  # 0–100, NaN unknown
    is_load: np.ndarray  # bool
    warmth: np.ndarray  # 0–100
    pain_gate: np.ndarray  # bool
    illness_gate: np.ndarray  # bool


Predicate = Callable[[DecisionInputs, Thresholds], np.ndarray]


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the decision table."""

    id: str
    action: Action
    condition: str
    options: tuple[Action, ...]
    evidence: tuple[str, ...]
    predicate: Predicate


def _tl(x: DecisionInputs) -> np.ndarray:
    out: np.ndarray = np.nan_to_num(x.stiffness, nan=0.0)
    return out


def _band(x: DecisionInputs) -> np.ndarray:
    out: np.ndarray = np.where(x.stress_band < 0, 0, x.stress_band)
    return out


RULES: tuple[Rule, ...] = (
    Rule(
        "R0",
        "physiotherapy_assessment",
        "pain/injury gate",
        ("physiotherapy_assessment",),
        ("Cheung 2003", "Clarsen 2013", "seed 002"),
        lambda x, t: x.pain_gate,
    ),
    Rule(
        "R1",
        "rest",
        "illness gate",
        ("rest",),
        ("Smarr 2020", "Miller 2020"),
        lambda x, t: x.illness_gate,
    ),
    Rule(
        "R2",
        "rest",
        "stress ≥ 80 with sleep debt ≥ 7 h or fatigue ≥ 4, or locked-low / "
        "parasympathetic-shift under high load",
        ("rest",),
        ("Plews 2012", "Le Meur 2013", "Van Dongen 2003"),
        lambda x, t: x.rest_signal,
    ),
    Rule(
        "R3",
        "relaxation_massage",
        "stress guarded (≥ 67)",
        ("relaxation_massage",),
        ("Moyer 2004", "Arroyo-Morales 2008", "Diego & Field 2009", "seed 000", "seed 003"),
        lambda x, t: _band(x) == 2,
    ),
    Rule(
        "R4",
        "therapeutic_massage",
        "load-type stiffness ≥ 67 and stress < 67",
        ("therapeutic_massage", "relaxation_massage"),
        ("Dupuy 2018", "Davis 2020", "Guo 2017", "Herbert 2011", "Afonso 2021", "seed 001"),
        lambda x, t: x.is_load & (_tl(x) >= t.band_guarded) & (_band(x) < 2),
    ),
    Rule(
        "R5",
        "massage_then_stretching",
        "stress elevated (33–66), stiffness ≥ 33, warmth ≥ 30",
        ("massage_then_stretching", "relaxation_massage"),
        ("Moyer 2004", "Behm 2016", "seed 000"),
        lambda x, t: (_band(x) == 1) & (_tl(x) >= t.band_elevated) & (x.warmth >= t.cooling_from),
    ),
    Rule(
        "R6",
        "light_movement_then_stretching",
        "warmth < 60 and stiffness ≥ 33",
        ("light_movement_then_stretching", "massage_then_stretching"),
        ("Bishop 2003", "McGowan 2015", "Kapnia 2022", "Behm 2016", "seed 000"),
        lambda x, t: (x.warmth < t.warm_from) & (_tl(x) >= t.band_elevated),
    ),
    Rule(
        "R7",
        "assisted_stretching",
        "warmth ≥ 60, stiffness ≥ 33, stress < 67",
        ("assisted_stretching", "massage_then_stretching"),
        ("Behm 2016", "seed 000"),
        lambda x, t: (x.warmth >= t.warm_from) & (_tl(x) >= t.band_elevated) & (_band(x) < 2),
    ),
    Rule(
        "R8",
        "none",
        "otherwise",
        ("none", "assisted_stretching"),
        ("seed 000",),
        lambda x, t: np.ones(len(x.warmth), dtype=bool),
    ),
)


def matching_rules(x: DecisionInputs, th: Thresholds) -> np.ndarray:
    """(days, rules) boolean matrix: which rows' predicates hold on each day."""
    return np.column_stack([np.asarray(r.predicate(x, th), dtype=bool) for r in RULES])


def decide(x: DecisionInputs, th: Thresholds) -> np.ndarray:
    """Index into RULES of the first matching row, per day."""
    m = matching_rules(x, th)
    out: np.ndarray = np.argmax(m, axis=1)
    return out
