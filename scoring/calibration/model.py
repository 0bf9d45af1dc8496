"""The feedback model behind calibration: features and a calibrated logistic regression.

An L2-regularised logistic regression on (stress, stiffness, warmth) × action, wrapped in
sigmoid calibration (``CalibratedClassifierCV(method="sigmoid")`` — not isotonic, which
overfits with ≪ 1000 samples). It follows the scikit-learn estimator contract. This module
imports scikit-learn at import time; :mod:`readiness.scoring.calibration.feedback` imports it
only once enough feedback exists to fit a model, so plain scoring does not load scikit-learn for it.
"""

from __future__ import annotations

import numpy as np
from readiness.scoring.types import ACTIONS
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["FeedbackCalibrator", "feature_matrix"]


def feature_matrix(
    stress: np.ndarray, stiffness: np.ndarray, warmth: np.ndarray, actions: np.ndarray
) -> np.ndarray:
    """Columns: stress, stiffness, warmth (0–1), action one-hot, action × stress/stiffness."""
    stress01 = np.nan_to_num(np.asarray(stress, dtype="float64"), nan=0.0) / 100.0
    stiffness01 = np.nan_to_num(np.asarray(stiffness, dtype="float64"), nan=0.0) / 100.0
    warmth01 = np.nan_to_num(np.asarray(warmth, dtype="float64"), nan=0.0) / 100.0
    onehot = (np.asarray(actions, dtype=object)[:, None] == np.array(ACTIONS)[None, :]).astype(
        "float64"
    )
    return np.column_stack(
        [
            stress01,
            stiffness01,
            warmth01,
            onehot,
            onehot * stress01[:, None],
            onehot * stiffness01[:, None],
        ]
    )


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
