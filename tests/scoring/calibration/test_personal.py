"""Personal weights from check-ins (docs/scoring.md, "Personal weights from check-ins"): the
estimator contract, time order, the noise-only athlete, bounded weights, and a bounded slice of
benchmarks/validity.py."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from readiness.scoring import DEFAULT, score_days, score_history
from readiness.scoring.calibration.personal import refit_sizes
from readiness.scoring.calibration.personal_model import PersonalWeights
from readiness.scoring.calibration.personal_stress import stress_prior
from readiness.scoring.pipeline import compute
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from tests.scoring import synthetic as sy
from tests.scoring.felt import STRUCTURED, athlete

PRIOR = stress_prior(DEFAULT)


def _parts(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seven parts in points; the felt rating follows the fourth (resting HR last night)."""
    rng = np.random.default_rng(seed)
    parts = np.clip(rng.normal(20, 20, (n, 7)), 0, 100)
    parts[rng.uniform(size=(n, 7)) < 0.1] = np.nan
    felt = np.clip(
        np.round(2 + np.nan_to_num(parts[:, 3], nan=20) / 25 + rng.normal(0, 0.5, n)), 1, 5
    )
    return parts, felt


def test_estimator_contract() -> None:
    parts, felt = _parts(120, 0)
    model = PersonalWeights(prior=PRIOR)
    with pytest.raises(NotFittedError):
        model.predict(parts)
    assert model.fit(parts, felt) is model
    assert model.n_features_in_ == 7
    assert clone(model).get_params() == model.get_params()
    assert np.isclose(model.weights_.sum(), 1.0) and np.all(model.weights_ >= 0)
    # the part the athlete feels gains weight over its prior, and validation sees it
    assert model.weights_[3] > PRIOR[3] / sum(PRIOR)
    assert model.validation_personal_ > model.validation_fixed_
    score = model.predict(parts)
    assert np.nanmin(score) >= 0 and np.nanmax(score) <= 100
    with pytest.raises(ValueError, match="non-negative"):
        PersonalWeights(prior=(1.0, -1.0, 0, 0, 0, 0, 0)).fit(parts, felt)
    with pytest.raises(ValueError, match="features"):
        model.predict(parts[:, :3])


def test_shrinkage_toward_the_fixed_weights() -> None:
    """Few check-in days stay close to the prior; more move toward what the data say."""
    prior = np.array(PRIOR) / sum(PRIOR)
    parts, felt = _parts(400, 1)
    few = PersonalWeights(prior=PRIOR).fit(parts[:40], felt[:40])
    many = PersonalWeights(prior=PRIOR).fit(parts, felt)
    assert np.abs(few.weights_ - prior).sum() < np.abs(many.weights_ - prior).sum()
    strong = PersonalWeights(prior=PRIOR, n0=1e6).fit(parts, felt)
    assert np.allclose(strong.weights_, prior, atol=1e-3)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(8, 80),
    seed=st.integers(0, 10_000),
    scale=st.floats(0.0, 1e4),
    constant=st.booleans(),
)
def test_weights_are_finite_and_bounded(n: int, seed: int, scale: float, constant: bool) -> None:
    rng = np.random.default_rng(seed)
    parts = rng.uniform(0, 100, (n, 7)) * (scale / 1e4)
    parts[rng.uniform(size=(n, 7)) < 0.3] = np.nan
    if constant:
        parts[:, 0] = 50.0
    felt = rng.integers(1, 6, n).astype(float)
    model = PersonalWeights(prior=PRIOR, n_splits=3).fit(parts, felt)
    for weights in (model.weights_, model.data_weights_):
        assert np.all(np.isfinite(weights)) and np.all((weights >= 0) & (weights <= 1))
    assert np.isclose(model.weights_.sum(), 1.0)
    assert np.isfinite(model.validation_personal_) and np.isfinite(model.validation_fixed_)
    assert -1 <= model.validation_personal_ <= 1 and -1 <= model.validation_fixed_ <= 1


