"""Known traps (research/scoring.md §9.7) and the gates."""

from __future__ import annotations

import numpy as np
import pandas as pd
from readiness.scoring import score_days
from readiness.scoring.pipeline import compute

from tests.scoring import synthetic as sy


def _at(frame: pd.DataFrame, i: int, **values: object) -> pd.DataFrame:
    out = frame.copy()
    for k, v in values.items():
        out.loc[i, k] = v
    return out


def test_today_never_enters_its_own_baseline() -> None:
    daily = sy.daily(80)
    low = compute(_at(daily, 79, hrv_rmssd_ms=30.0), None, None)
    high = compute(_at(daily, 79, hrv_rmssd_ms=120.0), None, None)
    assert low.night.hrv.mu[79] == high.night.hrv.mu[79]
    assert low.night.hrv.sigma[79] == high.night.hrv.sigma[79]
    assert low.stress.d_hrv_acute[79] > 3  # 30 ms is far below a 60 ms normal
    # ...while the next day's baseline does include it
    assert low.night.hrv.mu[79] == compute(daily, None, None).night.hrv.mu[79]


def _switch(same_device: bool) -> list:  # type: ignore[type-arg]
    oura = sy.daily(90, rmssd=130.0, device="oura ring gen3", source="oura")
    whoop = sy.daily(
        20,
        seed=5,
        start=sy.day(90),
        rmssd=90.0,
        device="oura ring gen3" if same_device else "whoop 4.0",
        source="oura" if same_device else "whoop",
    )
    daily = pd.concat([oura, whoop], ignore_index=True)
    return score_days(daily, None, None, dates=[sy.day(90 + k) for k in range(20)])  # type: ignore[arg-type]


def test_oura_to_whoop_switch_is_not_read_as_stress() -> None:
    days = _switch(same_device=False)
    for d in days:
        ns = d.nervous_system_stress
        assert ns is None or ns.band == "settled", d.to_dict()
        assert d.recommendation.action not in ("relaxation_massage", "rest")
    first = days[0].to_dict()
    assert first["calibration"]["segment"].startswith("RMSSD · whoop 4.0")
    assert any("never compared" in r for r in first["calibration"]["reasons"])
    assert first["calibration"]["valid_nights"] == 0
    assert days[-1].calibration.valid_nights == 19
    # the same 130 → 90 ms drop on one device *is* a change worth flagging (control)
    control = _switch(same_device=True)
    assert any(d.nervous_system_stress and d.nervous_system_stress.score >= 33 for d in control)


def test_apple_sdnn_has_its_own_segment_and_never_feeds_rmssd() -> None:
    apple = sy.daily(60, device="apple watch", source="apple")
    apple["hrv_sdnn_ms"] = apple["hrv_rmssd_ms"] * 0.6
    apple["hrv_rmssd_ms"] = np.nan
    apple["hrv_context"] = pd.array([None] * len(apple), dtype="string")
    out = score_days(apple, None, None)[0].to_dict()  # type: ignore[arg-type]
    assert out["calibration"]["segment"].startswith("SDNN · apple watch")
    hrv = [c for c in out["nervous_system_stress"]["contributors"] if c["signal"] == "hrv_7d"]
    assert "SDNN" in hrv[0]["text"] and "RMSSD" not in hrv[0]["text"]
    # interleaving SDNN spot checks into an RMSSD history changes no RMSSD baseline
    ring = sy.daily(60)
    mixed = ring.copy()
    odd = mixed.index % 3 == 1
    mixed.loc[odd, "hrv_sdnn_ms"] = 20.0
    mixed.loc[odd, "hrv_rmssd_ms"] = np.nan
    mixed.loc[odd, "device"] = "apple watch"
    a = compute(mixed, None, None).night.hrv
    b = compute(ring.assign(hrv_rmssd_ms=ring["hrv_rmssd_ms"].where(~odd)), None, None).night.hrv
    even = ~odd
    np.testing.assert_allclose(a.mu[even], b.mu[even])


