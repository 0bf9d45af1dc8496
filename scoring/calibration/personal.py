"""Personal weights from check-ins: a sub-score that learns each athlete (docs/scoring.md,
"Personal weights from check-ins").

The fixed formula weighs the parts of ``nervous_system_stress`` (HRV, resting HR, sleep, HRV
trend) the same for everyone. Once ≥ ``personal_min_days`` days with a stress or fatigue
check-in lie before the scored day, :class:`~readiness.scoring.calibration.personal_model.
PersonalWeights` learns this athlete's weights from those days (adding training load, which
the fixed formula leaves out) and the day's objective part is the weighted mean with them —
only when time-ordered validation beats the fixed formula; otherwise the fixed formula stands
and the output says why. The day's own check-in still enters as before (the 15 % blend and the
floor of a 4–5 rating), and gates and the decision table read the score as always.

Time order: the model for a day is fitted on the check-in days before it, up to the last
*refit point* — the ``personal_min_days``-th check-in day, then every ``personal_refit_step``
new ones (or ``personal_refit_growth`` when that is more). A later check-in never changes an
earlier day. Fits are kept in a small process-wide cache keyed by the rows they read, so the
next call over the same history (another day, one more night) refits only what changed.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Literal

import numpy as np
from cachetools import LRUCache
from readiness.scoring.subscores.stress import weighted_mean
from readiness.scoring.thresholds import Thresholds
from threadpoolctl import threadpool_limits

__all__ = [
    "METRIC",
    "PersonalArrays",
    "PersonalFit",
    "day_state",
    "felt_rating",
    "personal_objective",
    "refit_sizes",
]

#: The validation metric, as the output names it: the mean Spearman ρ of the score with the
#: felt rating over ``TimeSeriesSplit`` folds (fit on earlier check-in days, score later ones).
METRIC = "rank correlation with your check-ins on later days than those learned from"

State = Literal["none", "learning", "active"]


@dataclass(frozen=True, slots=True)
class PersonalFit:
    """One refit point: the weights learned from the first ``n`` check-in days, and the
    validation that decides whether they are used."""

    n: int
    weights: np.ndarray  # personal weights (sum 1), one per part
    validation_personal: float
    validation_fixed: float
    active: bool
    reason: str


@dataclass(frozen=True, slots=True)
class PersonalArrays:
    """Per-day personal calibration of one sub-score."""

    signals: tuple[str, ...]  # the parts' contributor names
    prior: np.ndarray  # the fixed formula's weights (sum 1)
    objective: np.ndarray  # the objective part that feeds the score (personal where active)
    fixed_objective: np.ndarray
    checkin_days: np.ndarray  # int: days with a check-in before the day
    fit_index: np.ndarray  # int: index into ``fits`` of the day's model, −1 none
    fits: tuple[PersonalFit, ...]
    min_days: int

    def active_days(self) -> np.ndarray:
        """Bool per day: the personal weights feed the score."""
        active = np.array([fit.active for fit in self.fits] + [False], dtype=bool)
        out: np.ndarray = active[self.fit_index]  # index −1 reads the trailing False
        return out


def felt_rating(*ratings: np.ndarray) -> np.ndarray:
    """The felt rating of each day (1–5): the mean of the ratings given (NaN when none)."""
    stacked = np.vstack(ratings)
    given = np.isfinite(stacked)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = np.where(
            given.any(axis=0),
            np.nansum(stacked, axis=0) / np.maximum(given.sum(axis=0), 1),
            np.nan,
        )
    return out


def refit_sizes(n_labelled: int, th: Thresholds) -> list[int]:
    """The refit points ≤ ``n_labelled``: the first at ``personal_min_days`` check-in days."""
    sizes: list[int] = []
    size = th.personal_min_days
    while size <= n_labelled:
        sizes.append(size)
        size += max(th.personal_refit_step, int(np.ceil(size * th.personal_refit_growth)))
    return sizes


_CACHE: LRUCache[bytes, PersonalFit] = LRUCache(maxsize=4096)
_LOCK = threading.Lock()


def _key(*arrays: np.ndarray, th: Thresholds) -> bytes:
    digest = hashlib.blake2b(digest_size=20)
    for array in arrays:
        digest.update(repr(array.shape).encode())
        digest.update(np.ascontiguousarray(array, dtype="float64").tobytes())
    settings = (
        th.personal_alpha,
        th.personal_n0,
        th.personal_splits,
        th.personal_margin,
        th.personal_chance_z,
    )
    digest.update(repr(settings).encode())
    return digest.digest()


def _fit(
    parts: np.ndarray, felt: np.ndarray, prior: np.ndarray, reference: np.ndarray, th: Thresholds
) -> PersonalFit:
    from readiness.scoring.calibration.personal_model import (  # scikit-learn: on demand
        PersonalWeights,
    )

    n = len(felt)
    if np.ptp(felt) == 0:
        fit = PersonalFit(
            n,
            prior,
            float("nan"),
            float("nan"),
            False,
            "standard weights: your check-ins never vary",
        )
    else:
        model = PersonalWeights(
            prior=tuple(prior),
            alpha=th.personal_alpha,
            n0=th.personal_n0,
            n_splits=th.personal_splits,
        ).fit(parts, felt, reference=reference)
        personal, fixed = model.validation_personal_, model.validation_fixed_
        # beyond chance: ρ ≥ z/√m over the m validation days (≈ 2 standard errors of ρ = 0)
        chance = th.personal_chance_z / np.sqrt(max(model.validation_days_, 1))
        better = personal >= fixed + th.personal_margin
        active = bool(better and personal >= chance)
        scores = f"{personal:+.2f} vs {fixed:+.2f} for the standard weights"
        if active:
            reason = (
                f"personal: learned from {n} check-in days; follows how you feel better ({scores})"
            )
        elif better:
            reason = (
                f"standard weights: what {n} check-in days taught is not yet beyond chance "
                f"({scores}; chance level {chance:.2f})"
            )
        else:
            reason = (
                f"standard weights: personal weights from {n} check-in days do not follow how "
                f"you feel better ({scores}; needs {th.personal_margin:.2f} more)"
            )
        fit = PersonalFit(n, model.weights_, personal, fixed, active, reason)
    return fit


def _fits(
    rows: list[np.ndarray],
    matrix: np.ndarray,
    felt: np.ndarray,
    prior: np.ndarray,
    reference: np.ndarray,
    th: Thresholds,
) -> list[PersonalFit]:
    """The model of each refit point (``rows``: the check-in days it reads), cached."""
    keys = [_key(matrix[r], felt[r], prior, reference[r], th=th) for r in rows]
    with _LOCK:
        found = [_CACHE.get(key) for key in keys]
    missing = [k for k, fit in enumerate(found) if fit is None]
    if missing:
        # the fits are small: BLAS threads would only contend for the cores (2× slower on 2)
        with threadpool_limits(limits=1, user_api="blas"):
            for k in missing:
                r = rows[k]
                found[k] = _fit(matrix[r], felt[r], prior, reference[r], th)
        with _LOCK:
            for k in missing:
                _CACHE[keys[k]] = found[k]  # type: ignore[assignment]
    return [fit for fit in found if fit is not None]


def personal_objective(
    signals: tuple[str, ...],
    parts: tuple[np.ndarray, ...],
    prior: tuple[float, ...],
    fixed_objective: np.ndarray,
    felt: np.ndarray,
    th: Thresholds,
) -> PersonalArrays:
    """Each day's objective part with the weights learned from earlier check-ins (where they
    beat the fixed formula), else ``fixed_objective``."""
    n_days = len(fixed_objective)
    matrix = np.column_stack(parts) if parts else np.zeros((n_days, 0))
    prior_w = np.asarray(prior, dtype="float64")
    prior_w = prior_w / prior_w.sum()
    labelled = np.flatnonzero(np.isfinite(felt) & np.isfinite(matrix).any(axis=1))
    checkin_days = np.searchsorted(labelled, np.arange(n_days), side="left")
    objective = fixed_objective.copy()
    fit_index = np.full(n_days, -1, dtype="int64")
    sizes = refit_sizes(len(labelled), th)
    fits = _fits([labelled[:size] for size in sizes], matrix, felt, prior_w, fixed_objective, th)
    for k, (size, fit) in enumerate(zip(sizes, fits, strict=True)):
        start = int(labelled[size - 1]) + 1  # the first day with `size` check-in days before it
        end = int(labelled[sizes[k + 1] - 1]) + 1 if k + 1 < len(sizes) else n_days
        fit_index[start:end] = k
        if fit.active and end > start:
            block = matrix[start:end]
            columns = tuple((block[:, j], float(fit.weights[j])) for j in range(block.shape[1]))
            objective[start:end] = weighted_mean(columns, end - start)
    return PersonalArrays(
        signals=signals,
        prior=prior_w,
        objective=objective,
        fixed_objective=fixed_objective,
        checkin_days=checkin_days,
        fit_index=fit_index,
        fits=tuple(fits),
        min_days=th.personal_min_days,
    )


def day_state(arrays: PersonalArrays, i: int) -> tuple[State, PersonalFit | None, str]:
    """The state of day ``i`` (none, learning, active), its model, and why."""
    days = int(arrays.checkin_days[i])
    k = int(arrays.fit_index[i])
    if k < 0:
        if days == 0:
            return "none", None, "standard weights: no check-ins before this day"
        return (
            "learning",
            None,
            f"standard weights: {days} of {arrays.min_days} check-in days before personal ones",
        )
    fit = arrays.fits[k]
    return ("active" if fit.active else "learning"), fit, fit.reason
