"""Windows and cut-points named in contributor and disagreement words come from Thresholds."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import numpy as np
from readiness.scoring import DEFAULT, Thresholds, score_days
from readiness.scoring.explain.advice import disagreements
from readiness.scoring.explain.contributors import stiffness_contributors, stress_contributors
from readiness.scoring.pipeline import compute

from tests.scoring import synthetic as sy


def _texts(th: Thresholds, n_session_days: int = 60) -> dict[str, str]:
    history = compute(sy.daily(60), sy.sessions(n_session_days), None, th=th)
    items = stiffness_contributors(history, 59, th) + stress_contributors(history, 59, th)
    return {c.signal: c.text for c in items}


def test_load_words_follow_their_thresholds() -> None:
    default = _texts(DEFAULT)
    assert "weighted for the 12–72 h after exercise" in default["session_vs_typical_day"]
    assert "of the last week is" in default["load_spike"]
    assert "your usual of the last 4 weeks" in default["load_spike"]
    assert "over the last week" in default["monotony"]
    assert "7-day average" in default["hrv_7d"] and "over the last 7 nights" in default["sleep"]
    th = dataclasses.replace(
        DEFAULT, doms_early_h=6.0, doms_late_h=60.0, ewma_acute_span=5, ewma_chronic_span=21
    )
    changed = _texts(th)
    assert "weighted for the 6–60 h after exercise" in changed["session_vs_typical_day"]
    assert "of the last 5 days is" in changed["load_spike"]
    assert "your usual of the last 3 weeks" in changed["load_spike"]
    weekly = _texts(dataclasses.replace(DEFAULT, mean_days=5))
    assert "over the last 5 days" in weekly["monotony"] and "5-day average" in weekly["hrv_7d"]


def test_no_recent_session_names_the_doms_end() -> None:
    assert _texts(DEFAULT, 40)["session_vs_typical_day"] == "No workout in the last 5 days"
    th = dataclasses.replace(DEFAULT, doms_end_h=60.0)
    assert _texts(th, 40)["session_vs_typical_day"] == "No workout in the last 2 days 12 h"


def _day(soreness: float, session_points: float) -> Any:
    return SimpleNamespace(
        stress=SimpleNamespace(objective=np.array([np.nan])),
        stiffness=SimpleNamespace(l1=np.array([session_points])),
        checkin={"stress": np.array([np.nan]), "soreness": np.array([soreness])},
        deescalated=np.array([False]),
        cause=np.array([None], dtype=object),
    )


def test_soreness_disagreement_reads_its_thresholds() -> None:
    assert disagreements(_day(3.0, 20.0), 0, DEFAULT) == []
    said = disagreements(_day(3.0, 20.0), 0, dataclasses.replace(DEFAULT, soreness_high=3.0))
    assert said == [
        "you rate soreness 3/5 although recent training load looks light — your report counts"
    ]
    assert disagreements(_day(3.0, 80.0), 0, DEFAULT) == []
    assert "(24–72 h)" in disagreements(_day(2.0, 80.0), 0, DEFAULT)[0]
    low = dataclasses.replace(DEFAULT, soreness_low=3.0, doms_peak_from_h=36.0)
    assert "(36–72 h)" in disagreements(_day(3.0, 80.0), 0, low)[0]


def test_calibration_reasons_read_their_thresholds() -> None:
    def reasons(th: Thresholds) -> str:
        (day,) = score_days(sy.daily(10), None, None, thresholds=th)  # type: ignore[arg-type]
        return " | ".join(day.calibration.reasons)

    default = reasons(DEFAULT)
    assert "kept 2× as wide until 14 nights" in default
    assert "no activity of at least 10 min at moderate effort" in default
    changed = reasons(dataclasses.replace(DEFAULT, swc_k_provisional=1.5, bout_min_duration_min=15))
    assert "kept 3× as wide until 14 nights" in changed
    assert "no activity of at least 15 min at moderate effort" in changed