def _uniform_sessions(n: int, heavy_until: int, heavy_hr: float, easy_hr: float) -> pd.DataFrame:
    days = pd.date_range(sy.START, periods=n, freq="D")
    start = days.tz_localize("UTC") + pd.Timedelta(hours=7)
    hr = np.where(np.arange(n) < heavy_until, heavy_hr, easy_hr)
    return pd.DataFrame(
        {
            "start": start,
            "end": start + pd.Timedelta(minutes=60),
            "avg_hr_bpm": hr,
            "duration_s": 3600.0,
        }
    )


def test_deload_week_monotony_is_muted() -> None:
    # six hard weeks, then an identical easy session every day: monotony explodes (SD ≈ 0)
    sessions = _uniform_sessions(49, heavy_until=42, heavy_hr=165.0, easy_hr=110.0)
    h = compute(sy.daily(49), sessions, None)
    assert h.load.monotony[48] >= 5.0  # the raw number looks alarming…
    assert h.load.deload[48]
    assert h.stiffness.l3[48] == 0.0  # …but is not counted in a deload week
    d = score_days(sy.daily(49), sessions, None)[0].to_dict()  # type: ignore[arg-type]
    mono = [c for c in d["physical_stiffness"]["contributors"] if c["signal"] == "monotony"]
    assert "not counted in a deload" in mono[0]["text"]
    # control: the same uniform easy load without a heavier past is not a deload
    steady = compute(sy.daily(49), _uniform_sessions(49, 0, 0, 110.0), None)
    assert not steady.load.deload[48] and steady.stiffness.l3[48] > 0


def test_prime_while_ill_rests() -> None:
    daily = sy.daily(60)
    sick = sy.checkins([{"date": sy.day(59), "sick": True, "stress": 1, "soreness": 1}])
    d = score_days(daily, sy.sessions(60), sick)[0]
    assert d.nervous_system_stress is not None and d.nervous_system_stress.band == "settled"
    assert d.recommendation.action == "rest" and d.recommendation.rule == "R1"
    assert any("settled score is no reason" in r for r in d.recommendation.reasons)


def test_illness_from_two_same_night_signs() -> None:
    daily = _at(sy.daily(60), 59, respiratory_rate_bpm=17.5, skin_temp_dev_c=0.7)
    d = score_days(daily, None, None)[0]  # type: ignore[arg-type]
    assert d.recommendation.rule == "R1"
    # the explanation adds the robust multivariate night check (MinCovDet), which names the driver
    assert d.nervous_system_stress is not None
    night = [c for c in d.nervous_system_stress.contributors if c.signal == "unusual_night"]
    assert night and "respiratory rate" in night[0].text.split("mostly")[1]
    assert night[0].value is not None and night[0].value > 3
    calm = score_days(sy.daily(60), None, None)[0]  # type: ignore[arg-type]
    assert calm.nervous_system_stress is not None
    assert all(c.signal != "unusual_night" for c in calm.nervous_system_stress.contributors)
    one_sign = _at(sy.daily(60), 59, skin_temp_dev_c=0.7)
    assert score_days(one_sign, None, None)[0].recommendation.rule != "R1"  # type: ignore[arg-type]


def _pain(rows: list[tuple[int, float, str]]) -> pd.DataFrame:
    return sy.checkins([{"date": sy.day(i), "pain": p, "pain_site": s} for i, p, s in rows])


def test_pain_gates() -> None:
    daily = sy.daily(60)

    def rule(rows: list[tuple[int, float, str]], day: int = 59) -> str:
        out = score_days(daily, None, _pain(rows), dates=[sy.day(day)])  # type: ignore[arg-type]
        return out[0].recommendation.rule

    assert rule([(59, 4, "lower back")]) == "R0"  # pain ≥ 4
    assert rule([(57, 3, "left knee"), (58, 3, "left knee"), (59, 3, "Left Knee ")]) == "R0"
    assert rule([(58, 3, "left knee"), (59, 3, "left knee")]) != "R0"  # only 2 of 14 days
    # a second episode at the same site within 30 days: keeps returning
    returning = [(40, 3, "left knee"), (41, 2, "left knee"), (50, 2, "left knee")]
    assert rule(returning, day=50) == "R0"
    # a later "pain 1" report means the site is quiet: the gate lets go
    assert rule([*returning, (51, 1, "")], day=51) != "R0"
    persisting = [(i, 2, "achilles") for i in range(50, 60)]
    assert rule(persisting) == "R0"
    flags = sy.checkins([{"date": sy.day(59), "pain": 2}]).assign(red_flags=["numbness"])
    out = score_days(daily, None, flags)[0]  # type: ignore[arg-type]
    assert out.recommendation.rule == "R0"