def test_refit_points() -> None:
    assert refit_sizes(29, DEFAULT) == []
    sizes = refit_sizes(1000, DEFAULT)
    assert sizes[:3] == [30, 44, 58]
    steps = np.diff(sizes)
    assert np.all(steps >= DEFAULT.personal_refit_step)
    assert len(sizes) < 40  # growth: ~30 fits for 1000 check-in days, not 70


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(40, 170), shift=st.integers(1, 4), seed=st.integers(0, 3))
def test_no_future_checkin_changes_a_past_day(cut: int, shift: int, seed: int) -> None:
    """Changing, adding or removing check-ins on and after day ``cut`` leaves every day before
    it exactly as it was (its score and its personal state)."""
    daily, sessions, checkins, _, _ = athlete("hrv", seed, n_days=180, share=1.0)
    before = compute(daily, sessions, checkins)
    later = checkins["date"] >= pd.Timestamp(sy.day(cut))
    changed = checkins.copy()
    changed.loc[later, "stress"] = (changed.loc[later, "stress"] % 5 + shift) % 5 + 1
    changed = changed.loc[~later | (np.arange(len(changed)) % 3 > 0)]  # some removed
    after = compute(daily, sessions, changed)
    past = slice(0, cut)
    np.testing.assert_array_equal(before.stress.score[past], after.stress.score[past], strict=True)
    assert before.personal_stress is not None and after.personal_stress is not None
    np.testing.assert_array_equal(
        before.personal_stress.active_days()[past], after.personal_stress.active_days()[past]
    )
    np.testing.assert_array_equal(before.rule_index[past], after.rule_index[past])


@pytest.mark.parametrize("seed", range(4))
def test_a_noise_only_athlete_stays_on_the_fixed_formula(seed: int) -> None:
    daily, sessions, checkins, _, _ = athlete("noise", seed, share=1.0)
    history = compute(daily, sessions, checkins)
    assert history.personal_stress is not None
    assert len(history.personal_stress.fits) > 10
    assert not history.personal_stress.active_days().any()
    fixed = score_history(daily, sessions, checkins, personal=False)
    np.testing.assert_array_equal(
        history.frame["nervous_system_stress"], fixed["nervous_system_stress"]
    )


def test_day_object_states_and_weights() -> None:
    daily, sessions, checkins, _, cut = athlete("rhr", 2, n_days=200, share=0.7)
    dates = [sy.day(0), sy.day(20), sy.day(199)]
    first, learning, late = (
        d.to_dict() for d in score_days(daily, sessions, checkins, dates=dates)
    )
    p = first["calibration"]["personal"]
    assert (p["state"], p["checkin_days"], p["validation"]["personal"]) == ("none", 0, None)
    p = learning["calibration"]["personal"]
    assert (p["state"], p["checkin_days"], p["learned"]) == ("learning", 20, None)
    assert "20 of 30" in p["reason"]
    assert p["weights"]["hrv_7d"] == DEFAULT.w_hrv_chronic
    p = late["calibration"]["personal"]
    assert p["state"] == "active", p
    assert p["checkin_days"] == cut
    assert p["weights"] == p["learned"] and p["weights"]["rhr_today"] > DEFAULT.w_rhr_acute
    assert p["validation"]["personal"] > p["validation"]["fixed"]
    weighed = {
        c["signal"]: c["weight"]
        for c in late["nervous_system_stress"]["contributors"]
        if "weight" in c
    }
    assert weighed["rhr_today"] == p["weights"]["rhr_today"]
    # without personal weights (a fixed-formula day) no contributor carries a weight
    assert all("weight" not in c for c in learning["nervous_system_stress"]["contributors"])


def test_a_checkin_still_enters_today() -> None:
    """On a day with a check-in the personal score blends and floors it as the fixed one does."""
    daily, sessions, checkins, _, _ = athlete("rhr", 2, n_days=200, share=1.0)
    plain = compute(daily, sessions, checkins)
    assert plain.personal_stress is not None
    i = 190
    assert plain.personal_stress.active_days()[i]
    five = checkins.copy()
    five.loc[five["date"] == pd.Timestamp(sy.day(i)), "stress"] = 5
    history = compute(daily, sessions, five)
    assert history.stress.score[i] >= 100.0  # a 5 of 5 floors the score at 100
    assert history.personal_stress is not None
    assert history.personal_stress.active_days()[i]


def test_personal_is_off_when_asked() -> None:
    daily, sessions, checkins, _, _ = athlete("rhr", 2, n_days=200, share=1.0)
    history = compute(daily, sessions, checkins, personal=False)
    assert history.personal_stress is None
    assert not history.frame["stress_personal"].any()
    off = dataclasses.replace(DEFAULT, personal_min_days=10_000)
    assert not score_history(daily, sessions, checkins, thresholds=off)["stress_personal"].any()


