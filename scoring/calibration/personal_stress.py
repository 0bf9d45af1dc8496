"""The parts of ``nervous_system_stress`` that personal weights re-weigh, and the fixed
formula's weights as their prior (docs/scoring.md, "Personal weights from check-ins").

The parts are the stress components in points (HRV 7-day mean and last night, resting HR 7-day
mean and last night, sleep, HRV trend) plus training load — the acute:chronic load ratio in
points, the physical-stiffness part ``load_spike`` — which the fixed formula leaves out (prior
weight 0): some athletes feel their training as stress, and only their check-ins can say so.
The felt rating is the mean of the day's stress and fatigue check-ins.
"""

from __future__ import annotations

import numpy as np
from readiness.scoring.calibration.personal import PersonalArrays, felt_rating, personal_objective
from readiness.scoring.subscores.stiffness import StiffnessArrays
from readiness.scoring.subscores.stress import StressArrays
from readiness.scoring.thresholds import Thresholds

__all__ = ["STRESS_SIGNALS", "personal_stress", "stress_prior"]

#: The parts' names — those of the stress contributors (``load`` is added when it weighs).
STRESS_SIGNALS = ("hrv_7d", "hrv_today", "rhr_7d", "rhr_today", "sleep", "hrv_trend", "load")


def stress_prior(th: Thresholds) -> tuple[float, ...]:
    """The fixed formula's weights, in the order of :data:`STRESS_SIGNALS`."""
    return (
        th.w_hrv_chronic,
        th.w_hrv_acute,
        th.w_rhr_chronic,
        th.w_rhr_acute,
        th.w_sleep,
        th.w_trend,
        0.0,
    )


def personal_stress(
    stress: StressArrays,
    stiffness: StiffnessArrays,
    checkin: dict[str, np.ndarray],
    th: Thresholds,
) -> PersonalArrays:
    """The stress objective with each athlete's weights, from the check-ins before each day."""
    parts = (
        stress.p_hrv_chronic,
        stress.p_hrv_acute,
        stress.p_rhr_chronic,
        stress.p_rhr_acute,
        stress.p_sleep,
        stress.p_trend,
        # load counts only on days the stress score has objective parts at all
        np.where(np.isfinite(stress.objective), stiffness.l2, np.nan),
    )
    return personal_objective(
        STRESS_SIGNALS,
        parts,
        stress_prior(th),
        stress.objective,
        felt_rating(checkin["stress"], checkin["fatigue"]),
        th,
    )
