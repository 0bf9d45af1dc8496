"""Coverage-aware days: inactivity counts measured time only (docs/scoring.md, "Coverage and
sedentary exposure").

The real findings: a FIT monitoring file that ends at midnight gave the next day (which only
has a sleep file) "inactive waking time 16.0 h" and stiffness 100; the Oura athlete's stiffness
swung 0 → 92 → 0 on consecutive days from sedentary time alone.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from readiness.api.cli.main import main
from readiness.ingest import read_path
from readiness.scoring import DEFAULT, score_days, score_history

from tests.scoring import synthetic as syn

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
MONITOR = FIXTURES / "fit" / "fitdatawhiz__monitor1_with_all.fit"
SLEEP = FIXTURES / "fit" / "fitdatawhiz__sleep1.fit"
OURA = (
    FIXTURES / "exports" / "oura" / "saltiola7_portfolio" / "oura_2022-01-10_2022-11-28_trends.csv"
)


def _texts(day: dict[str, object]) -> str:
    return json.dumps(day)


@pytest.mark.skipif(
    not (MONITOR.exists() and SLEEP.exists()),
    reason="real FIT fixtures absent (../shared/fixtures)",
)
def test_the_partial_day_of_the_real_fixture_pair_is_not_sixteen_hours_inactive(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["score", str(MONITOR), str(SLEEP), "--date", "2023-09-27", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    (day,) = out if isinstance(out, list) else out["days"]
    stiffness = day["physical_stiffness"]
    assert stiffness is None or stiffness["score"] < DEFAULT.band_elevated
    assert "16.0 h" not in _texts(day)
    assert day["recommendation"]["action"] != "light_movement_then_stretching"
    # the monitoring day before is measured (about 12 h of samples) and keeps its inactivity
    daily = read_path(MONITOR).daily.set_index("date")
    assert daily.loc["2023-09-26", "monitoring_coverage_min"] == pytest.approx(741, abs=5)
    assert "2023-09-27" not in daily.index.astype(str)  # no minute of it was measured


def _one_day(**values: float) -> pd.DataFrame:
    daily = syn.daily(40)
    for name, value in values.items():
        daily[name] = daily[name].astype("float64")
        daily.loc[daily.index[-1], name] = value
    return daily


def _stiffness_of_last_day(daily: pd.DataFrame) -> dict[str, object]:
    (day,) = score_days(daily, syn.sessions(0), syn.checkins([]), dates=[syn.day(39)])
    return day.to_dict()


def test_a_day_with_too_little_coverage_has_no_inactivity_score() -> None:
    daily = _one_day(monitoring_coverage_min=120.0, sedentary_min=900.0)
    daily["longest_sedentary_bout_min"] = daily["longest_sedentary_bout_min"].astype("float64")
    daily.loc[daily.index[-1], "longest_sedentary_bout_min"] = 300.0
    day = _stiffness_of_last_day(daily)
    assert day["physical_stiffness"] is None
    assert any("only 2 h of this day were measured" in r for r in day["calibration"]["reasons"])
    full = _one_day(monitoring_coverage_min=1440.0, sedentary_min=900.0)
    stiffness = _stiffness_of_last_day(full)["physical_stiffness"]
    assert stiffness is not None and stiffness["type"] == "inactivity"


def test_inactive_time_is_estimated_from_measured_time_only() -> None:
    """Without a sedentary value: min(coverage, 1440 − in bed) − active, never the whole day."""
    base = syn.daily(40)
    base["sedentary_min"] = np.nan
    base["longest_sedentary_bout_min"] = np.nan
    unknown = base.copy()  # no coverage reported: nothing is estimated
    assert _stiffness_of_last_day(unknown)["physical_stiffness"] is None
    measured = base.copy()
    measured["monitoring_coverage_min"] = 700.0
    measured["active_min"] = 100.0
    day = _stiffness_of_last_day(measured)
    (item,) = [
        c for c in day["physical_stiffness"]["contributors"] if c["signal"] == "inactive_time"
    ]
    assert item["value"] == pytest.approx(600.0)  # 700 measured − 100 active, not 1440 − 500 − 100


def test_one_long_sitting_day_moves_the_score_by_its_exposure_not_all_of_it() -> None:
    daily = _one_day(sedentary_min=780.0)  # 13 h after weeks of ~7 h
    daily["longest_sedentary_bout_min"] = np.nan
    day = _stiffness_of_last_day(daily)
    score = day["physical_stiffness"]["score"]
    assert 0 < score < 50  # one day alone would give 100 points


@pytest.mark.skipif(not OURA.exists(), reason="real Oura fixture absent (../shared/fixtures)")
def test_the_oura_athletes_sedentary_swings_are_damped() -> None:
    result = read_path(OURA)
    frame = score_history(result.daily, result.sessions, result.checkins)
    frame = frame.set_index(pd.to_datetime(frame["date"]))
    # 2022-06-09 → 06-11: 7.5 h, 12.4 h, 6.9 h inactive gave stiffness 0 → 100 → 0
    swing = frame.loc["2022-06-09":"2022-06-11", "physical_stiffness"].to_numpy()
    assert swing[1] - swing[0] < 40 and swing[1] - swing[2] < 40
    assert (frame["stiffness_type"] == "inactivity").all()
    jumps = np.abs(np.diff(frame["tl_inactivity"].to_numpy(dtype=float)))
    assert np.nanmax(jumps) < 50  # one day's sitting never swings it across two bands


def test_a_coverage_only_day_counts_as_recent_activity() -> None:
    daily = syn.daily(30)
    extra = pd.DataFrame(
        {"date": [pd.Timestamp(syn.day(35))], "monitoring_coverage_min": [900.0], "source": ["fit"]}
    )
    both = pd.concat([daily, extra], ignore_index=True)
    (day,) = score_days(both, syn.sessions(0), syn.checkins([]), dates=[syn.day(35)])
    assert day.data.last_activity == syn.day(35)
    assert day.data.last_night == syn.day(29)
    assert day.data.days_since_data == 0 and not day.data.stale
    assert day.date - day.data.last_night > datetime.timedelta(days=DEFAULT.fresh_night_days)
    assert day.nervous_system_stress is None
