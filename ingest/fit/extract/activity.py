"""Activity FIT files → ``sessions`` rows: one per ``session`` message.

* start/end/duration/sport/avg and max HR come from the session message (avg/max HR fall back
  to the session's heart-rate records). The duration is ``total_elapsed_time``, else (missing
  or outside ``duration_s``'s valid range) ``total_timer_time``.
* ``vendor_load``: Garmin ``training_load_peak``, else ``training_stress_score``.
* ``trimp``: Banister TRIMP (:mod:`readiness.ingest.physiology`) from the ``record`` heart rates
  inside the session. HRrest/HRmax/sex come from the options' athlete profile, else the file's
  ``user_profile`` / ``zones_target``, else the defaults documented in
  :mod:`readiness.ingest.physiology`, with a warning naming what was assumed.
* ``rmssd_ms``: RMSSD of the ``hrv`` RR intervals recorded during the session (never the
  nightly HRV). An ``hrv`` message has no timestamp; it belongs to the time of the last full
  timestamp written before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from readiness.ingest.findings import IngestWarning
from readiness.ingest.fit.extract.clock import LocalClock, last_full_timestamp
from readiness.ingest.fit.messages import FIT_EPOCH_OFFSET, FitMessages
from readiness.ingest.options import ReadOptions
from readiness.ingest.physiology import (
    DEFAULT_HR_MAX_BPM,
    DEFAULT_HR_REST_BPM,
    Sex,
    banister_trimp,
    rmssd_ms,
)
from readiness.ingest.schema.tables import SESSIONS

__all__ = ["HrProfile", "hr_profile", "session_columns", "session_duration"]

#: FIT date_time values below 0x10000000 are seconds since device power-up, not UTC instants.
_FIRST_REAL_INSTANT = FIT_EPOCH_OFFSET + 0x10000000

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class HrProfile:
    """Heart-rate anchors (bpm) used for TRIMP, and the defaults that were assumed."""

    rest: float
    max: float
    sex: Sex | None  # None: unknown, the neutral coefficients
    defaults_used: tuple[str, ...]


def _first_valid(values: Any, low: float, high: float) -> float | None:
    if values is None:
        return None
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v >= low) & (v <= high)]
    return float(v[0]) if v.size else None


def hr_profile(msgs: FitMessages, options: ReadOptions) -> HrProfile:
    """Options first, then the file's user_profile/zones_target, then the documented defaults."""
    prof = msgs.messages.get("user_profile", {})
    zones = msgs.messages.get("zones_target", {})
    athlete = options.profile
    used: list[str] = []
    rest = athlete.hr_rest or _first_valid(prof.get("resting_heart_rate"), 25, 120)
    if rest is None:
        rest = DEFAULT_HR_REST_BPM
        used.append(f"resting HR {DEFAULT_HR_REST_BPM:g} bpm")
    hmax = (
        athlete.hr_max
        or _first_valid(prof.get("default_max_heart_rate"), 100, 240)
        or _first_valid(zones.get("max_heart_rate"), 100, 240)
    )
    if hmax is None:
        hmax = DEFAULT_HR_MAX_BPM
        used.append(f"max HR {DEFAULT_HR_MAX_BPM:g} bpm")
    sex: Sex | None = athlete.sex
    if sex is None and prof.get("gender") is not None:
        gender = [g for g in prof["gender"] if g in ("male", "female")]
        sex = "female" if gender and gender[0] == "female" else ("male" if gender else None)
    if sex is None:
        used.append("sex-neutral TRIMP coefficients")
    return HrProfile(rest=float(rest), max=float(hmax), sex=sex, defaults_used=tuple(used))


def _window(t: F64, start: float, end: float) -> slice:
    lo = int(np.searchsorted(t, start, side="left"))
    hi = int(np.searchsorted(t, end, side="right"))
    return slice(lo, hi)


def _in_range(values: F64, column: str) -> npt.NDArray[np.bool_]:
    """True where ``values`` are numbers inside the sessions table's valid range of ``column``."""
    col = SESSIONS[column]
    low = -np.inf if col.low is None else col.low
    high = np.inf if col.high is None else col.high
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & (values >= low) & (values <= high)


def session_duration(elapsed: F64, timer: F64) -> F64:
    """Each session's duration: elapsed time, else timer time, else NaN.

    An elapsed time outside ``duration_s``'s valid range (a corrupt or overflowed field) is
    not a duration: the timer time is kept instead, when it is valid, rather than the session
    losing its duration when the table drops the out-of-range value.
    """
    ok_elapsed = _in_range(elapsed, "duration_s")
    ok_timer = _in_range(timer, "duration_s")
    fallback = np.where(ok_timer | ~np.isfinite(elapsed), timer, elapsed)
    return np.where(ok_elapsed, elapsed, fallback)


