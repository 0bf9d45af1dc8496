"""intervals.icu wellness CSV (Wellness page "download CSV", or the API's ``wellness.csv``).

UTF-8 with a BOM, one row per calendar day, **newest first**, the athlete's custom fields
appended after the standard columns (ignored: their names and meaning are user-defined).

``daily``: ``hrv`` (RMSSD, ms) → ``hrv_rmssd_ms``; ``hrvSDNN`` → ``hrv_sdnn_ms`` (never mixed);
``hrv_context`` stays empty because intervals.icu stores whatever the syncing device sent
(nocturnal from a watch or ring, or a morning spot check); ``restingHR``; ``sleepSecs`` (s);
``steps``; ``respiration``. ``restingHR`` repeated unchanged on 7 or more consecutive recorded
days is the athlete-profile value intervals.icu copies onto activity days, not a measurement
(the real sample has 58 bpm on ~3,300 days since 2011): those values are dropped with a warning.
``sleepScore`` and ``readiness`` are on whatever scale the device used (0–10 and 0–100 both
occur) and are not imported.

``checkins``: intervals.icu's wellness answers are 1–4 codes. Mapped linearly onto 1–5
(``1 + (v-1)·4/3``) where the direction already matches the schema — ``soreness``, ``fatigue``,
``stress`` (1 = low … 4 = extreme) and ``injury`` → ``pain`` (1 = none … 4 = injured) — and
reversed (``5 - (v-1)·4/3``) where intervals.icu puts the best first: ``mood`` (1 = great …
4 = grumpy) and ``sleepQuality`` (1 = great … 4 = poor).
"""

from __future__ import annotations

from typing import BinaryIO

import pandas as pd
from readiness.ingest.findings import IngestWarning
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult
from readiness.ingest.schema.tables import CHECKINS, DAILY, normalize
from readiness.ingest.vendors.strict_csv import CsvTable, header_fields, one_per_key, parse_csv

__all__ = ["PROFILE_RUN_DAYS", "looks_like_intervals_wellness", "read_intervals_wellness"]

_DEFAULTS = {"source": "intervals", "device": "intervals.icu"}
_SIGNS = {
    "restinghr",
    "hrv",
    "hrvsdnn",
    "sleepsecs",
    "sleepquality",
    "soreness",
    "fatigue",
    "ctl",
    "atl",
    "ramprate",
    "ctlload",
    "atlload",
    "avgsleepinghr",
    "kcalconsumed",
}
#: A ``restingHR`` value unchanged over this many consecutive recorded days is a profile default.
PROFILE_RUN_DAYS = 7
#: intervals.icu 1–4 answer columns → (schema column, True when 1 is the best answer).
CHECKIN_MAP: dict[str, tuple[str, bool]] = {
    "soreness": ("soreness", False),
    "fatigue": ("fatigue", False),
    "stress": ("stress", False),
    "injury": ("pain", False),
    "mood": ("mood", True),
    "sleepQuality": ("sleep_quality", True),
}


def looks_like_intervals_wellness(head: bytes) -> bool:
    """A CSV whose first column is ``date`` and that has intervals.icu's camelCase names."""
    names = header_fields(head, ",") or [""]
    return names[0] == "date" and len(_SIGNS & set(names)) >= 3


def four_to_five(value: float | None, *, best_first: bool) -> float | None:
    """An intervals.icu 1–4 answer on the schema's 1–5 scale (see the module docstring)."""
    if value is None:
        return None
    step = (value - 1.0) * 4.0 / 3.0
    return 5.0 - step if best_first else 1.0 + step


def read_intervals_wellness(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Read an intervals.icu wellness CSV into ``daily`` and ``checkins``."""
    del options  # one row per local calendar date; no instants
    table = parse_csv(stream.read(), name, ",")
    table.require(["date"], "intervals.icu's wellness columns")
    used = [c for c in ("restingHR", "hrv", "hrvSDNN", "sleepSecs", *CHECKIN_MAP) if table.has(c)]
    table.require(
        used or ["restingHR", "hrv", "sleepSecs"], "at least one of intervals.icu's wellness values"
    )
    sleep = table.floats("sleepSecs", zero_is_missing=True)
    frame = pd.DataFrame(
        {
            "date": table.dates("date"),
            "hrv_rmssd_ms": table.floats("hrv", zero_is_missing=True),
            "hrv_sdnn_ms": table.floats("hrvSDNN", zero_is_missing=True),
            "resting_hr_bpm": table.floats("restingHR", zero_is_missing=True),
            "sleep_total_min": [None if s is None else s / 60 for s in sleep],
            "steps": table.floats("steps"),
            "respiratory_rate_bpm": table.floats("respiration", zero_is_missing=True),
            "_raw": [",".join(r) for r in table.rows],
        }
    )
    for column, (target, best_first) in CHECKIN_MAP.items():
        frame[target] = [four_to_five(v, best_first=best_first) for v in table.floats(column)]
    frame = one_per_key(frame, "date", [("_raw", True)]).drop(columns=["_raw"])
    warnings = _drop_profile_rhr(frame, table)
    daily_cols = [
        "hrv_rmssd_ms",
        "hrv_sdnn_ms",
        "resting_hr_bpm",
        "sleep_total_min",
        "steps",
        "respiratory_rate_bpm",
    ]
    check_cols = [target for target, _ in CHECKIN_MAP.values()]
    daily_rows = frame.loc[frame[daily_cols].notna().any(axis=1), ["date", *daily_cols]]
    check_rows = frame.loc[frame[check_cols].notna().any(axis=1), ["date", *check_cols]]
    daily, w1 = normalize(DAILY, daily_rows, file=name, defaults=_DEFAULTS)
    checkins, w2 = normalize(CHECKINS, check_rows, file=name, defaults=_DEFAULTS)
    return IngestResult(daily=daily, checkins=checkins, warnings=tuple(warnings + w1 + w2))


def _drop_profile_rhr(frame: pd.DataFrame, table: CsvTable) -> list[IngestWarning]:
    """Blank ``restingHR`` runs of one value over :data:`PROFILE_RUN_DAYS`+ recorded days."""
    rhr = frame["resting_hr_bpm"].dropna()  # frame is sorted by date
    if rhr.empty:
        return []
    run_id = (rhr != rhr.shift()).cumsum()
    sizes = run_id.map(run_id.value_counts())
    stale = sizes.index[sizes >= PROFILE_RUN_DAYS]
    if len(stale) == 0:
        return []
    frame.loc[stale, "resting_hr_bpm"] = None
    return [
        IngestWarning(
            table.file,
            f"dropped {len(stale)} restingHR value(s) repeated unchanged on "
            f"{PROFILE_RUN_DAYS}+ consecutive days (a profile default, not a measurement)",
            column="restingHR",
            count=len(stale),
        )
    ]
