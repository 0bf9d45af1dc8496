"""Garmin sleep and HRV-status FIT files → per-day values for the ``daily`` table.

Sleep (``sleep_level`` messages mark stage changes): each stage lasts until the next message;
the last message closes the night (its own stage has no known length and is not counted).
Light, deep and REM are asleep; awake and unmeasurable are not. Messages more than
:data:`NIGHT_GAP_S` apart start a new night. Every night goes to the local date of its end
(the wake date). ``sleep_assessment.overall_sleep_score`` (it has no timestamp) goes to the last
night of the file.

HRV status: ``hrv_status_summary.last_night_average`` → ``hrv_rmssd_ms`` of the local date of
the summary's timestamp (written on waking), ``hrv_context = "nocturnal"``.
"""

from __future__ import annotations

import numpy as np
from readiness.ingest.fit.extract.clock import LocalClock
from readiness.ingest.fit.messages import FitMessages

__all__ = ["NIGHT_GAP_S", "hrv_status_days", "sleep_days"]

Day = np.datetime64
DayValues = dict[str, dict[Day, object]]
NIGHT_GAP_S = 3 * 3600.0
_ASLEEP = ("light", "deep", "rem")


def sleep_days(msgs: FitMessages, clock: LocalClock) -> DayValues:
    """Per wake date: total, in-bed, deep and REM minutes, efficiency, start/end, score."""
    cols = msgs.messages.get("sleep_level")
    if not cols:
        return {}
    t = np.asarray(cols["timestamp"], dtype=np.float64)
    level = np.asarray(cols["sleep_level"], dtype=object)
    ok = np.isfinite(t)
    t, level = t[ok], level[ok]
    if t.size < 2:
        return {}
    order = np.argsort(t, kind="stable")
    t, level = t[order], level[order]
    dur = np.diff(t)
    breaks = np.flatnonzero(dur > NIGHT_GAP_S)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [t.size - 1]))
    out: DayValues = {}
    wake_days = clock.day(t[ends])
    for s, e, day in zip(starts, ends, wake_days, strict=True):
        if e <= s:
            continue
        d = dur[s:e] / 60.0
        lv = level[s:e]
        total = float(d[np.isin(lv, _ASLEEP)].sum())
        in_bed = float((t[e] - t[s]) / 60.0)
        values: dict[str, object] = {
            "sleep_total_min": total,
            "sleep_in_bed_min": in_bed,
            "sleep_deep_min": float(d[lv == "deep"].sum()),
            "sleep_rem_min": float(d[lv == "rem"].sum()),
            "sleep_efficiency_pct": 100.0 * total / in_bed if in_bed > 0 else np.nan,
            "sleep_start": float(t[s]),
            "sleep_end": float(t[e]),
        }
        for k, v in values.items():
            out.setdefault(k, {})[day] = v
    assess = msgs.messages.get("sleep_assessment")
    if assess and out:
        score = np.asarray(assess["overall_sleep_score"], dtype=np.float64)
        score = score[np.isfinite(score)]
        if score.size:
            out["sleep_score"] = {wake_days[-1]: float(score[-1])}
    return out


def hrv_status_days(msgs: FitMessages, clock: LocalClock) -> DayValues:
    """Per local date of the summary: last night's average RMSSD (ms), nocturnal."""
    cols = msgs.messages.get("hrv_status_summary")
    if not cols:
        return {}
    t = np.asarray(cols["timestamp"], dtype=np.float64)
    v = np.asarray(cols["last_night_average"], dtype=np.float64)
    out: DayValues = {}
    for d, x in zip(clock.day(t), v, strict=True):
        if not np.isnat(d) and np.isfinite(x):
            out.setdefault("hrv_rmssd_ms", {})[d] = float(x)
            out.setdefault("hrv_context", {})[d] = "nocturnal"
    return out
