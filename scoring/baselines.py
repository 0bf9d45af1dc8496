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
* ``trailing_sum`` and ``last_true_index``: the calendar helpers the gates and sleep share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "Baseline",
    "forward_keys",
    "last_true_index",
    "robust_baseline",
    "rolling_mean",
    "rolling_sd",
    "theil_sen_slope",
    "trailing_sum",
]


def trailing_sum(values: np.ndarray, window: int) -> np.ndarray:
    """Sum of days t−window+1…t per day (a bool array counts its True days)."""
    running = np.concatenate([[0], np.cumsum(values)])
    day_end = np.arange(1, len(values) + 1)
    out: np.ndarray = running[day_end] - running[np.clip(day_end - window, 0, None)]
    return out


def last_true_index(flags: np.ndarray) -> np.ndarray:
    """Per day, the index of the latest day ≤ it where ``flags`` holds (−1 before the first)."""
    last = np.where(flags, np.arange(len(flags)), -1)
    out: np.ndarray = np.maximum.accumulate(last) if len(flags) else last
    return out


def forward_keys(keys: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Each day's segment code: its own where measured, else the last measured one (−1 none)."""
    last_measured = last_true_index(valid)
    out = np.where(last_measured >= 0, keys[np.clip(last_measured, 0, None)], -1)
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
    n_days = len(values)
    pad = window - 1 + lag
    padded = np.concatenate([np.full(pad, np.nan, dtype=dtype), values.astype(dtype)])
    # row t covers padded indices t … t+window−1, i.e. days t−pad … t−lag
    value_rows = sliding_window_view(padded, window)[:n_days]
    present = keys[keys >= 0]
    if present.size == 0 or bool((present == present[0]).all()):
        return value_rows, ~np.isnan(value_rows)
    padded_keys = np.concatenate([np.full(pad, -2, dtype="int64"), keys.astype("int64")])
    key_rows = sliding_window_view(padded_keys, window)[:n_days]
    mask = (key_rows == seg[:, None]) & ~np.isnan(value_rows) & (seg[:, None] >= 0)
    return np.where(mask, value_rows, np.nan).astype(dtype, copy=False), mask


def _sorted_median(sorted_rows: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Median of the first ``count`` values of each sorted row (NaN where count is 0)."""
    lower_index = np.clip((count - 1) // 2, 0, None)
    upper_index = np.clip(count // 2, 0, None)
    lower = np.take_along_axis(sorted_rows, lower_index[:, None], axis=1)[:, 0]
    upper = np.take_along_axis(sorted_rows, upper_index[:, None], axis=1)[:, 0]
    median = (lower + upper) / 2.0
    out: np.ndarray = np.where(count > 0, median, np.nan)
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
    rows, mask = _windows(values, keys, seg, window, lag=1, dtype=np.float32)
    count = mask.sum(axis=1)
    median = _sorted_median(np.sort(rows, axis=1), count).astype("float64")
    abs_dev = np.sort(np.abs(rows - median[:, None].astype(np.float32)), axis=1)
    mad_sd = _sorted_median(abs_dev, count).astype("float64") * mad_scale  # MAD as an SD
    spread = mad_sd
    flat = np.nonzero((mad_sd == 0) & (count > 1))[0]
    if len(flat):  # MAD of 0 (over half the nights identical): fall back to the SD
        spread = mad_sd.copy()
        spread[flat] = np.nanstd(rows[flat].astype("float64"), axis=1, ddof=1)
    shrunk = np.sqrt((count * spread**2 + n0 * prior_sd**2) / (count + n0))
    sigma = np.where(count >= full_n, np.where(spread > 0, spread, prior_sd), shrunk)
    enough = count >= min_n
    return Baseline(
        mu=np.where(enough, median, np.nan),
        sigma=np.where(enough, sigma, np.nan),
        n=count.astype("int64"),
    )


def rolling_mean(
    values: np.ndarray, keys: np.ndarray, seg: np.ndarray, *, window: int, min_n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean of days t−window+1…t in segment ``seg[t]`` (NaN with < min_n values), and counts."""
    if len(values) == 0:
        return np.zeros(0), np.zeros(0, dtype="int64")
    rows, mask = _windows(values, keys, seg, window, lag=0)
    count = mask.sum(axis=1)
    with np.errstate(invalid="ignore"):
        mean = np.nansum(rows, axis=1) / np.maximum(count, 1)
    return np.where(count >= min_n, mean, np.nan), count.astype("int64")


def rolling_sd(
    values: np.ndarray, keys: np.ndarray, seg: np.ndarray, *, window: int, min_n: int
) -> np.ndarray:
    """Sample SD of days t−window+1…t in segment ``seg[t]`` (NaN with < min_n values)."""
    if len(values) == 0:
        return np.zeros(0)
    rows, mask = _windows(values, keys, seg, window, lag=0)
    count = mask.sum(axis=1)
    with np.errstate(invalid="ignore"):
        mean = np.nansum(rows, axis=1) / np.maximum(count, 1)
        variance = np.nansum((rows - mean[:, None]) ** 2, axis=1) / np.maximum(count - 1, 1)
    out: np.ndarray = np.where(count >= min_n, np.sqrt(variance), np.nan)
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
    if len(values) == 0:
        return np.zeros(0)
    rows, mask = _windows(values, keys, seg, window, lag=0, dtype=np.float32)
    # every pair (earlier, later) of positions in the window at least min_sep days apart
    earlier, later = np.triu_indices(window, k=min_sep)
    slopes = (rows[:, later] - rows[:, earlier]) / (later - earlier).astype(np.float32)
    count = np.isfinite(slopes).sum(axis=1)
    median = _sorted_median(np.sort(slopes, axis=1), count).astype("float64")
    out: np.ndarray = np.where((mask.sum(axis=1) >= min_n) & (count > 0), median, np.nan)
    return out
