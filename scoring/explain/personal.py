"""The day object's ``calibration.personal`` (stress) and ``calibration.personal_stiffness``,
and the personal weights on the contributors (docs/scoring.md, "Personal weights from
check-ins")."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from readiness.scoring.calibration.personal import METRIC, PersonalArrays, day_state
from readiness.scoring.pipeline import History
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.types import Contributor, PersonalCalibration
from readiness.scoring.words import the_last

__all__ = ["personal_calibration", "with_personal_weights"]


def _named(signals: tuple[str, ...], weights: np.ndarray) -> dict[str, float]:
    return {signal: float(weight) for signal, weight in zip(signals, weights, strict=True)}


def personal_calibration(arrays: PersonalArrays | None, i: int) -> PersonalCalibration | None:
    """Day ``i``'s personal-weights state, what was learned and how it validated."""
    if arrays is None:
        return None
    state, fit, reason = day_state(arrays, i)
    used = fit.weights if fit is not None and state == "active" else arrays.prior
    return PersonalCalibration(
        state=state,
        checkin_days=int(arrays.checkin_days[i]),
        weights=_named(arrays.signals, used),
        learned=_named(arrays.signals, fit.weights) if fit is not None else None,
        metric=METRIC,
        fixed=fit.validation_fixed if fit is not None else None,
        personal=fit.validation_personal if fit is not None else None,
        fitted_on=fit.n if fit is not None else None,
        reason=reason,
        standard=_named(arrays.signals, arrays.prior),
    )


def _active_weights(arrays: PersonalArrays | None, i: int) -> dict[str, float] | None:
    if arrays is None:
        return None
    state, fit, _ = day_state(arrays, i)
    return _named(arrays.signals, fit.weights) if state == "active" and fit is not None else None


def with_personal_weights(
    items: tuple[Contributor, ...], arrays: PersonalArrays | None, i: int
) -> tuple[Contributor, ...]:
    """The contributors with their personal weight, when personal weights are active."""
    weights = _active_weights(arrays, i)
    if weights is None:
        return items
    return tuple(
        dataclasses.replace(c, weight=weights[c.signal]) if c.signal in weights else c
        for c in items
    )


def stress_with_personal_weights(
    items: tuple[Contributor, ...], history: History, i: int, th: Thresholds
) -> tuple[Contributor, ...]:
    """The stress contributors with their personal weight, and training load among them when
    it weighs for this athlete."""
    out = with_personal_weights(items, history.personal_stress, i)
    weights = _active_weights(history.personal_stress, i)
    ratio, spike = float(history.load.ratio[i]), float(history.stiffness.l2[i])
    if weights is None or not (weights.get("load", 0.0) > 0 and math.isfinite(spike)):
        return out
    load = Contributor(
        "load",
        f"Training load of {the_last(th.ewma_acute_span)} is {ratio:.2f}× your usual of "
        f"{the_last(th.ewma_chronic_span)} (it counts for you: your check-ins follow it)",
        value=ratio,
        unit="ratio",
        points=spike,
        method=(
            f"acute:chronic workload ratio, uncoupled EWMA {th.ewma_acute_span}/"
            f"{th.ewma_chronic_span} days (Williams 2017), weighted by personal weights "
            "learned from your check-ins"
        ),
        weight=weights["load"],
    )
    return (*out, load)
