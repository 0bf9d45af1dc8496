"""The public API end to end: score_days, DayReadiness.to_dict (the CLI contract), edge cases."""

from __future__ import annotations

import datetime
import json

import numpy as np
import pandas as pd
import pytest
from readiness.ingest.schema.tables import (
    CHECKINS,
    DAILY,
    SESSIONS,
    empty,
)
from readiness.scoring import (
    ACTIONS,
    RULES,
    DayReadiness,
    score_days,
    score_history,
)

from tests.scoring import synthetic as sy

DAY_KEYS = {
    "date",
    "nervous_system_stress",
    "physical_stiffness",
    "warmth",
    "recommendation",
    "calibration",
}


def _check_contract(d: dict[str, object]) -> None:
    assert set(d) >= DAY_KEYS
    ns = d["nervous_system_stress"]
    if ns is not None:
        assert isinstance(ns, dict)
        assert {"score", "band", "confidence", "pattern", "contributors"} <= set(ns)
        assert ns["band"] in ("settled", "elevated", "guarded")
        assert 0 <= ns["score"] <= 100 and 0 <= ns["confidence"] <= 1
    ps = d["physical_stiffness"]
    if ps is not None:
        assert isinstance(ps, dict)
        assert {"score", "band", "type", "confidence", "contributors"} <= set(ps)
        assert ps["type"] in ("load", "inactivity")
    w = d["warmth"]
    assert isinstance(w, dict) and {"score", "minutes_since_activity"} <= set(w)
    rec = d["recommendation"]
    assert isinstance(rec, dict)
    assert {"action", "rule", "reasons", "notes", "evidence", "disclaimer"} <= set(rec)
    assert rec["action"] in ACTIONS and rec["rule"] in {r.id for r in RULES}
    assert rec["reasons"] and rec["notes"] and rec["evidence"]
    assert "not medical advice" in rec["disclaimer"].lower()
    cal = d["calibration"]
    assert isinstance(cal, dict) and {"valid_nights", "state"} <= set(cal)


def test_score_days_end_to_end_defaults_to_last_day() -> None:
    out = score_days(sy.daily(90), sy.sessions(90), sy.checkins([]))
    assert len(out) == 1 and isinstance(out[0], DayReadiness)
    assert out[0].date == sy.day(89)
    d = out[0].to_dict()
    _check_contract(d)
    json.dumps(d, allow_nan=False)  # strictly JSON
    assert d["calibration"]["state"] == "full"
    assert d["nervous_system_stress"]["band"] == "settled"
    assert d["recommendation"]["action"] == "none"


def test_contributors_are_in_real_units() -> None:
    out = score_days(sy.daily(90), sy.sessions(90), sy.checkins([]))[0].to_dict()
    by = {c["signal"]: c for c in out["nervous_system_stress"]["contributors"]}
    assert by["hrv_7d"]["unit"] == "ms" and 45 < by["hrv_7d"]["value"] < 80
    lo, hi = by["hrv_7d"]["normal_range"]
    assert lo < 60 < hi
    # the sentence names the value and the normal range in ms, and the side it is on
    text, direction = by["hrv_7d"]["text"], by["hrv_7d"]["direction"]
    assert f"{by['hrv_7d']['value']:.0f} ms" in text and f"{lo:.0f}–{hi:.0f} ms)" in text
    assert direction in ("below", "within", "above") and f"{direction} your normal (" in text
    assert by["rhr_7d"]["unit"] == "bpm"


def test_requested_range_and_dates_beyond_the_data() -> None:
    wanted = [sy.day(50), sy.day(51), sy.day(95)]
    out = score_days(sy.daily(60), sy.sessions(60), sy.checkins([]), dates=wanted)
    assert [o.date for o in out] == wanted
    late = out[-1].to_dict()
    _check_contract(late)
    # no night for the day: the 7-day mean is gone, nothing imputed
    assert late["nervous_system_stress"] is None or all(
        c["signal"] != "hrv_today" for c in late["nervous_system_stress"]["contributors"]
    )


def test_empty_tables_give_no_days_and_nulls_with_reasons() -> None:
    assert score_days(empty(DAILY), empty(SESSIONS), empty(CHECKINS)) == []
    out = score_days(empty(DAILY), empty(SESSIONS), empty(CHECKINS), dates=[sy.day(0)])
    d = out[0].to_dict()
    _check_contract(d)
    assert d["nervous_system_stress"] is None and d["physical_stiffness"] is None
    text = " ".join(d["calibration"]["reasons"])
    assert "nervous-system stress has no score" in text
    assert "physical stiffness has no score" in text
    assert d["calibration"]["state"] == "none"


def test_extra_columns_are_ignored() -> None:
    daily = sy.daily(40).assign(something_else="x")
    out = score_days(daily, sy.sessions(40), sy.checkins([]))
    assert out[0].recommendation.action in ACTIONS


def test_naive_at_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        score_days(sy.daily(10), sy.sessions(10), sy.checkins([]), at=datetime.datetime(2025, 1, 5))  # noqa: DTZ001


def test_at_defaults_the_day_and_drives_warmth() -> None:
    sessions = sy.sessions(30)
    end = sessions["end"].iloc[-1].to_pydatetime()
    at = end + datetime.timedelta(minutes=10)
    out = score_days(sy.daily(30), sessions, sy.checkins([]), at=at)[0]
    assert out.date == at.date()
    assert out.warmth.minutes_since_activity == pytest.approx(10.0)
    assert out.warmth.score == pytest.approx(100 * np.exp(-0.5), abs=0.01)
    assert out.warmth.band == "warm"


