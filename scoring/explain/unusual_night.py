"""A robust multivariate "unusual night" check (scikit-learn ``MinCovDet``;
docs/scoring.md, "Calibration from feedback").

On days that already call for caution (an illness gate, rest, or a guarded system) the
explanation adds how unusual last night was across HRV, resting HR, respiratory rate and skin
temperature *together*, compared with the athlete's previous 60 nights of the same HRV segment:
the robust (Minimum Covariance Determinant) Mahalanobis distance, which earlier sick or
stressed nights in the window cannot inflate, and the signal that drives it.

It explains; it never decides — the gates and the decision table stay rule-based. It needs
more nights than features squared (n > p², scikit-learn's MinCovDet guidance), so ≥ 17 complete
nights for four features. Each signal's variance gets a floor of (half its prior day-to-day SD)²
so a signal that barely varied cannot produce an absurd distance.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from readiness.scoring.signals import Night
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.types import Contributor
from readiness.scoring.words import plural

__all__ = ["unusual_night"]

_FEATURES = (
    ("HRV", "ln ms"),
    ("resting HR", "bpm"),
    ("respiratory rate", "br/min"),
    ("skin temperature", "°C"),
)


def unusual_night(night: Night, i: int, th: Thresholds) -> Contributor | None:
    """The robust distance of night ``i`` from the previous nights, or None if not computable."""
    # one row per night, one column per feature of _FEATURES (in its unit)
    nightly = np.column_stack([night.hrv.today, night.rhr.today, night.resp.today, night.temp])
    window_start = max(0, i - th.baseline_days)
    same = night.hrv.seg[window_start:i] == night.hrv.seg[i]
    past = nightly[window_start:i][same]
    today = nightly[i]
    # features measured tonight and on most past nights
    usable = [feature for feature in range(nightly.shape[1]) if math.isfinite(today[feature])]
    usable = [
        feature for feature in usable if np.isfinite(past[:, feature]).sum() > len(usable) ** 2
    ]
    if len(usable) < 2:
        return None
    complete_nights = past[:, usable]
    complete_nights = complete_nights[np.isfinite(complete_nights).all(axis=1)]
    n_features = len(usable)
    if len(complete_nights) <= n_features * n_features:
        return None
    from sklearn.covariance import MinCovDet  # scikit-learn: loaded only when a night needs it

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            mcd = MinCovDet(random_state=0).fit(complete_nights)
        except (ValueError, np.linalg.LinAlgError):
            return None
    if caught or not np.all(np.isfinite(mcd.covariance_)):
        return None  # a (near-)singular window: no honest distance to report
    tonight = today[usable]
    # a resolution floor of half the prior day-to-day SD per signal, so a signal that barely
    # varied in the window cannot produce an absurd distance
    prior = np.array([th.pop_sd_ln_hrv, th.pop_sd_rhr_bpm, th.pop_sd_resp_bpm, th.pop_sd_temp_c])
    cov = mcd.covariance_ + np.diag((0.5 * prior[usable]) ** 2)
    diff = tonight - mcd.location_
    distance = math.sqrt(float(diff @ np.linalg.solve(cov, diff)))
    z_feature = diff / np.sqrt(np.diag(cov))  # tonight per feature, robust SD units
    leading = int(np.nanargmax(np.abs(z_feature)))
    name, _unit = _FEATURES[usable[leading]]
    names = [_FEATURES[feature][0] for feature in usable]
    # how many of the window's own nights sit closer to the usual than tonight does
    past_diff = complete_nights - mcd.location_
    past_distance = np.sqrt(np.einsum("ij,ij->i", past_diff, np.linalg.solve(cov, past_diff.T).T))
    closer = int(np.count_nonzero(past_distance < distance))
    n_nights = len(complete_nights)
    together = ", ".join(names[:-1]) + f" and {names[-1]}"
    direction = "higher" if z_feature[leading] > 0 else "lower"
    return Contributor(
        "unusual_night",
        f"Last night, taking {together} together, was more unusual than "
        f"{'any' if closer == n_nights else closer} of your previous "
        f"{plural(n_nights, 'night')} — mostly your {name}, which was {direction} than usual",
        distance,
        "robust Mahalanobis distance",
        None,
        distance,
        None,
        f"robust Mahalanobis distance {distance:.1f} (Minimum Covariance Determinant, "
        f"scikit-learn MinCovDet) over the previous {n_nights} complete nights; {name} "
        f"{abs(float(z_feature[leading])):.1f} robust SD {direction}",
    )
