"""Per-athlete calibration: the scikit-learn estimator contract and the fall-back rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from readiness.scoring import DEFAULT
from readiness.scoring.calibration.feedback import choose_action
from readiness.scoring.calibration.model import FeedbackCalibrator, feature_matrix
from readiness.scoring.pipeline import compute
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from tests.scoring import synthetic as sy


def _xy(n: int = 80, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    stress = rng.uniform(0, 100, n)
    actions = rng.choice(["assisted_stretching", "massage_then_stretching"], n)
    X = feature_matrix(stress, rng.uniform(30, 90, n), rng.uniform(0, 100, n), actions)
    # massage-then-stretching helps when stressed, stretching when calm
    p = np.where(actions == "massage_then_stretching", stress / 100, 1 - stress / 100)
    y = (rng.uniform(size=n) < p).astype(int)
    return X, y


def test_estimator_contract() -> None:
    X, y = _xy()
    est = FeedbackCalibrator(C=0.5)
    with pytest.raises(NotFittedError):
        est.predict_proba(X)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)
    assert est.fit(X, y) is est  # fit returns self
    check_is_fitted(est)
    fitted = [k for k in vars(est) if k.endswith("_") and not k.startswith("_")]
    assert {"model_", "classes_", "validation_brier_", "baseline_brier_"} <= set(fitted)
    assert est.n_features_in_ == X.shape[1]
    proba = est.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert set(est.predict(X)) <= {0, 1}
    assert est.get_params() == {"C": 0.5, "n_splits": 3}
    assert clone(est).get_params() == est.get_params()
    with pytest.raises(ValueError, match="features"):
        est.predict_proba(X[:, :3])
    with pytest.raises(ValueError, match="both outcomes"):
        FeedbackCalibrator().fit(X, np.ones(len(X), dtype=int))
    # the time-ordered validation beats the base rate on learnable data
    assert est.validation_brier_ < est.baseline_brier_


def _feedback(n: int, helped: dict[str, float], start: int = 0) -> pd.DataFrame:
    rows = []
    for i in range(n):
        action = "assisted_stretching" if i % 2 else "massage_then_stretching"
        rows.append({"date": sy.day(start + i), "action": action, "helped": helped[action]})
    return pd.DataFrame(rows)


def _stretch_day(history: pd.DataFrame, day: int) -> dict[str, object]:
    """choose_action's arguments for an R7 day (stretching, or massage then stretching)."""
    return {
        "history": history,
        "day": np.datetime64(sy.day(day)),
        "rule_action": "assisted_stretching",
        "options": ("assisted_stretching", "massage_then_stretching"),
        "stress": 20.0,
        "stiffness": 50.0,
        "warmth": 80.0,
        "th": DEFAULT,
    }


def test_choose_action_falls_back_and_says_why() -> None:
    args = _stretch_day(compute(sy.daily(120), sy.sessions(120), None).frame, 119)
    none = choose_action(None, **args)  # type: ignore[arg-type]
    assert none.action == "assisted_stretching" and "no feedback" in none.state
    few = choose_action(
        _feedback(10, {"assisted_stretching": 5, "massage_then_stretching": 1}), **args
    )  # type: ignore[arg-type]
    assert not few.calibrated and "10 of the 30 rated days needed" in few.state
    one_class = choose_action(
        _feedback(60, {"assisted_stretching": 5, "massage_then_stretching": 5}), **args
    )  # type: ignore[arg-type]
    assert not one_class.calibrated and "at least 5 of each are needed" in one_class.state
    single = choose_action(
        _feedback(60, {"assisted_stretching": 5, "massage_then_stretching": 1}),
        **{**args, "options": ("relaxation_massage",), "rule_action": "relaxation_massage"},  # type: ignore[arg-type]
    )
    assert single.action == "relaxation_massage" and "allows no alternative" in single.state
    # feedback dated on or after the scored day is never used
    late = choose_action(
        _feedback(60, {"assisted_stretching": 5, "massage_then_stretching": 1}, start=119), **args
    )  # type: ignore[arg-type]
    assert "0 of the 30" in late.state


def test_calibration_only_chooses_among_the_rules_options() -> None:
    # this athlete: massage-then-stretching always helped, stretching alone never did
    fb = _feedback(100, {"assisted_stretching": 1, "massage_then_stretching": 5})
    history = compute(sy.daily(120), sy.sessions(120), None).frame
    choice = choose_action(
        fb,
        history,
        day=np.datetime64(sy.day(119)),
        rule_action="assisted_stretching",
        options=("assisted_stretching", "massage_then_stretching"),
        stress=20.0,
        stiffness=50.0,
        warmth=80.0,
        th=DEFAULT,
    )
    assert choice.calibrated and choice.action == "massage_then_stretching"
    assert choice.reason and "your own ratings" in choice.reason
    # a rule whose options exclude it can never be moved there
    other = choose_action(
        fb,
        history,
        day=np.datetime64(sy.day(119)),
        rule_action="none",
        options=("none", "assisted_stretching"),
        stress=20.0,
        stiffness=10.0,
        warmth=0.0,
        th=DEFAULT,
    )
    assert other.action in ("none", "assisted_stretching")


def test_refit_points_grow_by_a_fifth_and_at_least_ten_days() -> None:
    from readiness.scoring.calibration.feedback import refit_size

    assert [refit_size(n, DEFAULT) for n in (30, 39, 40, 59, 60, 71, 72, 86, 87)] == [
        30,
        30,
        40,
        50,
        60,
        60,
        72,
        72,
        87,
    ]
    points = {refit_size(n, DEFAULT) for n in range(30, 731)}
    assert len(points) <= 20  # two years of daily feedback: a handful of fits, not one a day


def test_feedback_after_a_day_never_changes_that_day() -> None:
    args = _stretch_day(compute(sy.daily(200), sy.sessions(200), None).frame, 120)
    helped = {"assisted_stretching": 1, "massage_then_stretching": 5}
    early = choose_action(_feedback(120, helped), **args)  # type: ignore[arg-type]
    more = choose_action(_feedback(190, helped), **args)  # type: ignore[arg-type]
    assert early == more
    assert early.calibrated
