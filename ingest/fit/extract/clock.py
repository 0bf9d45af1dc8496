"""Time in FIT files: full timestamps from ``timestamp_16``, and instants → athlete-local days.

Rules (README, "FIT files"):

* A ``timestamp_16`` holds the low 16 bits of the FIT time. It rolls forward from the last full
  ``timestamp`` of any message *before it in file order* (``_index``):
  ``full = last + ((ts16 − last) mod 65536)``.
* Days follow the athlete's timezone: ``ReadOptions.tz``, else the file's own local offset
  (``activity.local_timestamp − timestamp``, ``monitoring_info.local_timestamp − timestamp``,
  ``timestamp_correlation``), else UTC with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from readiness.ingest.findings import IngestWarning
from readiness.ingest.fit.messages import FIT_EPOCH_OFFSET, FitMessages
from readiness.ingest.options import ReadOptions

__all__ = ["LocalClock", "last_full_timestamp", "monitoring_times", "resolve_clock"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: Messages whose local_timestamp − timestamp gives the file's UTC offset, in order of trust.
_OFFSET_SOURCES = ("activity", "monitoring_info", "timestamp_correlation")


@dataclass(frozen=True, slots=True)
class LocalClock:
    """Turns UTC seconds into athlete-local wall-clock seconds (and so local days)."""

    tz: ZoneInfo | None = None
    offset_s: float = 0.0
    source: str = "utc"

    def local(self, utc: F64) -> F64:
        """Local wall-clock seconds ("Unix-like") for UTC seconds; NaN stays NaN."""
        utc = np.asarray(utc, dtype=np.float64)
        if self.tz is None or utc.size == 0:
            return utc + self.offset_s
        finite = utc[np.isfinite(utc)]
        if finite.size == 0:
            return utc.copy()
        lo, hi = self._offset(finite.min()), self._offset(finite.max())
        if lo == hi:  # no DST change inside the file: one offset for all
            return np.asarray(utc + lo, dtype=np.float64)
        hours = np.floor(np.nan_to_num(utc) / 3600.0)
        uniq, inv = np.unique(hours, return_inverse=True)
        offs = np.array([self._offset(h * 3600.0) for h in uniq])
        shifted: F64 = utc + offs[inv.reshape(utc.shape)]
        return shifted

    def _offset(self, utc_s: float) -> float:
        assert self.tz is not None
        moment = datetime.fromtimestamp(float(utc_s), tz=UTC)
        off = moment.astimezone(self.tz).utcoffset() or timedelta(0)
        return off.total_seconds()

    def day(self, utc: F64) -> npt.NDArray[np.datetime64]:
        """Athlete-local calendar day of each instant (NaT for NaN)."""
        loc = self.local(utc)
        out = np.full(loc.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        ok = np.isfinite(loc)
        out[ok] = (np.floor(loc[ok] / 86400.0)).astype(np.int64).astype("datetime64[D]")
        return out


def _file_offset(msgs: FitMessages) -> tuple[float, str] | None:
    for name in _OFFSET_SOURCES:
        cols = msgs.messages.get(name)
        if not cols:
            continue
        diff = cols["local_timestamp"] - cols["timestamp"]
        diff = diff[np.isfinite(diff)]
        # A real UTC offset lies within ±14 h; round to the quarter hour (clock drift).
        diff = diff[np.abs(diff) <= 14 * 3600]
        if diff.size:
            return float(np.round(diff[-1] / 900.0) * 900.0), f"{name}.local_timestamp"
    return None


def resolve_clock(
    msgs: FitMessages, options: ReadOptions
) -> tuple[LocalClock, list[IngestWarning]]:
    """The athlete's clock for this file, and a warning when it had to fall back to UTC."""
    if options.tz is not None:
        return LocalClock(tz=options.tz, source=f"tz {options.tz.key}"), []
    found = _file_offset(msgs)
    if found is not None:
        return LocalClock(offset_s=found[0], source=found[1]), []
    warn = IngestWarning(
        file=msgs.file,
        message=(
            "no timezone given and the file records no local time: days are UTC days "
            "(pass --tz / ReadOptions.tz)"
        ),
    )
    return LocalClock(), [warn]


def _full_timestamps(msgs: FitMessages) -> tuple[I64, F64]:
    """(_index, timestamp) of every decoded message with a full timestamp, in file order."""
    idx_parts: list[I64] = []
    ts_parts: list[F64] = []
    for cols in msgs.messages.values():
        ts = cols.get("timestamp")
        if ts is None:
            continue
        tsf = np.asarray(ts, dtype=np.float64)
        ok = np.isfinite(tsf)
        idx_parts.append(np.asarray(cols["_index"], dtype=np.int64)[ok])
        ts_parts.append(tsf[ok])
    if not idx_parts:
        return np.empty(0, np.int64), np.empty(0, np.float64)
    idx = np.concatenate(idx_parts)
    ts = np.concatenate(ts_parts)
    order = np.argsort(idx, kind="stable")
    return idx[order], ts[order]


def last_full_timestamp(msgs: FitMessages, index: I64) -> F64:
    """For each message position, the last full timestamp written before it (NaN if none)."""
    all_idx, all_ts = _full_timestamps(msgs)
    out = np.full(len(index), np.nan)
    if all_idx.size == 0:
        return out
    pos = np.searchsorted(all_idx, np.asarray(index, dtype=np.int64), side="left") - 1
    ok = pos >= 0
    out[ok] = all_ts[pos[ok]]
    return out


def monitoring_times(msgs: FitMessages) -> F64:
    """Full UTC seconds of every ``monitoring`` message (``timestamp_16`` rolled forward)."""
    cols = msgs.messages["monitoring"]
    ts = np.asarray(cols["timestamp"], dtype=np.float64).copy()
    t16 = np.asarray(cols["timestamp_16"], dtype=np.float64)
    need = ~np.isfinite(ts) & np.isfinite(t16)
    if need.any():
        base = last_full_timestamp(msgs, np.asarray(cols["_index"], dtype=np.int64)[need])
        ok = np.isfinite(base)
        # Work in FIT seconds so the 16-bit field lines up with the low bits of the base.
        base_fit = base[ok] - FIT_EPOCH_OFFSET
        delta = np.mod(t16[need][ok] - base_fit, 65536.0)
        filled = np.full(int(need.sum()), np.nan)
        filled[ok] = base[ok] + delta
        ts[need] = filled
    return ts
