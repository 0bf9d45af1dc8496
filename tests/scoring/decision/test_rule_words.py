"""Each rule owns its predicate, the thresholds it reads and the words of its reasons."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from readiness.scoring import DEFAULT, RULES, Thresholds
from readiness.scoring.bands import Band, WarmthBand, band_labels, warmth_labels
from readiness.scoring.decision.reasons import DayFacts
from readiness.scoring.decision.rules import DecisionInputs

FIELDS = {f.name for f in dataclasses.fields(Thresholds)}

FACTS = DayFacts(
    stress=72.0,
    stiffness=70.0,
    load_stiffness=70.0,
    is_load=True,
    warmth=40.0,
    minutes_since_bout=14.0,
    pattern="guarded-sympathetic",
    sleep_debt_h=8.0,
    fatigue=4.0,
    pain=4.0,
    pain_reason="pain_persisting",
    pain_site="left knee",
    pain_days=4,
    pain_episodes=2,
    sick=False,
    illness_signs=("sign_temp", "sign_rhr"),
    stress_lead="hrv 7-day mean 40 ms",
    stiffness_lead="session of 300 TRIMP ended 30 h ago",
)

#: The condition wording at the default thresholds (the words of the table before they were
#: formatted from the thresholds: unchanged).
DEFAULT_CONDITIONS = {
    "R0": "pain/injury gate",
    "R1": "illness gate",
    "R1b": "no objective data in the last 3 days (nights within 3, activity on the day)",
    "R2": "stress ≥ 80 with sleep debt ≥ 7 h or fatigue ≥ 4, or locked-low / "
    "parasympathetic-shift under high load",
    "R3": "stress guarded (≥ 67)",
    "R4": "load-type stiffness ≥ 67 and stress < 67",
    "R5": "stress elevated (33–66), stiffness ≥ 33, warmth ≥ 30",
    "R6": "warmth < 60 and stiffness ≥ 33",
    "R7": "warmth ≥ 60, stiffness ≥ 33, stress < 67",
    "R8": "otherwise",
}


class _Recording:
    """Thresholds that note every field read."""

    def __init__(self, th: Thresholds) -> None:
        self._th = th
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        self.read.add(name)
        return getattr(self._th, name)


def _inputs(n: int = 4) -> DecisionInputs:
    rng = np.random.default_rng(3)
    return DecisionInputs(
        stress=rng.uniform(0, 100, n),
        stress_band=np.array([Band.UNKNOWN, Band.SETTLED, Band.ELEVATED, Band.GUARDED]),
        rest_signal=np.array([True, False, True, False]),
        stiffness=rng.uniform(0, 100, n),
        is_load=np.array([True, False, True, False]),
        warmth=rng.uniform(0, 100, n),
        pain_gate=np.zeros(n, dtype=bool),
        illness_gate=np.zeros(n, dtype=bool),
        stale=np.array([False, True, False, True]),
    )


def _variants() -> list[DayFacts]:
    out = [FACTS]
    for reason in ("pain_acute", "red_flag", "pain_recurrent", "pain_returning"):
        out.append(dataclasses.replace(FACTS, pain_reason=reason))
    out.append(dataclasses.replace(FACTS, sick=True, stress=10.0))
    out.append(dataclasses.replace(FACTS, pattern="locked-low", stress=50.0))
    out.append(dataclasses.replace(FACTS, stress=float("nan"), minutes_since_bout=float("nan")))
    return out


def test_condition_words_at_the_defaults_are_unchanged() -> None:
    assert {r.id: r.condition(DEFAULT) for r in RULES} == DEFAULT_CONDITIONS


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rule_reads_only_the_thresholds_it_names(rule: Any) -> None:
    assert set(rule.thresholds) <= FIELDS
    th = _Recording(DEFAULT)
    rule.predicate(_inputs(), th)
    rule.wording(th)
    for facts in _variants():
        rule.explain(facts, th)
    assert th.read <= set(rule.thresholds), th.read - set(rule.thresholds)


def test_changing_a_threshold_changes_the_words() -> None:
    th = dataclasses.replace(
        DEFAULT, band_guarded=70.0, band_elevated=40.0, warm_from=55.0, cooling_from=25.0
    )
    by_id = {r.id: r for r in RULES}
    assert by_id["R3"].condition(th) == "stress guarded (≥ 70)"
    assert by_id["R5"].condition(th) == "stress elevated (40–69), stiffness ≥ 40, warmth ≥ 25"
    assert by_id["R7"].condition(th) == "warmth ≥ 55, stiffness ≥ 40, stress < 70"
    assert "until stress is below 67" in by_id["R3"].explain(FACTS, DEFAULT)[1]
    assert "until stress is below 70" in by_id["R3"].explain(FACTS, th)[1]
    assert (
        "waits at least 1 day 12 h"
        in by_id["R3"].explain(FACTS, dataclasses.replace(DEFAULT, deep_tissue_wait_h=36.0))[1]
    )
    ill = by_id["R1"]
    assert "two or more illness signs" in ill.explain(FACTS, DEFAULT)[0]
    words = ill.explain(FACTS, dataclasses.replace(DEFAULT, illness_signs=3, rhr_rise_bpm=6.0))
    assert "three or more illness signs" in words[0] and "resting HR 6+ bpm" in words[0]
    pain = by_id["R0"]
    assert "more than a week" in pain.explain(FACTS, DEFAULT)[0]
    assert (
        "more than 10 days"
        in pain.explain(FACTS, dataclasses.replace(DEFAULT, pain_persist_days=10))[0]
    )
    recurrent = dataclasses.replace(FACTS, pain_reason="pain_recurrent")
    assert (
        "4 of the last 21 days"
        in pain.explain(recurrent, dataclasses.replace(DEFAULT, pain_recurrent_window=21))[0]
    )


def test_rule_attributes_replace_id_lists() -> None:
    assert [r.id for r in RULES if r.cautious] == ["R1", "R2", "R3"]
    assert [r.id for r in RULES if not r.reads_stress] == ["R0", "R1", "R1b"]
    assert [r.id for r in RULES if r.notes] == ["R2"]
    unknown = dataclasses.replace(FACTS, stress=float("nan"))
    assert "stress has no score for this day yet" in RULES[8].explain(unknown, DEFAULT)[-1]
    assert all("has no score" not in t for t in RULES[0].explain(unknown, DEFAULT))


def test_bands_are_int_enums_with_the_output_names() -> None:
    assert [int(b) for b in Band] == [-1, 0, 1, 2]
    assert [int(b) for b in WarmthBand] == [0, 1, 2]
    codes = np.array([Band.UNKNOWN, Band.SETTLED, Band.ELEVATED, Band.GUARDED])
    assert list(band_labels(codes)) == [None, "settled", "elevated", "guarded"]
    assert list(warmth_labels(np.array([0, 1, 2]))) == ["cold", "cooling", "warm"]