def test_score_history_has_every_day_and_sub_score() -> None:
    frame = score_history(sy.daily(120), sy.sessions(120), sy.checkins([]))
    assert len(frame) == 120
    for col in ("nervous_system_stress", "physical_stiffness", "warmth", "rule", "action"):
        assert col in frame
    assert frame["action"].isin(ACTIONS).all()
    assert frame["nervous_system_stress"].iloc[40:].notna().all()


def test_profile_timezone_moves_day_boundaries() -> None:
    # a session at 23:30 UTC is the next local day in Oslo
    sessions = pd.DataFrame(
        {
            "start": pd.to_datetime(["2025-03-01T23:30:00Z"]),
            "end": pd.to_datetime(["2025-03-02T00:30:00Z"]),
            "avg_hr_bpm": [140.0],
        }
    )
    utc = score_history(empty(DAILY), sessions, empty(CHECKINS))
    oslo = score_history(empty(DAILY), sessions, empty(CHECKINS), timezone="Europe/Oslo")
    assert str(utc["date"].iloc[0])[:10] == "2025-03-01"
    assert str(oslo["date"].iloc[0])[:10] == "2025-03-02"


def test_results_follow_the_requested_order() -> None:
    wanted = [sy.day(40), sy.day(30), sy.day(40)]
    out = score_days(sy.daily(50), sy.sessions(50), sy.checkins([]), dates=wanted)
    assert [o.date for o in out] == wanted


def test_feedback_calibration_through_score_days() -> None:
    # stiff (sitting), calm, warm days: the rules say assisted stretching (R7); this athlete
    # has rated massage-then-stretching as helpful and stretching alone as not, many times.
    n = 120
    daily = sy.daily(n)
    daily["sedentary_min"] = 700.0
    daily["longest_sedentary_bout_min"] = 150.0
    rows = [
        {
            "date": sy.day(i),
            "action": "massage_then_stretching" if i % 2 else "assisted_stretching",
            "helped": 5 if i % 2 else 1,
        }
        for i in range(20, 110)
    ]
    sessions = sy.sessions(n)
    at = sessions["end"].iloc[-1].to_pydatetime() + datetime.timedelta(minutes=5)
    plain = score_days(daily, sessions, None, at=at)[0]  # type: ignore[arg-type]
    assert (
        plain.recommendation.rule == "R7" and plain.recommendation.action == "assisted_stretching"
    )
    tuned = score_days(daily, sessions, None, at=at, feedback=pd.DataFrame(rows))[0]  # type: ignore[arg-type]
    rec = tuned.recommendation
    assert rec.rule == "R7" and rec.rule_action == "assisted_stretching"
    assert rec.calibrated and rec.action == "massage_then_stretching"
    assert rec.action in rec.options
    assert tuned.calibration.feedback.startswith("calibrated on")


def test_checkins_get_a_personal_usual_after_14_reports() -> None:
    rows = [{"date": sy.day(i), "stress": 1.0} for i in range(20, 49)]
    rows.append({"date": sy.day(49), "stress": 3.0})
    out = score_days(sy.daily(50), None, sy.checkins(rows))[0]  # type: ignore[arg-type]
    assert out.nervous_system_stress is not None
    c = next(c for c in out.nervous_system_stress.contributors if c.signal == "stress_checkin")
    assert "worse than usual" in c.text and "usually report 1.0" in c.text
    assert c.sd is not None and c.sd > 0.5
    few = score_days(sy.daily(50), None, sy.checkins(rows[-5:]))[0]  # type: ignore[arg-type]
    assert few.nervous_system_stress is not None
    c2 = next(c for c in few.nervous_system_stress.contributors if c.signal == "stress_checkin")
    assert "usual" not in c2.text and c2.sd is None


def test_first_days_are_provisional_with_low_confidence() -> None:
    daily, sessions = sy.daily(10), sy.sessions(10)
    for k in range(10):
        d = score_days(daily, sessions, None, dates=[sy.day(k)])[0]  # type: ignore[arg-type]
        assert d.calibration.state in ("none", "provisional")
        for sub in (d.nervous_system_stress, d.physical_stiffness):
            assert sub is None or (sub.provisional and sub.confidence_level == "Low")
    last = score_days(daily, sessions, None)[0]  # type: ignore[arg-type]
    assert any("provisional" in r for r in last.calibration.reasons)


def test_gaps_lower_confidence_and_are_not_filled_in() -> None:
    full = sy.daily(90)
    gappy = full.copy()
    gappy.loc[84:88, ["hrv_rmssd_ms", "resting_hr_bpm"]] = np.nan
    a = score_days(full, None, None)[0]  # type: ignore[arg-type]
    b = score_days(gappy, None, None)[0]  # type: ignore[arg-type]
    assert a.nervous_system_stress is not None and b.nervous_system_stress is not None
    assert b.nervous_system_stress.confidence < a.nervous_system_stress.confidence
    signals = {c.signal for c in b.nervous_system_stress.contributors}
    assert "hrv_7d" not in signals  # 2 valid nights in 7: no 7-day mean, nothing imputed
    assert any("gaps lower confidence" in r for r in b.calibration.reasons)
