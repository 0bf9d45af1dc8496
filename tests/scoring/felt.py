"""Synthetic athletes whose felt stress follows hidden weights (benchmarks/validity.py and its
bounded slice in tests/scoring/calibration/test_personal.py).

Each athlete has a calm, normal history (:mod:`tests.scoring.synthetic`) with more day-to-day
variation in sleep and in training (weekly blocks of easier and harder weeks), and a hidden felt
stress ``3 + 0.9·driver + noise`` on the 1–5 scale, where the driver is one standardised signal:

* ``hrv``: last night's HRV, lower = more stress;
* ``rhr``: last night's resting HR, higher = more stress;
* ``sleep``: last night's sleep, shorter = more stress;
* ``load``: the last 7 days' training minutes, more = more stress;
* ``noise``: nothing the wearable measures (felt stress is noise);
* ``session`` (for soreness): the training minutes of the last two days (yesterday's count
  double), the DOMS window.

Check-ins (stress and fatigue — or, with ``item="soreness"``, soreness and stiffness — the
hidden rating rounded with reporting noise) are given on the first ``share`` of the days only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.scoring import synthetic as sy

KINDS = ("hrv", "rhr", "sleep", "load", "noise")
STRUCTURED = ("hrv", "rhr", "sleep", "load")
#: Kinds for soreness and stiffness check-ins (physical stiffness).
SORENESS_KINDS = ("session", "noise")


def _z(values: np.ndarray) -> np.ndarray:
    out: np.ndarray = (values - values.mean()) / values.std()
    return out


def athlete(
    kind: str, seed: int, n_days: int = 360, share: float = 0.6, item: str = "stress"
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, np.ndarray, int]:
    """(daily, sessions, check-ins, hidden felt rating per day, first day without check-ins)."""
    if kind not in (*KINDS, *SORENESS_KINDS):
        raise ValueError(f"unknown athlete kind {kind!r}")
    rng = np.random.default_rng(1000 + seed)
    daily = sy.daily(n_days, seed=seed)
    sleep_min = 440 + rng.normal(0, 45, n_days)
    daily["sleep_total_min"] = sleep_min
    daily["sleep_in_bed_min"] = sleep_min + 35 + rng.normal(0, 10, n_days)
    sessions = sy.sessions(n_days, seed=seed)
    week = (sessions["date"] - pd.Timestamp(sy.START)).dt.days.to_numpy() // 7
    week_factor = rng.choice([0.5, 1.0, 1.6], size=week.max() + 1)[week]
    duration_s = np.clip(
        sessions["duration_s"].to_numpy(dtype=float)
        * week_factor
        * np.exp(rng.normal(0, 0.25, len(sessions))),
        600,
        4 * 3600,
    )
    sessions["duration_s"] = duration_s
    sessions["end"] = sessions["start"] + pd.to_timedelta(duration_s, unit="s")
    minutes = np.zeros(n_days)
    day_index = (sessions["date"] - pd.Timestamp(sy.START)).dt.days.to_numpy()
    np.add.at(minutes, day_index, duration_s / 60.0)
    drivers = {
        "hrv": -_z(np.log(daily["hrv_rmssd_ms"].to_numpy(dtype=float))),
        "rhr": _z(daily["resting_hr_bpm"].to_numpy(dtype=float)),
        "sleep": -_z(sleep_min),
        "load": _z(pd.Series(minutes).rolling(7, min_periods=1).sum().to_numpy()),
        "noise": np.zeros(n_days),
        "session": _z(2 * np.r_[0.0, minutes[:-1]] + np.r_[0.0, 0.0, minutes[:-2]]),
    }
    spread = 1.0 if kind == "noise" else 0.6
    felt = 3.0 + 0.9 * drivers[kind] + rng.normal(0, spread, n_days)
    cut = int(n_days * share)
    stress = np.clip(np.round(felt + rng.normal(0, 0.3, n_days)), 1, 5)
    fatigue = np.clip(np.round(felt + rng.normal(0, 0.5, n_days)), 1, 5)
    names = ("stress", "fatigue") if item == "stress" else ("soreness", "stiffness")
    checkins = sy.checkins(
        [
            {"date": sy.day(i), names[0]: int(stress[i]), names[1]: int(fatigue[i])}
            for i in range(cut)
        ]
    )
    return daily, sessions, checkins, felt, cut
