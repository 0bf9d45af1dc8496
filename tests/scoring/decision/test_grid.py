"""Every combination of bands × stiffness types × warmth bands × gates maps to exactly one rule."""

from __future__ import annotations

import itertools

import numpy as np
from readiness.scoring import ACTIONS, DEFAULT, RULES
from readiness.scoring.decision.rules import DecisionInputs, decide, matching_rules

# representative values inside each band (and the edges where a threshold sits)
STRESS = {
    "unknown": np.nan,
    "settled": 10.0,
    "settled_edge": 32.9,
    "elevated": 50.0,
    "elevated_edge": 66.9,
    "guarded": 70.0,
    "severe": 90.0,
}
STIFF = {"unknown": np.nan, "low": 10.0, "mid": 50.0, "edge": 33.0, "high": 80.0}
WARMTH = {"cold": 5.0, "cooling": 45.0, "cooling_edge": 30.0, "warm": 80.0, "warm_edge": 60.0}
BOOL = (False, True)


def _band(score: float) -> int:
    if np.isnan(score):
        return -1
    return 2 if score >= 67 else (1 if score >= 33 else 0)


def _grid() -> tuple[DecisionInputs, list[tuple[object, ...]]]:
    cells = list(
        itertools.product(
            STRESS.items(), STIFF.items(), BOOL, WARMTH.items(), BOOL, BOOL, BOOL, BOOL
        )
    )
    stress = np.array([c[0][1] for c in cells])
    x = DecisionInputs(
        stress=stress,
        stress_band=np.array([_band(s) for s in stress]),
        rest_signal=np.array([c[6] for c in cells]),
        stiffness=np.array([c[1][1] for c in cells]),
        is_load=np.array([c[2] for c in cells]),
        warmth=np.array([c[3][1] for c in cells]),
        pain_gate=np.array([c[4] for c in cells]),
        illness_gate=np.array([c[5] for c in cells]),
        stale=np.array([c[7] for c in cells]),
    )
    return x, cells


def test_every_cell_maps_to_exactly_one_rule() -> None:
    x, cells = _grid()
    m = matching_rules(x, DEFAULT)
    assert m.shape == (len(cells), len(RULES))
    assert m.any(axis=1).all()  # never "no rule"
    chosen = decide(x, DEFAULT)
    # exactly one *first* match per cell, and it is a real action
    first = np.argmax(m, axis=1)
    assert (first == chosen).all()
    assert all(RULES[i].action in ACTIONS for i in chosen)
    assert len(cells) == 7 * 5 * 2 * 5 * 2 * 2 * 2 * 2
    # every rule is reachable from some cell (no dead rows)
    assert set(chosen) == set(range(len(RULES)))


def test_grid_invariants() -> None:
    x, _ = _grid()
    rule = np.array([RULES[i].id for i in decide(x, DEFAULT)])
    action = np.array([RULES[i].action for i in decide(x, DEFAULT)])
    # gates come first: pain beats everything, illness beats everything but pain
    assert (rule[x.pain_gate] == "R0").all()
    assert (rule[~x.pain_gate & x.illness_gate] == "R1").all()
    # no fresh objective data: only the check-in gates come first
    assert (rule[~x.pain_gate & ~x.illness_gate & x.stale] == "R1b").all()
    open_ = ~x.pain_gate & ~x.illness_gate & ~x.stale
    assert (rule[open_ & x.rest_signal] == "R2").all()
    free = open_ & ~x.rest_signal
    # guarded → relaxation massage, never stretching
    assert (action[free & (x.stress_band == 2)] == "relaxation_massage").all()
    # heavy load-type stiffness while not guarded → therapeutic massage
    heavy = free & (x.stress_band < 2) & x.is_load & (np.nan_to_num(x.stiffness) >= 67)
    assert (action[heavy] == "therapeutic_massage").all()
    # stretching without massage only when warm (assisted) or after light movement (cold)
    stretch = action == "assisted_stretching"
    assert (x.warmth[stretch] >= 60).all()
    assert (
        action[free & (x.stress_band < 2) & ~heavy & (np.nan_to_num(x.stiffness) < 33)] == "none"
    ).all()
