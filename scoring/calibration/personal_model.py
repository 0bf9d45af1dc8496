"""The model behind personal weights: a non-negative ridge regression on standardised parts,
shrunk toward the fixed formula's weights, validated in time order (docs/scoring.md,
"Personal weights from check-ins").

``PersonalWeights.fit(parts, felt)`` reads the component points of a sub-score (one column per
part, 0–100, NaN = not measured that day; rows in time order) and the athlete's felt rating of
those days (1–5). It learns how much each part matters *for this athlete*:

1. parts are standardised on the training rows (a missing part is read as its training mean, so
   it moves nothing; SDs below ``SD_FLOOR`` points count as ``SD_FLOOR``); a ridge regression
   with non-negative coefficients (``ridge_regression(positive=True)``) fits the felt rating on
   them — non-negative, so a lower HRV or a higher resting HR can never lower the score;
2. the coefficients are turned back into weights on the 0–100 points and normalised to sum 1;
3. they are shrunk toward the fixed formula's weights (the prior): with ``n`` rows,
   ``w = (n0·w_fixed + n·w_data) / (n0 + n)``;
4. time-ordered validation (``TimeSeriesSplit``) repeats 1–3 on each training block and scores
   the next block: the mean Spearman ρ of the personal and of the fixed weighted mean with the
   felt rating, ``validation_personal_`` and ``validation_fixed_``.

This module imports scikit-learn at import time; :mod:`readiness.scoring.calibration.personal`
imports it only once an athlete has enough check-in days to fit it.
"""

from __future__ import annotations

import numpy as np
from readiness.scoring.subscores.stress import weighted_mean
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import ridge_regression
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["SD_FLOOR", "PersonalWeights", "spearman"]

#: The smallest SD a part is standardised with, in points (0–100).
SD_FLOOR = 5.0


def spearman(score: np.ndarray, felt: np.ndarray) -> float:
    """Spearman ρ over the rows where both exist (NaN when either is constant or < 3 rows)."""
    both = np.isfinite(score) & np.isfinite(felt)
    if both.sum() < 3 or np.ptp(score[both]) == 0 or np.ptp(felt[both]) == 0:
        return float("nan")
    # Pearson ρ of the ranks (ties averaged)
    return float(np.corrcoef(rankdata(score[both]), rankdata(felt[both]))[0, 1])


def _mean_rho(values: list[float]) -> float:
    """Mean of the folds' ρ; a fold where a score is constant counts as ρ = 0 (no ranking)."""
    return float(np.mean(np.nan_to_num(values, nan=0.0))) if values else float("nan")


class PersonalWeights(RegressorMixin, BaseEstimator):  # type: ignore[misc]
    """Per-athlete weights of a sub-score's parts, learned from the felt rating.

    ``prior`` are the fixed formula's weights (any non-negative scale; normalised). ``alpha`` is
    the ridge strength per training row on standardised parts, ``n0`` the prior's strength in
    check-in days, ``n_splits`` the time-ordered validation folds. Fitted: ``weights_`` (sum 1),
    ``data_weights_`` (before shrinkage), ``validation_personal_``, ``validation_fixed_`` and
    ``validation_days_`` (the rows scored in validation).
    """

    def __init__(
        self,
        prior: tuple[float, ...] = (),
        alpha: float = 0.05,
        n0: float = 30.0,
        n_splits: int = 4,
    ) -> None:
        self.prior = prior
        self.alpha = alpha
        self.n0 = n0
        self.n_splits = n_splits

    def _prior(self, n_features: int) -> np.ndarray:
        prior = np.asarray(self.prior, dtype="float64")
        if prior.shape != (n_features,) or not np.all(prior >= 0) or prior.sum() <= 0:
            raise ValueError(f"prior needs {n_features} non-negative weights, not all zero")
        out: np.ndarray = prior / prior.sum()
        return out

    def _weights(self, parts: np.ndarray, felt: np.ndarray, prior: np.ndarray) -> np.ndarray:
        """Steps 1–3 on one block of rows: the shrunk weights (sum 1)."""
        data = _data_weights(parts, felt, self.alpha)
        if data is None:
            return prior
        n = len(felt)
        out: np.ndarray = (self.n0 * prior + n * data) / (self.n0 + n)
        return out

    def fit(
        self, X: np.ndarray, y: np.ndarray, reference: np.ndarray | None = None
    ) -> PersonalWeights:
        """``reference``: the fixed formula's score of each row, when it is not the prior's
        weighted mean of the parts (physical stiffness takes the larger of two pathways)."""
        X, y = validate_data(self, X, y, reset=True, ensure_all_finite="allow-nan")
        prior = self._prior(X.shape[1])
        if reference is None:
            reference = _score(X, prior)
        reference = np.asarray(reference, dtype="float64")
        if reference.shape != y.shape:
            raise ValueError("reference needs one fixed-formula score per row")
        personal: list[float] = []
        fixed: list[float] = []
        self.validation_days_ = 0
        for train, test in TimeSeriesSplit(n_splits=self.n_splits).split(X):
            self.validation_days_ += len(test)
            weights = self._weights(X[train], y[train], prior)
            personal.append(spearman(_score(X[test], weights), y[test]))
            fixed.append(spearman(reference[test], y[test]))
        self.validation_personal_ = _mean_rho(personal)
        self.validation_fixed_ = _mean_rho(fixed)
        data = _data_weights(X, y, self.alpha)
        self.data_weights_ = data if data is not None else np.zeros(X.shape[1])
        self.weights_ = self._weights(X, y, prior)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The personal weighted mean of the parts (0–100; weights renormalise over what exists)."""
        check_is_fitted(self, "weights_")
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        return _score(X, self.weights_)


def _score(parts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    columns = tuple((parts[:, j], float(weights[j])) for j in range(parts.shape[1]))
    return weighted_mean(columns, len(parts))


def _data_weights(parts: np.ndarray, felt: np.ndarray, alpha: float) -> np.ndarray | None:
    """What the rows alone say (sum 1), or None when no part moves with the felt rating."""
    present = np.isfinite(parts)
    counts = present.sum(axis=0)
    with np.errstate(invalid="ignore"):
        mean = np.where(counts > 0, np.nansum(parts, axis=0) / np.maximum(counts, 1), 0.0)
    filled = np.where(present, parts, mean)
    # a part that barely varies is standardised as if it varied by SD_FLOOR points: its few
    # non-zero days cannot buy it a large weight per point
    sd = np.maximum(filled.std(axis=0), SD_FLOOR)
    usable = np.ptp(filled, axis=0) > 0
    if not usable.any() or np.ptp(felt) == 0:
        return None
    z = (filled[:, usable] - mean[usable]) / sd[usable]  # centred: no intercept to fit
    fitted = ridge_regression(
        z, felt - felt.mean(), alpha * len(felt), solver="lbfgs", positive=True, check_input=False
    )
    coef = np.zeros(parts.shape[1])
    coef[usable] = fitted / sd[usable]  # per point of each part
    total = coef.sum()
    if not np.isfinite(total) or total <= 0:
        return None
    out: np.ndarray = coef / total
    return out
