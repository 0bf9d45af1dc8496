"""Scenario tests: each story in sample_data/MANIFEST.toml gets its expected call.

The story frames come from ``sample_data/story.py`` (``build_story``), imported from the repo
root; every evaluation instant in the manifest is scored with ``score_days(at=...)``.
"""

from __future__ import annotations

import datetime
import importlib
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from readiness.scoring import (
    AthleteProfile,
    DayReadiness,
    Thresholds,
    score_days,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"


def _story_module() -> ModuleType:
    if not (SAMPLE / "story.py").exists():
        pytest.skip("sample_data/story.py not present")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("sample_data.story")


@pytest.fixture(scope="module")
def story() -> Any:
    return _story_module().build_story()


def _manifest() -> list[dict[str, Any]]:
    path = SAMPLE / "MANIFEST.toml"
    if not path.exists():
        return []
    with path.open("rb") as fh:
        stories: list[dict[str, Any]] = tomllib.load(fh).get("story", [])
    return stories


def _cases() -> list[tuple[str, datetime.datetime]]:
    return [(s["name"], at) for s in _manifest() for at in s.get("evaluate_times", [])]


@pytest.fixture(scope="module")
def profile(story: Any) -> AthleteProfile:
    a = story.athlete
    return AthleteProfile(hr_rest=a.hr_rest, hr_max=a.hr_max, sex=a.sex)


@pytest.fixture(scope="module")
def timezone(story: Any) -> str:
    tz: str = story.athlete.timezone
    return tz


def _score(
    story: Any, profile: AthleteProfile, timezone: str, at: datetime.datetime
) -> DayReadiness:
    return score_days(
        story.daily, story.sessions, story.checkins, at=at, profile=profile, timezone=timezone
    )[0]


@pytest.mark.parametrize(("name", "at"), _cases(), ids=lambda v: str(v))
def test_story_gets_its_expected_action(
    story: Any, profile: AthleteProfile, timezone: str, name: str, at: datetime.datetime
) -> None:
    spec = next(s for s in _manifest() if s["name"] == name)
    day = _score(story, profile, timezone, at)
    assert day.date == at.astimezone(ZoneInfo(timezone)).date()
    rec = day.recommendation
    if spec.get("acceptable"):
        assert rec.action in spec["acceptable"], (rec.rule, rec.reasons)
    if spec.get("expected_confidence") == "low":
        for sub in (day.nervous_system_stress, day.physical_stiffness):
            if sub is not None:
                assert sub.confidence_level == "Low" and sub.provisional, sub
        assert day.calibration.state in ("none", "provisional")


def test_every_expected_action_story_is_covered() -> None:
    stories = _manifest()
    if not stories:
        pytest.skip("sample_data/MANIFEST.toml not present")
    expected = {s.get("expected_action") for s in stories} - {None}
    assert {
        "relaxation_massage",
        "therapeutic_massage",
        "light_movement_then_stretching",
        "assisted_stretching",
        "physiotherapy_assessment",
        "rest",
    } <= expected


def test_stress_week_reads_as_guarded(story: Any, profile: AthleteProfile, timezone: str) -> None:
    spec = next((s for s in _manifest() if s["name"] == "stress_week_guarded"), None)
    if spec is None:
        pytest.skip("no stress_week_guarded story")
    for at in spec["evaluate_times"]:
        ns = _score(story, profile, timezone, at).nervous_system_stress
        assert ns is not None and ns.band == "guarded"
        assert ns.pattern in ("guarded-sympathetic", "accumulating")


def test_stress_week_is_not_a_rest_week(story: Any, profile: AthleteProfile, timezone: str) -> None:
    """Guarded but not run down: never R2's stress >= 80 with >= 7 h debt, with a margin."""
    spec = next((s for s in _manifest() if s["name"] == "stress_week_guarded"), None)
    if spec is None:
        pytest.skip("no stress_week_guarded story")
    th = Thresholds()
    for at in spec["evaluate_times"]:
        day = _score(story, profile, timezone, at)
        ns = day.nervous_system_stress
        assert ns is not None
        debt = next(c.value for c in ns.contributors if c.signal == "sleep")
        assert debt is not None
        assert ns.score <= th.rest_stress - 3 or debt <= th.rest_sleep_debt_h - 1, (ns, debt)
        assert day.recommendation.rule == "R3", day.recommendation


def test_stories_from_the_generated_files(profile: AthleteProfile, timezone: str) -> None:
    """The same calls when the story comes through the real readers (FIT files + check-ins CSV)."""
    from readiness.ingest import ReadOptions, read_paths

    fit, csv = SAMPLE / "fit", SAMPLE / "checkins.csv"
    if not fit.is_dir() or not csv.exists():
        pytest.skip("generated sample_data files not present")
    options = ReadOptions(tz=ZoneInfo(timezone), profile=profile)
    report = read_paths([fit, csv], options)
    assert not report.errors
    res = report.result
    wrong = []
    for spec in _manifest():
        for at in spec.get("evaluate_times", []):
            day = score_days(
                res.daily, res.sessions, res.checkins, at=at, profile=profile, timezone=timezone
            )[0]
            rec = day.recommendation
            ok = not spec.get("acceptable") or rec.action in spec["acceptable"]
            if not ok:
                wrong.append((spec["name"], at.isoformat(), rec.rule, rec.action))
    assert not wrong