def session_columns(
    msgs: FitMessages, clock: LocalClock, options: ReadOptions
) -> tuple[dict[str, object], list[IngestWarning]]:
    """Column arrays for the sessions table (empty dict when the file has no session)."""
    ses = msgs.messages.get("session")
    if not ses:
        return {}, []
    warnings: list[IngestWarning] = []
    n = len(ses["_index"])
    ts = np.asarray(ses["timestamp"], dtype=np.float64)
    elapsed = np.asarray(ses["total_elapsed_time"], dtype=np.float64)
    timer = np.asarray(ses["total_timer_time"], dtype=np.float64)
    start = np.asarray(ses["start_time"], dtype=np.float64).copy()
    duration = session_duration(elapsed, timer)
    start = np.where(np.isfinite(start), start, ts - duration)
    duration = np.where(np.isfinite(duration), duration, ts - start)
    end = np.where(np.isfinite(duration), start + duration, ts)

    rec = msgs.messages.get("record")
    if rec:
        rt = np.asarray(rec["timestamp"], dtype=np.float64)
        rhr = np.asarray(rec["heart_rate"], dtype=np.float64)
        rhr = np.where(rhr > 0, rhr, np.nan)
        ok = np.isfinite(rt)
        order = np.argsort(rt[ok], kind="stable")
        rt, rhr = rt[ok][order], rhr[ok][order]
    else:
        rt = rhr = np.empty(0)

    rr_rows, rr_t = _rr_rows(msgs)
    avg_hr = np.asarray(ses["avg_heart_rate"], dtype=np.float64).copy()
    max_hr = np.asarray(ses["max_heart_rate"], dtype=np.float64).copy()
    trimp = np.full(n, np.nan)
    rmssd = np.full(n, np.nan)
    profile = hr_profile(msgs, options) if np.isfinite(rhr).any() else None
    for i in range(n):
        win = _window(rt, start[i], end[i]) if n > 1 else slice(0, len(rt))
        hr_i, t_i = rhr[win], rt[win]
        have = np.isfinite(hr_i)
        if have.any():
            if not np.isfinite(avg_hr[i]):
                avg_hr[i] = float(np.mean(hr_i[have]))
            if not np.isfinite(max_hr[i]):
                max_hr[i] = float(np.max(hr_i[have]))
            if profile is not None:
                trimp[i] = banister_trimp(
                    t_i, hr_i, hr_rest=profile.rest, hr_max=profile.max, sex=profile.sex
                )
        if rr_rows.size:
            sel = (
                rr_rows
                if n == 1
                else rr_rows[(rr_t >= start[i]) & (rr_t <= end[i]) & np.isfinite(rr_t)]
            )
            rmssd[i] = rmssd_ms(sel)
    if profile is not None and profile.defaults_used and np.isfinite(trimp).any():
        warnings.append(
            IngestWarning(
                file=msgs.file,
                column="trimp",
                message="TRIMP uses documented defaults for " + ", ".join(profile.defaults_used),
            )
        )
    tload = np.asarray(ses["training_load_peak"], dtype=np.float64)
    tss = np.asarray(ses["training_stress_score"], dtype=np.float64)
    sport = [(s or ss or None) for s, ss in zip(ses["sport"], ses["sub_sport"], strict=True)]
    cols: dict[str, object] = {
        "start": start,
        "end": end,
        "date": clock.day(start),
        "sport": np.array([s.lower() if isinstance(s, str) else None for s in sport], object),
        "duration_s": duration,
        "avg_hr_bpm": avg_hr,
        "max_hr_bpm": max_hr,
        "trimp": trimp,
        "vendor_load": np.where(np.isfinite(tload), tload, tss),
        "rmssd_ms": rmssd,
    }
    relative = start < _FIRST_REAL_INSTANT
    if relative.any():
        # FIT date_time values below 0x10000000 are device-relative (no real clock was set):
        # such a session has no calendar date, so it is skipped rather than dated 1990.
        keep = ~relative
        cols = {k: np.asarray(v)[keep] for k, v in cols.items()}
        warnings.append(
            IngestWarning(
                file=msgs.file,
                column="start",
                count=int(relative.sum()),
                message=f"skipped {int(relative.sum())} session(s) with device-relative "
                "timestamps (the device clock was never set)",
            )
        )
    return cols, warnings


def _rr_rows(msgs: FitMessages) -> tuple[F64, F64]:
    """(RR matrix in s, time of each hrv message) — rows in file order."""
    hrv = msgs.messages.get("hrv")
    if not hrv:
        return np.empty((0, 0)), np.empty(0)
    rows = np.asarray(hrv["time"], dtype=np.float64)
    if rows.ndim == 1:
        rows = rows[:, None]
    return rows, last_full_timestamp(msgs, np.asarray(hrv["_index"], dtype=np.int64))
