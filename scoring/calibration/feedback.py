"""Per-athlete calibration from "did it help?" feedback (docs/scoring.md,
"Calibration from feedback").

The rules pick the action; calibration may only swap it for another option *that same rule
allows* (e.g. R7 allows assisted stretching or massage-then-stretching), and only when:

* at least 30 labelled days exist before the scored day (time-ordered: never later feedback),
  with ≥ 5 "helped" (4–5 of 5) and ≥ 5 "did not help" days, and ≥ 5 labelled days for every
  option considered;
* the model beats the base rate on time-ordered validation (``TimeSeriesSplit``, Brier score);
* the alternative's calibrated probability of helping beats the rule's action by ≥ 10 points.

The model for a day is fitted on the labelled days up to the last *refit point* before it: the
first refit point is the 30th labelled day, each next one when the labelled history has grown by
≥ 20 % and ≥ 10 days. A day's result still depends only on feedback dated before it.

Otherwise the rules stand and the output says why. The model (an L2-regularised logistic
regression with sigmoid calibration) lives in :mod:`readiness.scoring.calibration.model`, which is
imported only once enough feedback exists to fit it: scikit-learn loads on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.types import ACTIONS, Action
from readiness.scoring.words import plural

if TYPE_CHECKING:
    from readiness.scoring.calibration.model import FeedbackCalibrator

__all__ = ["Choice", "FeedbackCache", "choose_action", "clean_feedback", "refit_size"]


@dataclass(frozen=True, slots=True)
class Choice:
    """What calibration decided for one day, and why (always stated)."""

    action: Action
    calibrated: bool
    state: str  # in plain words (the day's ``calibration.feedback``)
    reason: str | None
    method: str | None = None  # the model's figures, for the curious (``feedback_method``)


def clean_feedback(feedback: pd.DataFrame | None) -> pd.DataFrame | None:
    """Valid feedback rows (known action, a rating, a date), one per date and action, by date."""
    if feedback is None or feedback.empty:
        return None
    rows = feedback.copy()
    rows["date"] = pd.to_datetime(rows["date"], errors="coerce").dt.normalize()
    rows["helped"] = pd.to_numeric(rows["helped"], errors="coerce")
    rows["action"] = rows["action"].astype("string").str.strip()
    rows = rows.dropna(subset=["date", "helped", "action"])
    rows = rows.loc[rows["action"].isin(ACTIONS)]
    rows = rows.sort_values(["date", "action"], kind="stable").drop_duplicates(["date", "action"])
    return rows.reset_index(drop=True)


def refit_size(n_labelled: int, th: Thresholds) -> int:
    """How many of ``n`` labelled days the model is fitted on: the last refit point ≤ n."""
    size = th.feedback_min_days
    while True:
        step = max(th.feedback_refit_min_step, int(np.ceil(size * th.feedback_refit_growth)))
        if size + step > n_labelled:
            return min(size, n_labelled)
        size += step


@dataclass(frozen=True, slots=True)
class _Fit:
    """One refit point: the model (or why there is none) and the rated actions' counts."""

    n: int  # labelled days the model was fitted on
    counts: dict[str, int]
    model: FeedbackCalibrator | None
    reason: str | None
    method: str | None = None


class FeedbackCache:
    """Feedback cleaned once, and the models fitted so far, for one call of ``score_days``."""

    def __init__(self, feedback: pd.DataFrame | None) -> None:
        self.labelled = clean_feedback(feedback)
        dates = self.labelled["date"] if self.labelled is not None else pd.Series([])
        self.dates = dates.to_numpy(dtype="datetime64[ns]")
        self.fits: dict[int, _Fit] = {}

    def count_before(self, day: np.datetime64) -> int:
        when = np.array([day], dtype="datetime64[ns]")
        return int(np.searchsorted(self.dates, when, side="left")[0])


