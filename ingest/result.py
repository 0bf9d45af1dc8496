"""What every reader returns, and how results from several files combine into one timeline."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from readiness.ingest.findings import IngestWarning
from readiness.ingest.schema.tables import (
    CHECKINS,
    DAILY,
    SESSIONS,
    Table,
    empty,
)

__all__ = ["SOURCE_PRIORITY", "IngestResult", "merge"]

#: Per-source precedence when two sources report the same day (lower wins). A nocturnal
#: measurement from a ring, strap or watch wins over a morning spot check; within a kind, the
#: first listed wins. Documented in the README ("Combining sources").
SOURCE_PRIORITY: dict[str, int] = {
    "csv": 0,  # what the athlete typed by hand wins
    "oura": 10,
    "whoop": 11,
    "fit": 12,
    "garmin": 13,
    "fitbit": 14,
    "apple": 15,
    "intervals": 20,
    "hrv4training": 21,
}
_DEFAULT_PRIORITY = 50


@dataclass(frozen=True)
class IngestResult:
    """The three tables read from one or more files, plus what was skipped.

    ``formats`` names the format of each file read into it, in reading order (the registry's
    names: ``"fit"``, ``"generic_csv"``, ``"zip"``, …; an archive is one file, named ``"zip"``).
    The reader sets it; :func:`merge` keeps every result's formats.
    """

    daily: pd.DataFrame = field(default_factory=lambda: empty(DAILY))
    sessions: pd.DataFrame = field(default_factory=lambda: empty(SESSIONS))
    checkins: pd.DataFrame = field(default_factory=lambda: empty(CHECKINS))
    warnings: tuple[IngestWarning, ...] = ()
    formats: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return bool(self.daily.empty and self.sessions.empty and self.checkins.empty)

    @property
    def format(self) -> str | None:
        """The format of the file, when the result is one file's (else ``None``)."""
        return self.formats[0] if len(self.formats) == 1 else None


def _priority(frame: pd.DataFrame) -> pd.Series:
    src = frame["source"].astype("string").fillna("")
    prio = src.map(lambda s: SOURCE_PRIORITY.get(str(s), _DEFAULT_PRIORITY)).astype("int64")
    if "hrv_context" in frame:
        # A morning spot check never outranks a nocturnal reading of the same night.
        prio = (
            prio
            + (frame["hrv_context"].astype("string") == "morning").fillna(False).astype("int64")
            * 100
        )
    return prio


#: Day totals that partial files of one device add up to (Garmin writes several monitoring
#: files a day, each with the running totals so far): within one source and device the largest
#: value of the day is kept, whatever order the files were read in.
DAY_TOTALS = (
    "steps",
    "active_min",
    "sedentary_min",
    "longest_sedentary_bout_min",
    "monitoring_coverage_min",
)


def _largest_day_totals(rows: pd.DataFrame) -> pd.DataFrame:
    key = [rows["date"], rows["source"].fillna(""), rows["device"].fillna("")]
    out = rows.copy()
    for col in DAY_TOTALS:
        out[col] = rows.groupby(key, sort=False)[col].transform("max")
    return out


def _by_content(rows: pd.DataFrame, table: Table, first: list[str]) -> pd.DataFrame:
    """``rows`` sorted by ``first``, ties broken by the schema's columns (missing values last).

    Every order the rows arrived in gives the same result, so when two rows of equal rank
    disagree the one kept never depends on which file was read (or uploaded) first.
    """
    rest = [c for c in table.names if c not in first and c in rows.columns]
    return rows.sort_values([*first, *rest], kind="stable", na_position="last")


