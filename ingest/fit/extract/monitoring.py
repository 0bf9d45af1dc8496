"""Garmin monitoring (wellness) FIT files → per-day values for the ``daily`` table.

What is read (README, "FIT files"):

* ``resting_hr_bpm``: ``monitoring_hr_data.current_day_resting_heart_rate`` (never
  ``resting_heart_rate``, a 7-day average); the last value of each day.
* ``steps``: ``monitoring.cycles`` is cumulative per activity type within the local day; the
  contract gives it at the parent field's scale (raw ÷ 2), and the ``steps`` subfield (walking,
  running) has scale 1, so steps = 2 × cycles. Day total = Σ over walking/running of the day's
  maximum.
* ``active_min``: Σ over non-sedentary activity types of the day's maximum cumulative
  ``active_time``; without ``active_time``, the minutes the minute-level activity state was
  non-sedentary.
* ``sedentary_min`` / ``longest_sedentary_bout_min``: the activity state (``activity_type`` from
  the ``current_activity_type_intensity`` container, bits 0–4) holds from one monitoring message
  to the next. A monitoring file does not mark sleep, so the *waking span* is approximated as
  first to last non-sedentary minute of the day; sedentary minutes are counted inside it.
* ``stress_avg``: mean ``stress_level_value`` of the day, without the −1/−2 sentinels (off
  wrist / too active); needs ≥ 10 valid samples (a lone sample at midnight is no day).
* ``respiratory_rate_bpm``: mean ``respiration_rate`` (without the −1 sentinel) between 00:00
  and 06:00 local, as the file has no sleep window; needs ≥ 30 samples.
* ``monitoring_coverage_min``: minutes of the local day with any sample (``monitoring``,
  ``monitoring_hr_data``, ``stress_level``, ``respiration_rate``); the minutes between two samples
  at most :data:`HOLD_S` (15 min) apart count as measured too (the device was worn and
  logging), a longer gap does not; a sample stamped exactly 00:00 local right after the
  previous day's samples belongs to the day it closes. Activity and sedentary minutes count
  only measured minutes, so a gap never reads as sitting, and a day without a measured minute
  has no activity total.
* A cumulative value or daily summary stamped exactly 00:00 local closes the *previous* day
  (GarminDB rule), so these use the day of (time − 1 s).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from readiness.ingest.fit.extract.clock import LocalClock, monitoring_times
from readiness.ingest.fit.messages import FitMessages

__all__ = ["ACTIVITY_TYPES", "DayValues", "monitoring_days"]

F64 = npt.NDArray[np.float64]
Day = np.datetime64
#: column -> {local day -> value}
DayValues = dict[str, dict[Day, float]]

#: FIT ``activity_type`` names for the 5-bit value in ``current_activity_type_intensity``.
ACTIVITY_TYPES = {
    0: "generic",
    1: "running",
    2: "cycling",
    3: "transition",
    4: "fitness_equipment",
    5: "swimming",
    6: "walking",
    8: "sedentary",
}
_STEP_TYPES = ("walking", "running")
_ACTIVE_TYPES = frozenset({"running", "cycling", "fitness_equipment", "swimming", "walking"})
MIN_RESP_SAMPLES = 30
MIN_STRESS_SAMPLES = 10
#: The minute-level activity state is read over at most the file's last 8 days.
MAX_SPAN_S = 8 * 86400.0
#: Two samples at most this far apart (s) cover the time between them; a longer gap is unmeasured
#: (older Garmin devices log every 15 min while still).
HOLD_S = 15 * 60.0


def _group_max(days: npt.NDArray[np.datetime64], values: F64) -> dict[Day, float]:
    out: dict[Day, float] = {}
    ok = ~np.isnat(days) & np.isfinite(values)
    for d in np.unique(days[ok]):
        out[d] = float(values[ok][days[ok] == d].max())
    return out


def _group_mean(days: npt.NDArray[np.datetime64], values: F64, min_n: int = 1) -> dict[Day, float]:
    out: dict[Day, float] = {}
    ok = ~np.isnat(days) & np.isfinite(values)
    if not ok.any():
        return out
    uniq, inv, counts = np.unique(days[ok], return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=values[ok])
    for d, s, c in zip(uniq, sums, counts, strict=True):
        if c >= min_n:
            out[d] = float(s / c)
    return out


def _activity_types(cols: Mapping[str, Any]) -> npt.NDArray[np.object_]:
    explicit = np.asarray(cols["activity_type"], dtype=object).copy()
    box = np.asarray(cols["current_activity_type_intensity"], dtype=np.float64)
    fill = np.array([x is None for x in explicit]) & np.isfinite(box)
    if fill.any():
        codes = np.nan_to_num(box[fill]).astype(np.int64) & 0x1F
        explicit[fill] = [ACTIVITY_TYPES.get(int(c), str(int(c))) for c in codes]
    return explicit


def _longest_run(mask: npt.NDArray[np.bool_]) -> int:
    if not mask.any():
        return 0
    padded = np.concatenate(([0], mask.astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(padded))
    return int((edges[1::2] - edges[::2]).max())


def _sample_times(msgs: FitMessages) -> F64:
    """Every monitoring sample's instant (s), sorted, finite, within the file's last 8 days."""
    parts: list[F64] = []
    if msgs.messages.get("monitoring"):
        parts.append(monitoring_times(msgs))
    for name, field in (
        ("monitoring_hr_data", "timestamp"),
        ("stress_level", "stress_level_time"),
        ("respiration_rate", "timestamp"),
    ):
        cols = msgs.messages.get(name)
        if cols:
            parts.append(np.asarray(cols[field], dtype=np.float64))
    if not parts:
        return np.zeros(0)
    t = np.concatenate(parts)
    t = np.unique(t[np.isfinite(t)])
    return t[t >= t.max() - MAX_SPAN_S] if t.size else t


def measured(samples: F64, grid: F64) -> npt.NDArray[np.bool_]:
    """Whether each grid minute (its start, s) is measured: a sample falls in it, or it lies
    between two samples at most :data:`HOLD_S` apart."""
    if samples.size == 0:
        return np.zeros(grid.shape, dtype=bool)
    in_minute = np.searchsorted(samples, grid, "left") < np.searchsorted(samples, grid + 60.0)
    before = np.searchsorted(samples, grid, "right") - 1
    after = before + 1
    inside = (before >= 0) & (after < samples.size)
    gap = samples[np.clip(after, 0, samples.size - 1)] - samples[np.clip(before, 0, None)]
    out: npt.NDArray[np.bool_] = in_minute | (inside & (gap <= HOLD_S))
    return out


def _coverage(samples: F64, clock: LocalClock) -> dict[Day, float]:
    """Measured minutes per local day (see :func:`measured`)."""
    if samples.size == 0:
        return {}
    grid = np.arange(np.floor(samples[0] / 60.0) * 60.0, samples[-1] + 60.0, 60.0)
    covered = measured(samples, grid)
    days = clock.day(grid[covered])
    uniq, counts = np.unique(days[~np.isnat(days)], return_counts=True)
    return {d: float(min(c, 1440)) for d, c in zip(uniq, counts, strict=True)}


def monitoring_days(msgs: FitMessages, clock: LocalClock) -> DayValues:
    """Per-day resting HR, steps, activity minutes, stress, respiration and coverage (see module
    doc)."""
    out: DayValues = {}
    samples = _sample_times(msgs)
    # a sample stamped exactly 00:00 local that follows the previous day's recording closes
    # that day (GarminDB rule); one that opens a file opens the new day
    follows = np.concatenate(([False], np.diff(samples) <= HOLD_S))
    closing = follows & (np.mod(clock.local(samples), 86400.0) == 0.0)
    samples = np.unique(np.where(closing, samples - 1.0, samples))
    coverage = _coverage(samples, clock)
    if coverage:
        out["monitoring_coverage_min"] = coverage
    hr = msgs.messages.get("monitoring_hr_data")
    if hr:
        t = np.asarray(hr["timestamp"], dtype=np.float64)
        v = np.asarray(hr["current_day_resting_heart_rate"], dtype=np.float64)
        days = clock.day(t - 1.0)
        last: dict[Day, float] = {}
        for d, x in zip(days, v, strict=True):
            if not np.isnat(d) and np.isfinite(x):
                last[d] = float(x)
        if last:
            out["resting_hr_bpm"] = last
    if msgs.messages.get("monitoring"):
        out.update(_activity(msgs, clock, samples))
    st = msgs.messages.get("stress_level")
    if st:
        v = np.asarray(st["stress_level_value"], dtype=np.float64)
        v = np.where((v >= 0) & (v <= 100), v, np.nan)
        when = np.asarray(st["stress_level_time"], dtype=np.float64)
        stress = _group_mean(clock.day(when), v, MIN_STRESS_SAMPLES)
        if stress:
            out["stress_avg"] = stress
    rr = msgs.messages.get("respiration_rate")
    if rr:
        t = np.asarray(rr["timestamp"], dtype=np.float64)
        v = np.asarray(rr["respiration_rate"], dtype=np.float64)
        local = clock.local(t)
        night = np.mod(local, 86400.0) < 6 * 3600.0
        v = np.where((v > 0) & night, v, np.nan)
        resp = _group_mean(clock.day(t), v, MIN_RESP_SAMPLES)
        if resp:
            out["respiratory_rate_bpm"] = resp
    return out


def _activity(msgs: FitMessages, clock: LocalClock, samples: F64) -> DayValues:
    cols = msgs.messages["monitoring"]
    out: DayValues = {}
    t = monitoring_times(msgs)
    atype = _activity_types(cols)
    summary_day = clock.day(t - 1.0)
    cycles = np.asarray(cols["cycles"], dtype=np.float64)
    active_time = np.asarray(cols["active_time"], dtype=np.float64)

    steps: dict[Day, float] = {}
    active: dict[Day, float] = {}
    for name in {x for x in atype if isinstance(x, str)}:
        is_type = atype == name
        if name in _STEP_TYPES:
            for d, c in _group_max(summary_day[is_type], cycles[is_type]).items():
                steps[d] = steps.get(d, 0.0) + 2.0 * c
        if name in _ACTIVE_TYPES:
            for d, s in _group_max(summary_day[is_type], active_time[is_type]).items():
                active[d] = active.get(d, 0.0) + s / 60.0
    if steps:
        out["steps"] = steps

    # Minute-level activity state: summaries (duration_min set) are not state changes.
    is_event = (
        np.array([isinstance(x, str) for x in atype])
        & np.isfinite(t)
        & ~np.isfinite(np.asarray(cols["duration_min"], dtype=np.float64))
    )
    finite_t = t[np.isfinite(t)]
    if is_event.any() and finite_t.size:
        order = np.argsort(t[is_event], kind="stable")
        ev_t = t[is_event][order]
        ev_type = atype[is_event][order]
        # A monitoring file covers a day or two; broken clocks must not build a decade of minutes.
        first = max(float(ev_t[0]), float(finite_t.max()) - MAX_SPAN_S)
        # The last state lasts as long as states usually do (≤ 1 h), within its own local day:
        # without this, activity in a file's last interval would never be counted.
        step = float(np.median(np.diff(ev_t))) if ev_t.size > 1 else 60.0
        end = max(float(finite_t.max()), float(ev_t[-1]) + min(max(step, 60.0), 3600.0))
        grid = np.arange(first, end, 60.0)
        grid = grid[(grid < finite_t.max()) | (clock.day(grid) == clock.day(ev_t[-1:])[0])]
        state = ev_type[np.searchsorted(ev_t, grid, side="right") - 1]
        # only measured minutes count: a state does not hold across a gap in the recording
        known = measured(samples, grid)
        sed = (state == "sedentary") & known
        act = np.isin(state, list(_ACTIVE_TYPES)) & known
        gdays = clock.day(grid)
        sed_min: dict[Day, float] = {}
        bout: dict[Day, float] = {}
        for d in np.unique(gdays):
            sel = gdays == d
            a, s = act[sel], sed[sel]
            if d not in active and known[sel].any():
                active[d] = float(a.sum())
            if a.any():
                first, last = np.flatnonzero(a)[[0, -1]]
                waking = s[first : last + 1]
                sed_min[d] = float(waking.sum())
                bout[d] = float(_longest_run(waking))
        if sed_min:
            out["sedentary_min"] = sed_min
            out["longest_sedentary_bout_min"] = bout
    if active:
        out["active_min"] = active
    return out
