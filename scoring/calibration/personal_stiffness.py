"""Personal weights of ``physical_stiffness`` from soreness and stiffness check-ins
(docs/scoring.md, "Personal weights from check-ins").

The fixed score is the larger of two pathways, training load (recent session, load spike,
monotony) and inactivity (inactive time, longest sitting bout). With personal weights the
objective part is one weighted mean of the five parts, the prior being the fixed formula's
weights within each pathway, halved (the two pathways weigh alike); the day's soreness and
stiffness check-ins still floor it as before, and the type (load or inactivity) is the fixed
formula's. Used only where time-ordered validation beats the fixed score itself.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from readiness.scoring.calibration.personal import PersonalArrays, felt_rating, personal_objective
from readiness.scoring.subscores.stiffness import StiffnessArrays
from readiness.scoring.subscores.stress import weighted_mean
from readiness.scoring.thresholds import Thresholds

__all__ = ["STIFFNESS_SIGNALS", "personal_stiffness"]

#: The parts' names — those of the stiffness contributors.
STIFFNESS_SIGNALS = (
    "session_vs_typical_day",
    "load_spike",
    "monotony",
    "inactive_time",
    "longest_sedentary_bout",
)


def _prior(th: Thresholds) -> tuple[float, ...]:
    load = th.w_l1 + th.w_l2 + th.w_l3
    return (
        0.5 * th.w_l1 / load,
        0.5 * th.w_l2 / load,
        0.5 * th.w_l3 / load,
        0.25,
        0.25,
    )


def personal_stiffness(
    stiffness: StiffnessArrays, checkin: dict[str, np.ndarray], th: Thresholds
) -> tuple[StiffnessArrays, PersonalArrays]:
    """The stiffness score with each athlete's weights where they validate, and their state."""
    n_days = len(stiffness.score)
    obj_load = weighted_mean(
        ((stiffness.l1, th.w_l1), (stiffness.l2, th.w_l2), (stiffness.l3, th.w_l3)), n_days
    )
    obj_inact = weighted_mean(((stiffness.i1, 0.5), (stiffness.i2, 0.5)), n_days)
    fixed = np.fmax(obj_load, obj_inact)
    arrays = personal_objective(
        STIFFNESS_SIGNALS,
        (stiffness.l1, stiffness.l2, stiffness.l3, stiffness.i1, stiffness.i2),
        _prior(th),
        fixed,
        felt_rating(checkin["soreness"], checkin["stiffness"]),
        th,
    )
    active = arrays.active_days()
    if not active.any():
        return stiffness, arrays
    floor = th.checkin_floor_per_point
    personal = np.fmax(
        arrays.objective,
        np.fmax(floor * (checkin["soreness"] - 1.0), floor * (checkin["stiffness"] - 1.0)),
    )
    personal = np.where(stiffness.confidence >= th.conf_withhold, personal, np.nan)
    score = np.where(active, personal, stiffness.score)
    return dataclasses.replace(stiffness, score=score), arrays
