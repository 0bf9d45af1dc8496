"""Nightly signals against the athlete's own baselines, per (metric, device, context) segment.

HRV is lnRMSSD where RMSSD exists; a night with only SDNN (Apple Health) is lnSDNN in its own
segment, so SDNN never feeds an RMSSD baseline and the two are never compared. Resting HR,
respiratory rate and skin temperature have per-device baselines (Quer 2020; BioTwin).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from readiness.scoring.baselines import (
    forward_keys,
    robust_baseline,
    rolling_mean,
    rolling_sd,
    theil_sen_slope,
)
from readiness.scoring.prepare import Columns
from readiness.scoring.thresholds import Thresholds

__all__ = ["Night", "Signal", "SleepState", "night_signals"]


@dataclass(frozen=True, slots=True)
class Signal:
    """One nightly signal with its baseline: today, 7-day mean, μ, σ, nights behind them."""

    today: np.ndarray
    mean7: np.ndarray
    valid7: np.ndarray
    mu: np.ndarray
    sigma: np.ndarray
    n: np.ndarray
    seg: np.ndarray  # segment code per day (−1 none)
    labels: tuple[str, ...]  # segment code → label


@dataclass(frozen=True, slots=True)
class SleepState:
    """Sleep need, 7-night debt, last night and efficiency (minutes / hours / %)."""

    tst_min: np.ndarray
    need_min: np.ndarray
    debt7_h: np.ndarray
    short_last_h: np.ndarray
    efficiency: np.ndarray
    nights7: np.ndarray
    points: np.ndarray  # 0–100, NaN if no sleep data in the last 7 nights


@dataclass(frozen=True, slots=True)
class Night:
    """All nightly signals for the calendar."""

    hrv: Signal  # natural log of RMSSD (or SDNN in SDNN segments)
    hrv_metric: np.ndarray  # "RMSSD" | "SDNN" | "" per day (of the day's segment)
    cv7: np.ndarray  # CV of ln HRV over 7 days, %
    cv_mu: np.ndarray
    cv_sigma: np.ndarray
    slope: np.ndarray  # Theil–Sen slope of the 7-day mean, ln units per day
    rhr: Signal
    resp: Signal
    temp: np.ndarray  # skin temperature deviation, °C (vendor baseline)
    sleep: SleepState


def _labels(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Integer codes (−1 missing) and normalised (stripped, lower-case) labels."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    norm = [str(u).strip().lower() for u in uniques]
    # two raw spellings of one label share a code
    canon, inverse = np.unique(np.array(norm, dtype=object), return_inverse=True)
    out = np.where(codes >= 0, inverse[np.clip(codes, 0, None)] if len(norm) else -1, -1)
    return out.astype("int64"), [str(c) for c in canon]


def _signal(
    values: np.ndarray,
    codes: np.ndarray,
    labels: list[str],
    th: Thresholds,
    prior_sd: float,
) -> Signal:
    valid = np.isfinite(values)
    keys = np.where(valid, codes, -1)
    seg = forward_keys(keys, valid)
    with np.errstate(invalid="ignore", divide="ignore"):
        base = robust_baseline(
            values,
            keys,
            seg,
            window=th.baseline_days,
            min_n=th.baseline_min_nights,
            mad_scale=th.mad_scale,
            prior_sd=prior_sd,
            n0=th.shrink_n0,
            full_n=th.full_nights,
        )
    mean7, valid7 = rolling_mean(values, keys, seg, window=th.mean_days, min_n=th.mean_min_valid)
    return Signal(
        today=values,
        mean7=mean7,
        valid7=valid7,
        mu=base.mu,
        sigma=base.sigma,
        n=base.n,
        seg=seg,
        labels=tuple(labels),
    )


def _device(daily: Columns) -> tuple[np.ndarray, list[str]]:
    dev = daily["device"]
    src = daily["source"]
    combined = np.where(pd.isna(dev), src, dev)
    combined = np.where(pd.isna(combined), "unknown device", combined)
    return _labels(combined)


def _rolling_sum(x: np.ndarray, window: int) -> np.ndarray:
    c = np.concatenate([[0.0], np.cumsum(x)])
    idx = np.arange(1, len(x) + 1)
    out: np.ndarray = c[idx] - c[np.clip(idx - window, 0, None)]
    return out


def _sleep(daily: Columns, th: Thresholds) -> SleepState:
    t = daily["sleep_total_min"]
    need = (
        pd.Series(t)
        .shift(1)
        .rolling(th.baseline_days, min_periods=th.sleep_need_min_nights)
        .quantile(th.sleep_need_quantile)
        .fillna(th.sleep_need_floor_min)
        .clip(th.sleep_need_floor_min, th.sleep_need_cap_min)
        .to_numpy()
    )
    short = np.maximum(need - t, 0.0)  # NaN where no sleep that night
    debt7 = _rolling_sum(np.nan_to_num(short), th.mean_days) / 60.0
    nights7 = _rolling_sum(np.isfinite(t).astype("float64"), th.mean_days).astype("int64")
    eff = daily["sleep_efficiency_pct"]
    bed = daily["sleep_in_bed_min"]
    with np.errstate(invalid="ignore", divide="ignore"):
        eff = np.where(np.isfinite(eff), eff, np.where(bed > 0, 100.0 * t / bed, np.nan))
        c_debt = np.clip(debt7 / th.sleep_debt_full_h, 0, 1)
        c_last = np.clip(short / 60.0 / th.sleep_last_full_h, 0, 1)
        c_eff = np.clip((th.sleep_eff_good_pct - eff) / th.sleep_eff_span_pct, 0, 1)
    w_debt = np.where(nights7 > 0, th.sleep_w_debt, 0.0)
    w_last = np.where(np.isfinite(c_last), th.sleep_w_last, 0.0)
    w_eff = np.where(np.isfinite(c_eff), th.sleep_w_eff, 0.0)
    total = w_debt + w_last + w_eff
    with np.errstate(invalid="ignore", divide="ignore"):
        pts = (
            100.0
            * (
                w_debt * np.nan_to_num(c_debt)
                + w_last * np.nan_to_num(c_last)
                + w_eff * np.nan_to_num(c_eff)
            )
            / total
        )
    return SleepState(
        tst_min=t,
        need_min=need,
        debt7_h=np.where(nights7 > 0, debt7, np.nan),
        short_last_h=short / 60.0,
        efficiency=eff,
        nights7=nights7,
        points=np.where(total > 0, pts, np.nan),
    )


def night_signals(daily: Columns, th: Thresholds) -> Night:
    """Baselines for HRV, resting HR, respiratory rate, plus sleep, on the calendar."""
    dev_codes, dev_labels = _device(daily)
    rmssd = daily["hrv_rmssd_ms"]
    sdnn = daily["hrv_sdnn_ms"]
    use_rmssd = np.isfinite(rmssd) & (rmssd > 0)
    use_sdnn = ~use_rmssd & np.isfinite(sdnn) & (sdnn > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ln_hrv = np.where(use_rmssd, np.log(rmssd), np.where(use_sdnn, np.log(sdnn), np.nan))
    ctx = daily["hrv_context"]
    ctx_codes, ctx_labels = _labels(np.where(pd.isna(ctx), "unspecified", ctx))
    metric = np.where(use_sdnn, 1, 0)
    n_dev, n_ctx = max(len(dev_labels), 1), max(len(ctx_labels), 1)
    combo = (metric * n_dev + dev_codes) * n_ctx + ctx_codes
    combo = np.where(np.isfinite(ln_hrv) & (dev_codes >= 0) & (ctx_codes >= 0), combo, -1)
    uniq, inv = np.unique(combo, return_inverse=True)
    hrv_codes = np.where(combo >= 0, inv - int(uniq[0] < 0), -1)
    hrv_labels = []
    for u in uniq[uniq >= 0]:
        m, rest = divmod(int(u), n_dev * n_ctx)
        dv, cx = divmod(rest, n_ctx)
        hrv_labels.append(f"{('RMSSD', 'SDNN')[m]} · {dev_labels[dv]} · {ctx_labels[cx]}")
    hrv = _signal(ln_hrv, hrv_codes, hrv_labels, th, th.pop_sd_ln_hrv)
    metric_by_seg = np.array([lab.split(" · ")[0] for lab in hrv.labels] + [""], dtype=object)
    hrv_metric = metric_by_seg[hrv.seg]  # seg −1 → ""
    valid = np.isfinite(ln_hrv)
    keys = np.where(valid, hrv.seg, -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd7 = rolling_sd(ln_hrv, keys, hrv.seg, window=th.mean_days, min_n=th.mean_min_valid)
        cv7 = 100.0 * sd7 / hrv.mean7
        cv_keys = np.where(np.isfinite(cv7), hrv.seg, -1)
        cv_base = robust_baseline(
            cv7,
            cv_keys,
            hrv.seg,
            window=th.baseline_days,
            min_n=th.full_nights // 2,
            mad_scale=th.mad_scale,
            prior_sd=1.0,
            n0=th.shrink_n0,
            full_n=th.full_nights,
        )
        m7_keys = np.where(np.isfinite(hrv.mean7), hrv.seg, -1)
        slope = theil_sen_slope(
            hrv.mean7,
            m7_keys,
            hrv.seg,
            window=th.trend_days,
            min_n=th.trend_min_points,
            min_sep=th.mean_days,
        )
    rhr = _signal(daily["resting_hr_bpm"], dev_codes, dev_labels, th, th.pop_sd_rhr_bpm)
    resp = _signal(daily["respiratory_rate_bpm"], dev_codes, dev_labels, th, th.pop_sd_resp_bpm)
    return Night(
        hrv=hrv,
        hrv_metric=hrv_metric,
        cv7=cv7,
        cv_mu=cv_base.mu,
        cv_sigma=cv_base.sigma,
        slope=slope,
        rhr=rhr,
        resp=resp,
        temp=daily["skin_temp_dev_c"],
        sleep=_sleep(daily, th),
    )
