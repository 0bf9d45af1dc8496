"""Per-athlete calibration from "did it help?" feedback (research/scoring.md §9.6).

The rules pick the action; calibration may only swap it for another option *that same rule
allows* (e.g. R7 allows assisted stretching or massage-then-stretching), and only when:

* at least 30 labelled days exist before the scored day (time-ordered: never later feedback),
  with ≥ 5 "helped" (4–5 of 5) and ≥ 5 "did not help" days, and ≥ 5 labelled days for every
  option considered;
* the model beats the base rate on time-ordered validation (``TimeSeriesSplit``, Brier score);
* the alternative's calibrated probability of helping beats the rule's action by ≥ 10 points.

Otherwise the rules stand and the output says why. The model is an L2-regularised logistic
regression on (stress, stiffness, warmth) × action, wrapped in sigmoid calibration
(``CalibratedClassifierCV(method="sigmoid")`` — not isotonic, which overfits with ≪ 1000
samples). It follows the scikit-learn estimator contract.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils.validation import check_is_fitted, validate_data

from .constants import Thresholds
from .types import ACTIONS, Action

__all__ = ["Choice", "FeedbackCalibrator", "choose_action", "feature_matrix"]


def feature_matrix(
    stress: np.ndarray, stiffness: np.ndarray, warmth: np.ndarray, actions: np.ndarray
) -> np.ndarray:
    """Columns: stress, stiffness, warmth (0–1), action one-hot, action × stress/stiffness."""
    s = np.nan_to_num(np.asarray(stress, dtype="float64"), nan=0.0) / 100.0
    t = np.nan_to_num(np.asarray(stiffness, dtype="float64"), nan=0.0) / 100.0
    w = np.nan_to_num(np.asarray(warmth, dtype="float64"), nan=0.0) / 100.0
    onehot = (np.asarray(actions, dtype=object)[:, None] == np.array(ACTIONS)[None, :]).astype(
        "float64"
    )
    return np.column_stack([s, t, w, onehot, onehot * s[:, None], onehot * t[:, None]])


class FeedbackCalibrator(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """P(session helped | state, action): L2 logistic regression + sigmoid calibration.

    ``fit(X, y)`` expects rows in time order. It stores the calibrated model in ``model_`` and
    time-ordered validation results in ``validation_brier_`` / ``baseline_brier_``.
    """

    def __init__(self, C: float = 0.5, n_splits: int = 3) -> None:
        self.C = C
        self.n_splits = n_splits

    def _base(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=1000)

    def fit(self, X: np.ndarray, y: np.ndarray) -> FeedbackCalibrator:
        X, y = validate_data(self, X, y, reset=True)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError("FeedbackCalibrator needs both outcomes (helped / did not help)")
        splitter = TimeSeriesSplit(n_splits=self.n_splits)
        scores: list[float] = []
        base_scores: list[float] = []
        for train, test in splitter.split(X):
            if len(np.unique(y[train])) < 2:
                continue
            model = self._base().fit(X[train], y[train])
            prob = model.predict_proba(X[test])[:, 1]
            positive = y[test] == self.classes_[1]
            scores.append(float(brier_score_loss(positive, prob)))
            rate = float(np.mean(y[train] == self.classes_[1]))
            base_scores.append(float(brier_score_loss(positive, np.full(len(test), rate))))
        self.validation_brier_ = float(np.mean(scores)) if scores else float("nan")
        self.baseline_brier_ = float(np.mean(base_scores)) if base_scores else float("nan")
        # Sigmoid calibration on time-ordered folds (train on the past, calibrate on the next
        # block); when an early block holds one outcome only, stratified 3-fold instead.
        try:
            self.model_ = CalibratedClassifierCV(
                self._base(), method="sigmoid", cv=TimeSeriesSplit(n_splits=self.n_splits)
            ).fit(X, y)
            self.calibration_cv_ = "time-ordered"
        except ValueError:
            self.model_ = CalibratedClassifierCV(self._base(), method="sigmoid", cv=3).fit(X, y)
            self.calibration_cv_ = "stratified 3-fold"
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False)
        out: np.ndarray = self.model_.predict_proba(X)
        return out

    def predict(self, X: np.ndarray) -> np.ndarray:
        proba = self.predict_proba(X)
        out: np.ndarray = self.classes_[np.argmax(proba, axis=1)]
        return out


@dataclass(frozen=True, slots=True)
class Choice:
    """What calibration decided for one day, and why (always stated)."""

    action: Action
    calibrated: bool
    state: str
    reason: str | None


def choose_action(
    feedback: pd.DataFrame | None,
    history: pd.DataFrame,
    *,
    day: np.datetime64,
    rule_action: Action,
    options: tuple[Action, ...],
    stress: float,
    stiffness: float,
    warmth: float,
    th: Thresholds,
    cache: dict[tuple[int, str], FeedbackCalibrator | str] | None = None,
) -> Choice:
    """Pick among ``options`` from feedback dated before ``day``; else keep the rule's action.

    ``cache`` (optional, per call of ``score_days``) reuses a model fitted on the same earlier
    feedback, so scoring a range does not refit for every day.
    """
    if feedback is None or feedback.empty:
        return Choice(rule_action, False, "rules only: no feedback given", None)
    fb = feedback.copy()
    fb["date"] = pd.to_datetime(fb["date"], errors="coerce").dt.normalize()
    fb["helped"] = pd.to_numeric(fb["helped"], errors="coerce")
    fb["action"] = fb["action"].astype("string").str.strip()
    fb = fb.dropna(subset=["date", "helped", "action"])
    fb = fb.loc[fb["action"].isin(ACTIONS) & (fb["date"] < pd.Timestamp(day))]
    fb = fb.sort_values(["date", "action"], kind="stable").drop_duplicates(["date", "action"])
    n = len(fb)
    if n < th.feedback_min_days:
        return Choice(
            rule_action, False, f"rules only: {n} of {th.feedback_min_days} labelled days", None
        )
    if len(options) < 2:
        return Choice(rule_action, False, "rules only: this rule allows no alternative", None)
    h = history.set_index(pd.to_datetime(history["date"]))
    rows = h.reindex(fb["date"])
    y = (fb["helped"].to_numpy() >= th.feedback_helped_from).astype(int)
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    if min(n_pos, n_neg) < th.feedback_min_per_class:
        return Choice(
            rule_action,
            False,
            f"rules only: {n_pos} helped / {n_neg} did not — need ≥ "
            f"{th.feedback_min_per_class} of each",
            None,
        )
    counts = fb["action"].value_counts()
    thin = [o for o in options if counts.get(o, 0) < th.feedback_min_per_class]
    if thin:
        return Choice(
            rule_action,
            False,
            f"rules only: too few rated sessions of {', '.join(thin)}",
            None,
        )
    X = feature_matrix(
        rows["nervous_system_stress"].to_numpy(),
        rows["physical_stiffness"].to_numpy(),
        rows["warmth"].to_numpy(),
        fb["action"].to_numpy(dtype=object),
    )
    key = (n, str(fb["date"].max()))
    cached = cache.get(key) if cache is not None else None
    if cached is None:
        try:
            cached = FeedbackCalibrator(C=th.feedback_c, n_splits=th.feedback_splits).fit(X, y)
        except ValueError as exc:
            cached = f"rules only: calibration could not fit ({exc})"
        if cache is not None:
            cache[key] = cached
    if isinstance(cached, str):
        return Choice(rule_action, False, cached, None)
    model = cached
    if not (model.validation_brier_ < model.baseline_brier_):
        return Choice(
            rule_action,
            False,
            f"rules only: the model does not beat the base rate on time-ordered validation "
            f"(Brier {model.validation_brier_:.3f} vs {model.baseline_brier_:.3f})",
            None,
        )
    opts = np.array(options, dtype=object)
    Xo = feature_matrix(
        np.full(len(opts), stress), np.full(len(opts), stiffness), np.full(len(opts), warmth), opts
    )
    p = model.predict_proba(Xo)[:, 1]
    best = int(np.argmax(p))
    rule_p = float(p[list(options).index(rule_action)])
    state = (
        f"calibrated on {n} labelled days (Brier {model.validation_brier_:.3f} vs base rate "
        f"{model.baseline_brier_:.3f})"
    )
    if opts[best] != rule_action and p[best] - rule_p >= th.feedback_margin:
        chosen: Action = options[best]
        reason = (
            f"your own ratings: {chosen.replace('_', ' ')} helped you more in similar states "
            f"(estimated {p[best]:.0%} vs {rule_p:.0%} for {rule_action.replace('_', ' ')})"
        )
        return Choice(chosen, True, state, reason)
    return Choice(rule_action, False, state + "; the rule's choice stands", None)
