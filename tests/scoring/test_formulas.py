"""The formulas against independent references (scipy, hand calculation, the spec's numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from readiness.scoring import DEFAULT
from readiness.scoring.baselines import robust_baseline, rolling_mean, theil_sen_slope
from readiness.scoring.load import doms_weight, ewma, session_trimp
from readiness.scoring.subscores.stress import points
from readiness.scoring.subscores.warmth import warmth_band, warmth_scores
from scipy.stats import theilslopes


def test_theil_sen_matches_scipy_and_brute_force() -> None:
    rng = np.random.default_rng(3)
    y = np.cumsum(rng.normal(0, 1, 60))
    y[[5, 17, 33]] = np.nan
    keys = np.where(np.isfinite(y), 0, -1)
    seg = np.zeros(60, dtype=int)
    got = theil_sen_slope(y, keys, seg, window=21, min_n=7)
    for t in (25, 40, 59):
        w = y[t - 20 : t + 1]
        x = np.arange(21)[np.isfinite(w)]
        ref = theilslopes(w[np.isfinite(w)], x).slope
        assert got[t] == pytest.approx(ref, rel=1e-5, abs=1e-6)
    sep = theil_sen_slope(y, keys, seg, window=21, min_n=7, min_sep=7)
    w = y[59 - 20 : 60]
    pairs = [
        (w[j] - w[i]) / (j - i)
        for i in range(21)
        for j in range(i + 7, 21)
        if np.isfinite(w[i]) and np.isfinite(w[j])
    ]
    assert sep[59] == pytest.approx(np.median(pairs), rel=1e-5)


def test_robust_baseline_is_median_mad_of_the_previous_60_days_in_segment() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(4.0, 0.1, 100)
    keys = np.r_[np.zeros(70, int), np.ones(30, int)]
    b = robust_baseline(
        x, keys, keys, window=60, min_n=3, mad_scale=1.4826, prior_sd=0.15, n0=7, full_n=28
    )
    prev = x[5:65]
    assert b.mu[65] == pytest.approx(np.median(prev), abs=1e-6)
    mad = np.median(np.abs(prev - np.median(prev))) * 1.4826
    assert b.sigma[65] == pytest.approx(mad, rel=1e-4)
    assert b.n[65] == 60
    # a new segment starts from nothing: nights of the old device are never used
    assert b.n[70] == 0 and np.isnan(b.mu[70])
    assert b.n[80] == 10
    # while few nights exist, σ is shrunk towards the prior (empirical Bayes, n0 = 7)
    s = np.std(x[70:80], ddof=0)
    assert b.sigma[80] != pytest.approx(s, rel=1e-3)
    m, cnt = rolling_mean(x, keys, keys, window=7, min_n=3)
    assert m[69] == pytest.approx(x[63:70].mean()) and cnt[72] == 3


def test_points_mapping() -> None:
    # zero inside the SWC band, 100 at k + 2 SD
    d = np.array([0.0, 0.5, 1.5, 2.5, 4.0, np.nan])
    np.testing.assert_allclose(points(d, 0.5, 2.0), [0, 0, 50, 100, 100, np.nan])


def test_trimp_and_ewma_conventions() -> None:
    one = np.array([1.0])
    load, basis = session_trimp(
        trimp=np.array([np.nan]),
        duration_min=np.array([60.0]),
        avg_hr=np.array([150.0]),
        rpe=np.array([np.nan]),
        hr_rest=np.array([50.0]),
        hr_max=np.array([190.0]),
        sex="male",
        th=DEFAULT,
    )
    x = (150 - 50) / (190 - 50)
    assert load[0] == pytest.approx(60 * x * 0.64 * np.exp(1.92 * x))
    assert basis[0] == "avg_hr"
    given, b = session_trimp(
        trimp=one * 123,
        duration_min=one * 60,
        avg_hr=one * 150,
        rpe=one * 5,
        hr_rest=one * 50,
        hr_max=one * 190,
        sex=None,
        th=DEFAULT,
    )
    assert given[0] == 123 and b[0] == "trimp"
    series = np.r_[np.zeros(5), 100.0, np.zeros(40)]
    e = ewma(series, 7)
    ref = pd.Series(series).ewm(alpha=2 / 8, adjust=True).mean().to_numpy()
    np.testing.assert_allclose(e, ref)


def test_doms_window_weights() -> None:
    w = doms_weight(np.array([-1, 6, 12, 48, 72, 96, 120, 150]), DEFAULT)
    np.testing.assert_allclose(w, [0, 0.6, 1, 1, 1, 0.5, 0, 0])


def test_warmth_decay_and_running_bouts() -> None:
    start = np.array([0, 10_000])
    end = np.array([1_800, 12_000])
    qual = np.array([True, True])
    at = np.array([1_800 + 600, 1_800 + 1_200, 11_000, 12_000 + 3_600, -5])
    w = warmth_scores(start, end, qual, at, DEFAULT)
    np.testing.assert_allclose(w.minutes[:4], [10, 20, 0, 60])
    np.testing.assert_allclose(w.score[:4], 100 * np.exp(-np.array([10, 20, 0, 60]) / 20))
    assert np.isnan(w.minutes[4]) and w.score[4] == 0
    assert list(warmth_band(w.score[:4], DEFAULT)) == [2, 1, 2, 0]