def _combine_daily(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One row per date; per column, the highest-priority source that has a value wins.

    ``source`` and ``device`` describe where that day's HRV came from (or, with no HRV, the
    highest-priority source), because scoring segments HRV baselines by device and metric.
    """
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty(DAILY)
    allrows = _largest_day_totals(pd.concat(frames, ignore_index=True))
    allrows["_prio"] = _priority(allrows)
    has_hrv = allrows["hrv_rmssd_ms"].notna() | allrows["hrv_sdnn_ms"].notna()
    allrows["_hrv_first"] = (~has_hrv).astype("int64")
    allrows = _by_content(allrows, DAILY, ["date", "_prio", "source", "device"])
    values = allrows.drop(columns=["source", "device", "_hrv_first"]).groupby("date", sort=True)
    merged = values.first()  # first non-null per column, in priority order
    # HRV columns travel together: take them from one row so RMSSD and context never mix.
    hrv_cols = ["hrv_rmssd_ms", "hrv_sdnn_ms", "hrv_context"]
    prov = allrows.sort_values(["date", "_hrv_first", "_prio"], kind="stable").groupby(
        "date", sort=True
    )
    head = prov.head(1).set_index("date")
    merged[hrv_cols] = head[hrv_cols]
    merged["source"] = head["source"]
    merged["device"] = head["device"]
    merged = merged.drop(columns=["_prio"]).reset_index()
    return _order(DAILY, merged)


def _order(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    cols = table.names + [c for c in frame.columns if c not in table.names]
    out = frame.reindex(columns=cols)
    for c in table.columns:
        out[c.name] = out[c.name].astype(c.dtype)
    return out.sort_values(table.key, kind="stable").reset_index(drop=True)


def _combine_sessions(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty(SESSIONS)
    allrows = _by_content(pd.concat(frames, ignore_index=True), SESSIONS, ["start"])
    # The same workout recorded twice (same start to the second, same source) is one workout.
    allrows = allrows.drop_duplicates(subset=["start", "source", "device"], keep="first")
    allrows = _drop_cross_source_duplicates(allrows)
    return _order(SESSIONS, allrows)


#: Sessions of different sources starting within this many seconds of each other, with
#: durations within :data:`SAME_SESSION_DURATION` (or unknown), are one workout recorded twice
#: (a FIT file and Garmin's Activities.csv, a watch workout copied into Apple Health, …); the
#: highest-ranked source keeps it.
SAME_SESSION_S = 120
SAME_SESSION_DURATION = 0.10


def _drop_cross_source_duplicates(rows: pd.DataFrame) -> pd.DataFrame:
    if rows["source"].nunique(dropna=False) < 2:
        return rows
    ranked = rows.assign(_prio=_priority(rows)).sort_values(
        ["_prio", "source", "device", "start"], kind="stable", na_position="last"
    )
    epoch = pd.Timestamp(0, tz="UTC")
    starts = (ranked["start"] - epoch).dt.total_seconds().round().astype("int64").to_numpy()
    durations = ranked["duration_s"].to_numpy(dtype="float64", na_value=float("nan"))
    sources = ranked["source"].astype("string").fillna("").tolist()
    kept_starts: list[int] = []
    kept: list[tuple[float, str]] = []
    keep = []
    for start, duration, source in zip(starts.tolist(), durations.tolist(), sources, strict=True):
        lo = bisect.bisect_left(kept_starts, start - SAME_SESSION_S)
        hi = bisect.bisect_right(kept_starts, start + SAME_SESSION_S)
        duplicate = any(
            kept[i][1] != source and _similar(duration, kept[i][0]) for i in range(lo, hi)
        )
        keep.append(not duplicate)
        if not duplicate:
            at = bisect.bisect_right(kept_starts, start)
            kept_starts.insert(at, start)
            kept.insert(at, (duration, source))
    return ranked.loc[keep].drop(columns=["_prio"])


def _similar(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return True
    return abs(a - b) <= SAME_SESSION_DURATION * max(a, b)


def _combine_checkins(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty(CHECKINS)
    allrows = pd.concat(frames, ignore_index=True)
    allrows["_prio"] = _priority(allrows)
    allrows = _by_content(allrows, CHECKINS, ["date", "_prio", "source"])
    merged = allrows.groupby("date", sort=True).first().drop(columns=["_prio"]).reset_index()
    return _order(CHECKINS, merged)


def merge(results: Iterable[IngestResult]) -> IngestResult:
    """Combine several files' results into one timeline without duplicates.

    Merging is idempotent and independent of order: merging a result with itself, or the
    results (or their rows) in any other order, gives the same tables. Source rank decides
    between sources; rows of equal rank are ordered by their content (source, device, then
    the values), never by arrival.
    """
    items = list(results)
    return IngestResult(
        daily=_combine_daily([r.daily for r in items]),
        sessions=_combine_sessions([r.sessions for r in items]),
        checkins=_combine_checkins([r.checkins for r in items]),
        warnings=tuple(w for r in items for w in r.warnings),
        formats=tuple(f for r in items for f in r.formats),
    )
