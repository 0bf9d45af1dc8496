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
    assert "(DOMS window 12–72 h)" in default["session_vs_typical_day"]
    assert "uncoupled EWMA 7/28;" in default["load_spike"]
    assert "over 7 days" in default["monotony"]
    assert "7-day mean" in default["hrv_7d"] and "over 7 nights" in default["sleep"]
    th = dataclasses.replace(
        DEFAULT, doms_early_h=6.0, doms_late_h=60.0, ewma_acute_span=5, ewma_chronic_span=21
    )
    changed = _texts(th)
    assert "(DOMS window 6–60 h)" in changed["session_vs_typical_day"]
    assert "uncoupled EWMA 5/21;" in changed["load_spike"]
    weekly = _texts(dataclasses.replace(DEFAULT, mean_days=5))
    assert "over 5 days" in weekly["monotony"] and "5-day mean" in weekly["hrv_7d"]


def test_no_recent_session_names_the_doms_end() -> None:
    assert _texts(DEFAULT, 40)["session_vs_typical_day"] == "No session in the last 120 h"
    th = dataclasses.replace(DEFAULT, doms_end_h=96.0)
    assert _texts(th, 40)["session_vs_typical_day"] == "No session in the last 96 h"


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
    assert "band widened to ±1 SD" in default and "(≥ 10 min, ≥ moderate)" in default
    changed = reasons(dataclasses.replace(DEFAULT, swc_k_provisional=1.5, bout_min_duration_min=15))
    assert "band widened to ±1.5 SD" in changed and "(≥ 15 min, ≥ moderate)" in changed
