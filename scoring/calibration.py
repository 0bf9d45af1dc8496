"""Per-athlete calibration from "did it help?" feedback (research/scoring.md §9.6).

The rules pick the action; calibration may only swap it for another option *that same rule
allows* (e.g. R7 allows assisted stretching or massage-then-stretching), and only when:

* at least 30 labelled days exist before the scored day (time-ordered: never later feedback),
  with ≥ 5 "helped" (4–5 of 5) and ≥ 5 "did not help" days, and ≥ 5 labelled days for every
  option considered;
* the model beats the base rate on time-ordered validation (``TimeSeriesSplit``, Brier score);
* the alternative's calibrated probability of helping beats the rule's action by ≥ 10 points.

Otherwise the rules stand and the output says why. The model (an L2-regularised logistic
regression with sigmoid calibration) lives in :mod:`readiness.scoring.feedback_model`, which is
imported only once enough feedback exists to fit it: scikit-learn loads on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .constants import Thresholds
from .types import ACTIONS, Action

if TYPE_CHECKING:
    from .feedback_model import FeedbackCalibrator

__all__ = ["Choice", "choose_action"]


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
    from .feedback_model import FeedbackCalibrator, feature_matrix  # scikit-learn: on demand

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