def test_validity_slice() -> None:
    """A bounded slice of benchmarks/validity.py: 3 athletes per kind, 300 days."""
    from tests.scoring.felt import KINDS

    def rho(score: np.ndarray, felt: np.ndarray) -> float:
        return float(pd.Series(score).corr(pd.Series(felt), method="spearman"))

    means: dict[str, tuple[float, float]] = {}
    for kind in KINDS:
        pairs = []
        for seed in range(3):
            daily, sessions, checkins, felt, cut = athlete(kind, seed, n_days=300)
            fixed = score_history(daily, sessions, checkins, personal=False)
            personal = score_history(daily, sessions, checkins)
            pairs.append(
                (
                    rho(fixed["nervous_system_stress"].to_numpy()[cut:], felt[cut:]),
                    rho(personal["nervous_system_stress"].to_numpy()[cut:], felt[cut:]),
                )
            )
        means[kind] = tuple(np.mean(pairs, axis=0))  # type: ignore[assignment]
    structured = np.mean([means[k] for k in STRUCTURED], axis=0)
    assert structured[1] >= structured[0] + 0.10, means
    assert means["noise"][1] >= means["noise"][0] - 0.02, means


def test_stiffness_learns_when_validation_supports_it() -> None:
    """Soreness that follows the load spike (a quarter of the fixed load pathway): personal
    stiffness weights switch on, weigh the spike most, and keep the type and the floors."""
    daily, sessions, _, _, _ = athlete("load", 1, n_days=300, share=1.0)
    spike = compute(daily, sessions, None, personal=False).stiffness.l2
    rng = np.random.default_rng(0)
    sore = np.clip(np.round(1 + np.nan_to_num(spike) / 25 + rng.normal(0, 0.4, len(spike))), 1, 5)
    checkins = sy.checkins([{"date": sy.day(i), "soreness": int(sore[i])} for i in range(300)])
    fixed = compute(daily, sessions, checkins, personal=False)
    history = compute(daily, sessions, checkins)
    arrays = history.personal_stiffness
    assert arrays is not None and arrays.active_days()[-60:].all()
    weights = dict(zip(arrays.signals, arrays.fits[-1].weights, strict=True))
    assert max(weights, key=weights.__getitem__) == "load_spike"
    np.testing.assert_array_equal(history.stiffness.is_load, fixed.stiffness.is_load)
    floor = DEFAULT.checkin_floor_per_point * (sore - 1)
    scored = np.isfinite(history.stiffness.score)
    assert np.all(history.stiffness.score[scored] >= floor[scored] - 1e-9)
    # the stress score learns nothing from soreness
    assert history.personal_stress is not None
    assert int(history.personal_stress.checkin_days[-1]) == 0
    (day,) = score_days(daily, sessions, checkins, dates=[sy.day(299)])
    p = day.to_dict()["calibration"]["personal_stiffness"]
    assert p["state"] == "active" and p["weights"]["load_spike"] == max(p["weights"].values())
    assert day.to_dict()["calibration"]["personal"]["state"] == "none"
    weighed = [c for c in day.to_dict()["physical_stiffness"]["contributors"] if "weight" in c]
    assert {c["signal"] for c in weighed} <= set(arrays.signals) and weighed


def test_monotone_with_personal_weights() -> None:
    """With personal weights active, a lower HRV or a higher resting HR last night never lowers
    the day's score (the weights are non-negative, and the day's model reads only earlier
    days)."""
    daily, sessions, checkins, _, _ = athlete("rhr", 2, n_days=200, share=0.9)
    base = compute(daily, sessions, checkins)
    assert base.personal_stress is not None
    i = 199
    assert base.personal_stress.active_days()[i]
    for column, factor in (("hrv_rmssd_ms", 0.8), ("resting_hr_bpm", 1.08)):
        worse = daily.copy()
        worse.loc[i, column] = float(worse.loc[i, column]) * factor
        moved = compute(worse, sessions, checkins)
        assert moved.stress.score[i] > base.stress.score[i], column
        assert moved.personal_stress is not None and moved.personal_stress.active_days()[i]


def test_cached_fits_follow_the_thresholds() -> None:
    """A fit cached under one set of thresholds is not reused under another."""
    daily, sessions, checkins, _, _ = athlete("rhr", 2, n_days=200, share=0.9)
    assert score_history(daily, sessions, checkins)["stress_personal"].iloc[-1]
    strict = dataclasses.replace(DEFAULT, personal_chance_z=50.0)
    assert not score_history(daily, sessions, checkins, thresholds=strict)["stress_personal"].any()
