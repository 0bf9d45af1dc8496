"""Per-athlete, per-segment rolling baselines, vectorised over the whole calendar.

A *segment* is a (metric, device, context) key: an Oura → WHOOP switch or RMSSD → SDNN starts
a new one, and a day is only ever compared with earlier days of its own segment. A day without
a measurement belongs to the segment of the last measurement before it.

* ``robust_baseline``: median and 1.4826·MAD over days t−60…t−1 (today never enters its own
  baseline), σ shrunk towards a prior while there are few nights (empirical Bayes;
  docs/scoring.md, "Baselines").
* ``rolling_mean``: 7-day mean of days t−6…t of the same segment, ≥ 3 valid (Plews 2014).
* ``theil_sen_slope``: median of pairwise slopes over a trailing window (Theil 1950, Sen 1968),
  vectorised; equal to ``scipy.stats.theilslopes`` (a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "Baseline",
    "forward_keys",
    "robust_baseline",
    "rolling_mean",
    "rolling_sd",
    "theil_sen_slope",
]


def forward_keys(keys: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Each day's segment code: its own where measured, else the last measured one (−1 none)."""
    n = len(keys)
    pos = np.where(valid, np.arange(n), -1)
    pos = np.maximum.accumulate(pos) if n else pos
    out = np.where(pos >= 0, keys[np.clip(pos, 0, None)], -1)
    return out.astype("int64")


def _windows(
    values: np.ndarray,
    keys: np.ndarray,
    seg: np.ndarray,
    window: int,
    lag: int,
    dtype: type = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    """(n, window) matrix of values of days t−lag−window+1 … t−lag that are in segment seg[t].

    ``keys`` is −1 exactly where ``values`` is NaN. With a single segment (the usual case)
    the matrix is a strided view and no masking copy is made.
    """
    n = len(values)
    pad = window - 1 + lag
    v = np.concatenate([np.full(pad, np.nan, dtype=dtype), values.astype(dtype)])
    # row t covers padded indices t … t+window−1, i.e. days t−pad … t−lag
    vw = sliding_window_view(v, window)[:n]
    present = keys[keys >= 0]
    if present.size == 0 or bool((present == present[0]).all()):
        return vw, ~np.isnan(vw)
    k = np.concatenate([np.full(pad, -2, dtype="int64"), keys.astype("int64")])
    kw = sliding_window_view(k, window)[:n]
    mask = (kw == seg[:, None]) & ~np.isnan(vw) & (seg[:, None] >= 0)
    return np.where(mask, vw, np.nan).astype(dtype, copy=False), mask


def _sorted_median(sorted_rows: np.ndarray, count: np.ndarray) -> np.ndarray:
    lo = np.clip((count - 1) // 2, 0, None)
    hi = np.clip(count // 2, 0, None)
    a = np.take_along_axis(sorted_rows, lo[:, None], axis=1)[:, 0]
    b = np.take_along_axis(sorted_rows, hi[:, None], axis=1)[:, 0]
    med = (a + b) / 2.0
    out: np.ndarray = np.where(count > 0, med, np.nan)
    return out


@dataclass(frozen=True, slots=True)
class Baseline:
    """Location, scale and number of nights behind them, per calendar day."""

    mu: np.ndarray
    sigma: np.ndarray
    n: np.ndarray  # valid nights in the window (same segment)


def robust_baseline(
    values: np.ndarray,
    keys: np.ndarray,
    seg: np.ndarray,
    *,
    window: int,
    min_n: int,
    mad_scale: float,
    prior_sd: float,
    n0: float,
    full_n: int,
) -> Baseline:
    """Median / scaled MAD of days t−window…t−1 in segment ``seg[t]``.

    σ falls back to the SD when the MAD is 0, and is shrunk towards ``prior_sd`` with weight
    ``n0`` nights while fewer than ``full_n`` nights exist.
    """
    n_days = len(values)
    if n_days == 0:
        empty = np.zeros(0)
        return Baseline(empty, empty, np.zeros(0, dtype="int64"))
    w, mask = _windows(values, keys, seg, window, lag=1, dtype=np.float32)
    count = mask.sum(axis=1)
    srt = np.sort(w, axis=1)
    mu = _sorted_median(srt, count).astype("float64")
    dev = np.sort(np.abs(w - mu[:, None].astype(np.float32)), axis=1)
    mad = _sorted_median(dev, count).astype("float64") * mad_scale
    sd = mad
    flat = np.nonzero((mad == 0) & (count > 1))[0]
    if len(flat):  # MAD of 0 (over half the nights identical): fall back to the SD
        sd = mad.copy()
        sd[flat] = np.nanstd(w[flat].astype("float64"), axis=1, ddof=1)
    shrunk = np.sqrt((count * sd**2 + n0 * prior_sd**2) / (count + n0))
    sigma = np.where(count >= full_n, np.where(sd > 0, sd, prior_sd), shrunk)
    ok = count >= min_n
    return Baseline(
        mu=np.where(ok, mu, np.nan),
        sigma=np.where(ok, sigma, np.nan),
        n=count.astype("int64"),
    )


def rolling_mean(
    values: np.ndarray, keys: np.ndarray, seg: np.ndarray, *, window: int, min_n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean of days t−window+1…t in segment ``seg[t]`` (NaN with < min_n values), and counts."""
    if len(values) == 0:
        return np.zeros(0), np.zeros(0, dtype="int64")
    w, mask = _windows(values, keys, seg, window, lag=0)
    count = mask.sum(axis=1)
    with np.errstate(invalid="ignore"):
        mean = np.nansum(w, axis=1) / np.maximum(count, 1)
    return np.where(count >= min_n, mean, np.nan), count.astype("int64")


def rolling_sd(
    values: np.ndarray, keys: np.ndarray, seg: np.ndarray, *, window: int, min_n: int
) -> np.ndarray:
    """Sample SD of days t−window+1…t in segment ``seg[t]`` (NaN with < min_n values)."""
    if len(values) == 0:
        return np.zeros(0)
    w, mask = _windows(values, keys, seg, window, lag=0)
    count = mask.sum(axis=1)
    with np.errstate(invalid="ignore"):
        mean = np.nansum(w, axis=1) / np.maximum(count, 1)
        var = np.nansum((w - mean[:, None]) ** 2, axis=1) / np.maximum(count - 1, 1)
    out: np.ndarray = np.where(count >= min_n, np.sqrt(var), np.nan)
    return out


def theil_sen_slope(
    values: np.ndarray,
    keys: np.ndarray,
    seg: np.ndarray,
    *,
    window: int,
    min_n: int,
    min_sep: int = 1,
) -> np.ndarray:
    """Theil–Sen slope (per day) of the trailing ``window`` days in segment ``seg[t]``.

    The median of the pairwise slopes ``(y_j − y_i)/(j − i)`` over pairs at least ``min_sep``
    days apart (``min_sep = 1`` is the classic estimator; for 7-day means, 7 keeps only pairs of
    non-overlapping weeks, in the spirit of Theil's abbreviated method, and halves the work).
    """
    n = len(values)
    if n == 0:
        return np.zeros(0)
    w, mask = _windows(values, keys, seg, window, lag=0, dtype=np.float32)
    i, j = np.triu_indices(window, k=min_sep)
    slopes = (w[:, j] - w[:, i]) / (j - i).astype(np.float32)
    count = np.isfinite(slopes).sum(axis=1)
    srt = np.sort(slopes, axis=1)
    med = _sorted_median(srt, count).astype("float64")
    out: np.ndarray = np.where((mask.sum(axis=1) >= min_n) & (count > 0), med, np.nan)
    return out