def _fit(labelled: pd.DataFrame, history: pd.DataFrame, th: Thresholds) -> _Fit:
    n_labelled = len(labelled)
    counts = {
        str(action): int(count) for action, count in labelled["action"].value_counts().items()
    }
    helped = (labelled["helped"].to_numpy() >= th.feedback_helped_from).astype(int)
    n_pos, n_neg = int(helped.sum()), int(len(helped) - helped.sum())
    if min(n_pos, n_neg) < th.feedback_min_per_class:
        reason = (
            f"rules only: {plural(n_pos, 'rating')} said it helped and {n_neg} said it did not — "
            f"at least {th.feedback_min_per_class} of each are needed"
        )
        return _Fit(n_labelled, counts, None, reason)
    from readiness.scoring.calibration.model import (  # scikit-learn: on demand
        FeedbackCalibrator,
        feature_matrix,
    )

    rows = history.set_index(pd.to_datetime(history["date"])).reindex(labelled["date"])
    features = feature_matrix(
        rows["nervous_system_stress"].to_numpy(),
        rows["physical_stiffness"].to_numpy(),
        rows["warmth"].to_numpy(),
        labelled["action"].to_numpy(dtype=object),
    )
    try:
        model = FeedbackCalibrator(C=th.feedback_c, n_splits=th.feedback_splits).fit(
            features, helped
        )
    except ValueError as exc:
        return _Fit(
            n_labelled,
            counts,
            None,
            "rules only: your ratings could not be used yet",
            f"logistic regression could not be fitted: {exc}",
        )
    return _Fit(n_labelled, counts, model, None)


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
    cache: FeedbackCache | None = None,
) -> Choice:
    """Pick among ``options`` from feedback dated before ``day``; else keep the rule's action.

    ``cache`` (one per call of ``score_days``, built from the same ``feedback``) cleans the
    feedback once and reuses the model fitted at each refit point.
    """
    cache = cache if cache is not None else FeedbackCache(feedback)
    if cache.labelled is None or cache.labelled.empty:
        return Choice(rule_action, False, "rules only: no feedback given yet", None)
    before = cache.count_before(day)
    if before < th.feedback_min_days:
        return Choice(
            rule_action,
            False,
            f"rules only: {before} of the {plural(th.feedback_min_days, 'rated day')} needed",
            None,
        )
    if len(options) < 2:
        return Choice(rule_action, False, "rules only: this rule allows no alternative", None)
    fit_size = refit_size(before, th)
    fit = cache.fits.get(fit_size)
    if fit is None:
        fit = cache.fits[fit_size] = _fit(cache.labelled.iloc[:fit_size], history, th)
    if fit.reason is not None:
        return Choice(rule_action, False, fit.reason, None, fit.method)
    thin = [option for option in options if fit.counts.get(option, 0) < th.feedback_min_per_class]
    if thin:
        return Choice(
            rule_action,
            False,
            "rules only: too few rated sessions of "
            + ", ".join(option.replace("_", " ") for option in thin),
            None,
        )
    model = fit.model
    assert model is not None
    figures = (
        f"L2 logistic regression with sigmoid calibration on {fit_size} labelled days; "
        f"time-ordered validation Brier {model.validation_brier_:.3f} vs base rate "
        f"{model.baseline_brier_:.3f}"
    )
    if not (model.validation_brier_ < model.baseline_brier_):
        return Choice(
            rule_action,
            False,
            "rules only: your ratings do not yet tell apart what helps better than chance",
            None,
            figures,
        )
    from readiness.scoring.calibration.model import feature_matrix

    opts = np.array(options, dtype=object)
    option_features = feature_matrix(
        np.full(len(opts), stress), np.full(len(opts), stiffness), np.full(len(opts), warmth), opts
    )
    p_helped = model.predict_proba(option_features)[:, 1]
    best = int(np.argmax(p_helped))
    rule_p = float(p_helped[list(options).index(rule_action)])
    state = f"calibrated on your {plural(fit_size, 'rated day')}"
    if opts[best] != rule_action and p_helped[best] - rule_p >= th.feedback_margin:
        chosen: Action = options[best]
        reason = (
            f"your own ratings: {chosen.replace('_', ' ')} helped you more in similar states "
            f"(estimated {p_helped[best]:.0%} vs {rule_p:.0%} for {rule_action.replace('_', ' ')})"
        )
        return Choice(chosen, True, state, reason, figures)
    return Choice(rule_action, False, state + "; the rule's choice stands", None, figures)
