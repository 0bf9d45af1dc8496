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
    Baseline,
    forward_keys,
    robust_baseline,
    rolling_mean,
    rolling_sd,
    theil_sen_slope,
    trailing_sum,
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


def _baseline(
    values: np.ndarray,
    keys: np.ndarray,
    seg: np.ndarray,
    th: Thresholds,
    *,
    prior_sd: float,
    min_nights: int,
) -> Baseline:
    """The robust baseline of ``values`` over ``th``'s window, with its MAD scale and shrinkage."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return robust_baseline(
            values,
            keys,
            seg,
            window=th.baseline_days,
            min_n=min_nights,
            mad_scale=th.mad_scale,
            prior_sd=prior_sd,
            n0=th.shrink_n0,
            full_n=th.full_nights,
        )


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
    base = _baseline(values, keys, seg, th, prior_sd=prior_sd, min_nights=th.baseline_min_nights)
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
    device = daily["device"]
    source = daily["source"]
    combined = np.where(pd.isna(device), source, device)
    combined = np.where(pd.isna(combined), "unknown device", combined)
    return _labels(combined)


def _sleep(daily: Columns, th: Thresholds) -> SleepState:
    tst_min = daily["sleep_total_min"]  # total sleep time per night, minutes
    need_min = (
        pd.Series(tst_min)
        .shift(1)
        .rolling(th.baseline_days, min_periods=th.sleep_need_min_nights)
        .quantile(th.sleep_need_quantile)
        .fillna(th.sleep_need_floor_min)
        .clip(th.sleep_need_floor_min, th.sleep_need_cap_min)
        .to_numpy()
    )
    short_min = np.maximum(need_min - tst_min, 0.0)  # NaN where no sleep that night
    debt7_h = trailing_sum(np.nan_to_num(short_min), th.mean_days) / 60.0
    nights7 = trailing_sum(np.isfinite(tst_min).astype("float64"), th.mean_days).astype("int64")
    efficiency_pct = daily["sleep_efficiency_pct"]
    in_bed_min = daily["sleep_in_bed_min"]
    # c_*: how far each part is towards its full points, 0–1 (debt, last night, efficiency)
    with np.errstate(invalid="ignore", divide="ignore"):
        efficiency_pct = np.where(
            np.isfinite(efficiency_pct),
            efficiency_pct,
            np.where(in_bed_min > 0, 100.0 * tst_min / in_bed_min, np.nan),
        )
        c_debt = np.clip(debt7_h / th.sleep_debt_full_h, 0, 1)
        c_last = np.clip(short_min / 60.0 / th.sleep_last_full_h, 0, 1)
        c_eff = np.clip((th.sleep_eff_good_pct - efficiency_pct) / th.sleep_eff_span_pct, 0, 1)
    w_debt = np.where(nights7 > 0, th.sleep_w_debt, 0.0)
    w_last = np.where(np.isfinite(c_last), th.sleep_w_last, 0.0)
    w_eff = np.where(np.isfinite(c_eff), th.sleep_w_eff, 0.0)
    w_total = w_debt + w_last + w_eff
    with np.errstate(invalid="ignore", divide="ignore"):
        sleep_points = (
            100.0
            * (
                w_debt * np.nan_to_num(c_debt)
                + w_last * np.nan_to_num(c_last)
                + w_eff * np.nan_to_num(c_eff)
            )
            / w_total
        )
    return SleepState(
        tst_min=tst_min,
        need_min=need_min,
        debt7_h=np.where(nights7 > 0, debt7_h, np.nan),
        short_last_h=short_min / 60.0,
        efficiency=efficiency_pct,
        nights7=nights7,
        points=np.where(w_total > 0, sleep_points, np.nan),
    )


def _hrv_segments(
    ln_hrv: np.ndarray,
    use_sdnn: np.ndarray,
    daily: Columns,
    device_codes: np.ndarray,
    device_labels: list[str],
) -> tuple[np.ndarray, list[str]]:
    """Each night's HRV segment code (metric × device × context; −1 none) and the labels."""
    context = daily["hrv_context"]
    context_codes, context_labels = _labels(np.where(pd.isna(context), "unspecified", context))
    metric_codes = np.where(use_sdnn, 1, 0)  # 0 = RMSSD, 1 = SDNN
    n_devices, n_contexts = max(len(device_labels), 1), max(len(context_labels), 1)
    combined = (metric_codes * n_devices + device_codes) * n_contexts + context_codes
    measured = np.isfinite(ln_hrv) & (device_codes >= 0) & (context_codes >= 0)
    combined = np.where(measured, combined, -1)
    present, dense = np.unique(combined, return_inverse=True)
    codes = np.where(combined >= 0, dense - int(present[0] < 0), -1)
    labels = []
    for key in present[present >= 0]:
        metric_code, rest = divmod(int(key), n_devices * n_contexts)
        device_code, context_code = divmod(rest, n_contexts)
        labels.append(
            f"{('RMSSD', 'SDNN')[metric_code]} · {device_labels[device_code]} · "
            f"{context_labels[context_code]}"
        )
    return codes, labels


def night_signals(daily: Columns, th: Thresholds) -> Night:
    """Baselines for HRV, resting HR, respiratory rate, plus sleep, on the calendar."""
    device_codes, device_labels = _device(daily)
    rmssd = daily["hrv_rmssd_ms"]
    sdnn = daily["hrv_sdnn_ms"]
    use_rmssd = np.isfinite(rmssd) & (rmssd > 0)
    use_sdnn = ~use_rmssd & np.isfinite(sdnn) & (sdnn > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ln_hrv = np.where(use_rmssd, np.log(rmssd), np.where(use_sdnn, np.log(sdnn), np.nan))
    hrv_codes, hrv_labels = _hrv_segments(ln_hrv, use_sdnn, daily, device_codes, device_labels)
    hrv = _signal(ln_hrv, hrv_codes, hrv_labels, th, th.pop_sd_ln_hrv)
    metric_by_seg = np.array([lab.split(" · ")[0] for lab in hrv.labels] + [""], dtype=object)
    hrv_metric = metric_by_seg[hrv.seg]  # seg −1 → ""
    keys = np.where(np.isfinite(ln_hrv), hrv.seg, -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ln_hrv_sd7 = rolling_sd(ln_hrv, keys, hrv.seg, window=th.mean_days, min_n=th.mean_min_valid)
        cv7 = 100.0 * ln_hrv_sd7 / hrv.mean7
    cv_keys = np.where(np.isfinite(cv7), hrv.seg, -1)
    cv_base = _baseline(cv7, cv_keys, hrv.seg, th, prior_sd=1.0, min_nights=th.full_nights // 2)
    mean7_keys = np.where(np.isfinite(hrv.mean7), hrv.seg, -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = theil_sen_slope(
            hrv.mean7,
            mean7_keys,
            hrv.seg,
            window=th.trend_days,
            min_n=th.trend_min_points,
            min_sep=th.mean_days,
        )
    rhr = _signal(daily["resting_hr_bpm"], device_codes, device_labels, th, th.pop_sd_rhr_bpm)
    resp = _signal(
        daily["respiratory_rate_bpm"], device_codes, device_labels, th, th.pop_sd_resp_bpm
    )
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
