"""intervals.icu wellness CSV (Wellness page "download CSV", or the API's ``wellness.csv``).

UTF-8 with a BOM, one row per calendar day, **newest first**, the athlete's custom fields
appended after the standard columns (ignored: their names and meaning are user-defined).
The layouts met in practice, all read alike:

* the full download (web page or ``GET /api/v1/athlete/{id}/wellness.csv``): ``date`` first,
  then ``weight, restingHR, hrv, hrvSDNN, …`` and the custom fields (the real sample);
* the API with ``cols=``: ``date`` and only the chosen columns, in the order asked for;
* the API's JSON records written out as CSV (``wellness.json`` → a spreadsheet or script):
  the date is the record's ``id``, and the order is the JSON's (``id, ctl, atl, rampRate,
  ctlLoad, atlLoad, sportInfo, updated, weight, restingHR, …``).

The date column is ``date``, else ``id``, wherever it stands; rows may come in any order.
Column names are matched ignoring case, spaces, underscores and hyphens, so ``restingHR``,
``RestingHR``, ``resting_hr`` and ``Resting HR`` are one column (a file re-saved or renamed by
hand); an exact name wins over a look-alike. Detection needs a date column and at least two
wellness names of which one only intervals.icu writes (``restingHR``, ``hrvSDNN``,
``sleepSecs``, ``ctl``, … — never a column of the generic CSV).

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

__all__ = [
    "DATE_COLUMNS",
    "PROFILE_RUN_DAYS",
    "looks_like_intervals_wellness",
    "read_intervals_wellness",
]

_DEFAULTS = {"source": "intervals", "device": "intervals.icu"}
#: Names only intervals.icu writes (compact form, see :func:`_compact`): one must be present.
_OWN_SIGNS = frozenset(
    {
        "restinghr",
        "hrvsdnn",
        "sleepsecs",
        "avgsleepinghr",
        "kcalconsumed",
        "ctl",
        "atl",
        "ramprate",
        "ctlload",
        "atlload",
        "baevskysi",
        "menstrualphase",
        "hydrationvolume",
        "sportinfo",
    }
)
#: Wellness names other exports share (the generic CSV has ``soreness``, ``steps``, …).
_SHARED_SIGNS = frozenset(
    {"hrv", "sleepquality", "soreness", "fatigue", "stress", "mood", "injury", "steps"}
)
#: Where the date stands: the download's ``date``, else the API record's ``id``.
DATE_COLUMNS = ("date", "id")
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


def _compact(name: str) -> str:
    """A column name reduced to lower-case letters and digits (``Resting HR`` → ``restinghr``)."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def looks_like_intervals_wellness(head: bytes) -> bool:
    """A CSV with a date column and intervals.icu's wellness names (see the module docstring)."""
    names = header_fields(head, ",") or []
    if not set(DATE_COLUMNS) & set(names):
        return False
    compact = {_compact(n) for n in names}
    own = len(_OWN_SIGNS & compact)
    return own >= 1 and own + len(_SHARED_SIGNS & compact) >= 2


def _columns(table: CsvTable, wanted: list[str]) -> dict[str, str]:
    """Each wanted intervals.icu name → the header's spelling of it (itself when absent)."""
    found: dict[str, str] = {}
    for name in wanted:
        if table.has(name):
            found[name] = name
            continue
        alike = [h for h in table.header if _compact(h) == _compact(name)]
        found[name] = alike[0] if alike else name
    return found


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
    day = next((c for c in DATE_COLUMNS if table.has(c)), None)
    if day is None:
        table.require(["date"], "intervals.icu's wellness columns (the date as `date` or `id`)")
    names = ["restingHR", "hrv", "hrvSDNN", "sleepSecs", "steps", "respiration", *CHECKIN_MAP]
    col = _columns(table, names)
    used = [col[c] for c in names if c not in ("steps", "respiration") and table.has(col[c])]
    table.require(
        used or ["restingHR", "hrv", "sleepSecs"], "at least one of intervals.icu's wellness values"
    )
    sleep = table.floats(col["sleepSecs"], zero_is_missing=True)
    frame = pd.DataFrame(
        {
            "date": table.dates(day or "date"),
            "hrv_rmssd_ms": table.floats(col["hrv"], zero_is_missing=True),
            "hrv_sdnn_ms": table.floats(col["hrvSDNN"], zero_is_missing=True),
            "resting_hr_bpm": table.floats(col["restingHR"], zero_is_missing=True),
            "sleep_total_min": [None if s is None else s / 60 for s in sleep],
            "steps": table.floats(col["steps"]),
            "respiratory_rate_bpm": table.floats(col["respiration"], zero_is_missing=True),
            "_raw": [",".join(r) for r in table.rows],
        }
    )
    for column, (target, best_first) in CHECKIN_MAP.items():
        answers = table.floats(col[column])
        frame[target] = [four_to_five(v, best_first=best_first) for v in answers]
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