def test_checkins_escalate_and_disagreement_is_stated() -> None:
    daily = sy.daily(60)
    ci = sy.checkins([{"date": sy.day(59), "stress": 5, "soreness": 1}])
    d = score_days(daily, None, ci)[0]  # type: ignore[arg-type]
    assert d.nervous_system_stress is not None and d.nervous_system_stress.score >= 67
    assert d.recommendation.action == "relaxation_massage"
    assert any("your report counts" in r for r in d.recommendation.reasons)
    sore = sy.checkins([{"date": sy.day(59), "soreness": 4}])
    s = score_days(daily, None, sore)[0]  # type: ignore[arg-type]
    assert s.physical_stiffness is not None and s.physical_stiffness.score >= 75


def test_checkins_relax_guarded_only_under_strict_conditions() -> None:
    from readiness.scoring import DEFAULT
    from readiness.scoring.pipeline import deescalation

    band = np.array([2, 2, 2, 2, 2, 1])
    stress = np.array([1.0, 3.0, 1.0, 1.0, np.nan, 1.0])
    one_beyond = (np.full(6, 2.0), np.full(6, 1.0), np.full(6, 1.4), np.full(6, 0.0))
    cause = np.array(["late caffeine", "late caffeine", None, "warm room", "x", "x"], dtype=object)
    got = deescalation(band, stress, one_beyond, cause, DEFAULT)
    # only day 0: guarded, stress ≤ 2, a cause, ≤ 1 signal beyond 1.5 SD
    assert got.tolist() == [True, False, False, True, False, False]
    two_beyond = (np.full(6, 2.0), np.full(6, 1.6), np.full(6, 0.0), np.full(6, 0.0))
    assert not deescalation(band, stress, two_beyond, cause, DEFAULT).any()


def test_deescalation_is_stated_and_changes_the_rule_not_the_score() -> None:
    import dataclasses

    from readiness.scoring import DEFAULT

    daily = sy.daily(60)
    # clearly guarded: HRV far below, resting HR up and short sleep for five nights
    daily.loc[55:59, "hrv_rmssd_ms"] = 25.0
    daily.loc[55:59, "resting_hr_bpm"] = 60.0
    daily.loc[55:59, "sleep_total_min"] = 300.0
    calm_ci = sy.checkins([{"date": sy.day(59), "stress": 1.0}])
    ci = calm_ci.assign(cause=["tracker was loose"])
    plain = score_days(daily, None, calm_ci)[0]  # type: ignore[arg-type]
    explained = score_days(daily, None, ci)[0]  # type: ignore[arg-type]
    assert plain.nervous_system_stress is not None and explained.nervous_system_stress is not None
    assert explained.nervous_system_stress.band == "guarded"
    # several signals beyond 1.5 SD: the body wins even with a cause; the disagreement is stated
    assert explained.recommendation.rule in ("R2", "R3")
    assert any(
        "body signals suggest a guarded state" in r for r in explained.recommendation.reasons
    )
    # with a looser limit on beyond-1.5-SD signals the same cause relaxes the call: the score
    # stays, the rule changes, and the output says why
    loose = dataclasses.replace(DEFAULT, deescalate_max_components=4)
    relaxed = score_days(daily, None, ci, thresholds=loose)[0]  # type: ignore[arg-type]
    assert relaxed.nervous_system_stress is not None
    assert relaxed.nervous_system_stress.score == explained.nervous_system_stress.score
    assert relaxed.recommendation.rule not in ("R2", "R3")
    assert any("treated as elevated" in r for r in relaxed.recommendation.reasons)
