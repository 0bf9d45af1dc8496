"""Freshness: old data never gets a confident call (docs/scoring.md, "Freshness").

A generated history ends; asked two years later the day is stale: the action is
``no_recent_data`` with the last data date, no sub-score is fed by the old data — unless a pain
or illness check-in gate applies, which still wins.
"""

from __future__ import annotations

import datetime
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from readiness.api.cli.main import main
from readiness.scoring import DEFAULT, score_days, score_history

from tests.scoring import synthetic as syn

N = 120
LAST = syn.day(N - 1)  # the last day with data
LATER = LAST + datetime.timedelta(days=707)  # two years on, as in the WHOOP finding


def _history() -> tuple[pd.DataFrame, pd.DataFrame]:
    return syn.daily(N), syn.sessions(N)


def test_a_stale_day_gets_no_recent_data_with_the_last_date() -> None:
    daily, sessions = _history()
    (day,) = score_days(daily, sessions, syn.checkins([]), dates=[LATER])
    out = day.to_dict()
    assert out["data"] == {
        "last_night": LAST.isoformat(),
        "last_activity": LAST.isoformat(),
        "days_since_data": 707,
        "stale": True,
    }
    rec = out["recommendation"]
    assert rec["action"] == "no_recent_data" and rec["rule"] == "R1b"
    assert any(LAST.isoformat() in r and "sync your device" in r for r in rec["reasons"])
    # the old data feeds nothing: no sub-score, no "minutes since activity" two years long
    assert out["nervous_system_stress"] is None
    assert out["physical_stiffness"] is None
    assert out["warmth"]["minutes_since_activity"] is None
    assert any("do not count" in r for r in out["calibration"]["reasons"])


def test_the_day_after_the_data_is_still_fresh() -> None:
    daily, sessions = _history()
    (day,) = score_days(daily, sessions, syn.checkins([]), dates=[LAST + datetime.timedelta(1)])
    assert day.data.stale is False and day.data.days_since_data == 1
    assert day.recommendation.action != "no_recent_data"
    assert day.nervous_system_stress is not None


def test_pain_and_illness_check_ins_still_win_on_a_stale_day() -> None:
    daily, sessions = _history()
    pain = syn.checkins([{"date": LATER, "pain": 4.0, "pain_site": "left knee"}])
    (day,) = score_days(daily, sessions, pain, dates=[LATER])
    assert day.data.stale is True
    assert day.recommendation.action == "physiotherapy_assessment"
    sick = syn.checkins([{"date": LATER, "sick": True}])
    (day,) = score_days(daily, sessions, sick, dates=[LATER])
    assert day.recommendation.action == "rest" and day.data.stale is True
    # any other check-in does not make old data fresh
    calm = syn.checkins([{"date": LATER, "stress": 2.0, "soreness": 2.0}])
    (day,) = score_days(daily, sessions, calm, dates=[LATER])
    assert day.recommendation.action == "no_recent_data"


def test_nights_older_than_their_window_do_not_feed_stress() -> None:
    daily, sessions = _history()
    frame = score_history(daily, sessions, syn.checkins([]))
    days = pd.to_datetime(frame["date"]).dt.date.to_numpy()
    after = {d: row for d, row in zip(days, frame.itertuples(), strict=True) if d > LAST}
    assert not after  # the calendar ends with the data; ask for later days explicitly
    wanted = [LAST + datetime.timedelta(days=k) for k in range(0, 9)]
    out = score_days(daily, sessions, syn.checkins([]), dates=wanted)
    ages = [d.data.days_since_data for d in out]
    assert ages == list(range(9))
    stress = [d.nervous_system_stress for d in out]
    window = DEFAULT.fresh_night_days
    assert all(s is not None for s in stress[: window + 1])
    assert all(s is None for s in stress[window + 1 :])  # a 7-day mean would still exist
    # confidence falls with every missing night
    confidence = [s.confidence for s in stress[: window + 1] if s is not None]
    assert all(b < a for a, b in itertools.pairwise(confidence))
    actions = [d.recommendation.action for d in out]
    assert actions[window + 1 :] == ["no_recent_data"] * (8 - window)
    assert "no_recent_data" not in actions[: window + 1]


def test_training_load_is_not_carried_past_its_window() -> None:
    """After the device goes quiet, days without a workout are unknown, not rest days."""
    daily, sessions = _history()
    heavy = sessions.copy()
    last = heavy.index[-1]
    heavy.loc[last, "duration_s"] = 4 * 3600.0
    heavy.loc[last, "avg_hr_bpm"] = 170.0
    days = [LAST + datetime.timedelta(days=k) for k in (1, DEFAULT.fresh_load_days + 1)]
    soon, late = score_days(daily.iloc[:-1], heavy, syn.checkins([]), dates=days)
    assert soon.physical_stiffness is not None
    assert late.physical_stiffness is None
    assert late.recommendation.action == "no_recent_data"


def test_no_forward_fill_reaches_a_decision() -> None:
    """A gap in the middle of a history: the days in it never reuse the nights before it."""
    daily, sessions = _history()
    gap = (daily["date"] >= pd.Timestamp(syn.day(60))) & (daily["date"] < pd.Timestamp(syn.day(75)))
    keep = ~gap.to_numpy()
    in_gap = (sessions["date"] >= pd.Timestamp(syn.day(60))) & (
        sessions["date"] < pd.Timestamp(syn.day(75))
    )
    frame = score_history(daily.loc[keep], sessions.loc[~in_gap.to_numpy()], syn.checkins([]))
    inside = frame.iloc[60 + DEFAULT.fresh_load_days + 1 : 75]
    assert inside["stale"].all()
    assert (inside["action"] == "no_recent_data").all()
    assert inside["nervous_system_stress"].isna().all()
    assert inside["physical_stiffness"].isna().all()
    assert np.isnan(inside["minutes_since_activity"].to_numpy(dtype=float)).all()
    assert not frame.iloc[80:]["stale"].any()


WHOOP = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "fixtures"
    / "exports"
    / "whoop"
    / "theonerichy_whoop_data"
)


@pytest.mark.skipif(not WHOOP.exists(), reason="real WHOOP fixture absent (../shared/fixtures)")
def test_the_real_whoop_export_asked_two_years_later(capsys: pytest.CaptureFixture[str]) -> None:
    """The finding: export ending 2024-06-24, asked 2026-06-01 → was `none`, stiffness
    "settled, confidence Medium", 1018410 min since activity."""
    assert main(["score", str(WHOOP), "--date", "2026-06-01", "--json"]) == 0
    (day,) = json.loads(capsys.readouterr().out)["days"]
    assert day["recommendation"]["action"] == "no_recent_data"
    assert day["data"]["last_night"] == "2024-06-24" and day["data"]["stale"] is True
    assert day["physical_stiffness"] is None
    assert day["warmth"]["minutes_since_activity"] is None
    assert any("2024-06-24" in reason for reason in day["recommendation"]["reasons"])
