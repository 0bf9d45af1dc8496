"""Property tests (hypothesis): monotonicity, causality, order/duplicate independence."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from readiness.scoring import score_history
from readiness.scoring.pipeline import compute

from tests.scoring import synthetic as sy

N = 70
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def _base(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    daily = sy.daily(N, seed=seed)
    # some gaps and a stressed stretch so every component has something to say
    gaps = rng.choice(N, size=6, replace=False)
    daily.loc[gaps, "hrv_rmssd_ms"] = np.nan
    daily.loc[55:62, "hrv_rmssd_ms"] *= 0.8
    daily.loc[55:62, "resting_hr_bpm"] += 4
    rows = [
        {"date": sy.day(int(i)), "stress": float(rng.integers(1, 6)), "fatigue": 2.0}
        for i in rng.choice(N, size=15, replace=False)
    ]
    return daily, sy.sessions(N, seed=seed), sy.checkins(rows)


def _equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        a.reset_index(drop=True), b.reset_index(drop=True), check_exact=False, rtol=1e-9
    )


def _worse(daily: pd.DataFrame, day: int, drop: float, rise: float) -> pd.DataFrame:
    worse = daily.copy()
    if np.isfinite(worse.loc[day, "hrv_rmssd_ms"]):
        worse.loc[day, "hrv_rmssd_ms"] = max(3.0, worse.loc[day, "hrv_rmssd_ms"] * np.exp(-drop))
    worse.loc[day, "resting_hr_bpm"] = min(150.0, worse.loc[day, "resting_hr_bpm"] + rise)
    return worse


def _assert_not_lower(before: float, after: float) -> None:
    assert np.isnan(before) == np.isnan(after)
    if np.isfinite(before):
        assert after >= before - 1e-9


@SETTINGS
@given(
    seed=st.integers(0, 2),
    days=st.lists(st.integers(20, N - 1), min_size=3, max_size=5, unique=True),
    drop=st.floats(0.0, 1.5),
    rise=st.floats(0.0, 25.0),
)
def test_lower_hrv_or_higher_rhr_never_lowers_stress(
    seed: int, days: list[int], drop: float, rise: float
) -> None:
    daily, sessions, checkins = _base(seed)
    before = compute(daily, sessions, checkins).stress.score
    for day in days:
        after = compute(_worse(daily, day, drop, rise), sessions, checkins).stress.score
        _assert_not_lower(before[day], after[day])


@pytest.mark.parametrize(("drop", "rise"), [(0.4, 0.0), (0.0, 3.0)])
def test_monotonicity_sweep_over_every_day(drop: float, rise: float) -> None:
    """The same property on every day of one history (deterministic, catches rare cells)."""
    daily, sessions, checkins = _base(0)
    before = compute(daily, sessions, checkins).stress
    parts = ("score", "p_hrv_chronic", "p_hrv_acute", "p_rhr_chronic", "p_rhr_acute", "p_trend")
    for day in range(15, N):
        after = compute(_worse(daily, day, drop, rise), sessions, checkins).stress
        for part in parts:  # the score and every component on its own
            _assert_not_lower(getattr(before, part)[day], getattr(after, part)[day])


@SETTINGS
@given(seed=st.integers(0, 2), extra=st.integers(1, 25), noise=st.integers(0, 1000))
def test_appending_future_days_changes_no_past_day(seed: int, extra: int, noise: int) -> None:
    daily, sessions, checkins = _base(seed)
    past = score_history(daily, sessions, checkins)
    future_daily = sy.daily(extra, seed=noise, start=sy.day(N), rmssd=35.0, rhr=70.0)
    future_sessions = sy.sessions(extra, seed=noise, start=sy.day(N)).assign(
        avg_hr_bpm=172.0,
        max_hr_bpm=205.0,  # a new maximum HR must not rescale past loads
    )
    future_ci = sy.checkins([{"date": sy.day(N), "pain": 5.0, "sick": True, "stress": 5.0}])
    longer = score_history(
        pd.concat([daily, future_daily], ignore_index=True),
        pd.concat([sessions, future_sessions], ignore_index=True),
        pd.concat([checkins, future_ci], ignore_index=True),
    )
    assert len(longer) == N + extra
    _equal(past, longer.iloc[:N])


@SETTINGS
@given(seed=st.integers(0, 2), perm_seed=st.integers(0, 10_000), dups=st.integers(0, 10))
def test_row_order_and_duplicates_change_nothing(seed: int, perm_seed: int, dups: int) -> None:
    daily, sessions, checkins = _base(seed)
    reference = score_history(daily, sessions, checkins)
    rng = np.random.default_rng(perm_seed)

    def shuffle(frame: pd.DataFrame) -> pd.DataFrame:
        extra = frame.iloc[rng.integers(0, len(frame), size=dups)] if len(frame) else frame
        both = pd.concat([frame, extra], ignore_index=True)
        return both.iloc[rng.permutation(len(both))].reset_index(drop=True)

    _equal(reference, score_history(shuffle(daily), shuffle(sessions), shuffle(checkins)))
