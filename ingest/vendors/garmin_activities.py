"""Garmin Connect ``Activities.csv`` (web → Activities → Export CSV) → ``sessions``.

The header is translated into the account's language and its column set changes with the
sports listed and the Connect version, so columns are found by name through alias tables
(English, Danish, Polish, Portuguese, Hungarian as seen in real exports), never by position.
Values: ``--`` / ``--:--:--`` mean missing, durations are ``hh:mm:ss`` (optionally with
fractions), numbers may carry thousands separators (``"1,200"``). ``Date`` is the naive local
start time: instants use ``ReadOptions.tz`` (else UTC, with a warning); the session's ``date``
is the local date as written. ``Training Stress Score®`` of ``0.0`` is Garmin's placeholder for
"no power meter" and is read as missing; a positive one becomes ``vendor_load``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import BinaryIO

import pandas as pd
from readiness.ingest.errors import SchemaError
from readiness.ingest.findings import IngestWarning
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult
from readiness.ingest.schema.tables import SESSIONS, normalize
from readiness.ingest.vendors.strict_csv import header_fields, parse_csv
from readiness.ingest.vendors.timestamps import local_to_utc, plausible

__all__ = [
    "HEADER_ALIASES",
    "looks_like_garmin_activities",
    "parse_duration",
    "parse_number",
    "read_garmin_activities",
]

#: Canonical field → header names seen per language (lower-cased, stripped).
HEADER_ALIASES: Mapping[str, tuple[str, ...]] = {
    "type": (
        "activity type",
        "aktivitetstype",
        "typ aktywności",
        "tipo de atividade",
        "tevékenység típusa",
    ),
    "date": ("date", "dato", "data", "dátum"),
    "time": ("time", "tid", "czas", "tempo", "idő"),
    "elapsed": ("elapsed time", "duração"),
    "avg_hr": (
        "avg hr",
        "gennemsnitlig puls",
        "średnie tętno",
        "fc média",
        "átlagos pulzusszám",
    ),
    "max_hr": ("max hr", "maks. puls", "maksymalne tętno", "fc máxima", "max. pulzus"),
    "tss": ("training stress score®", "training stress score® (tss®)"),
}
_REQUIRED = ("type", "date")
_MISSING = frozenset({"", "--", "--:--", "--:--:--", "—"})
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d{1,2}$")
_EXPECTED = "a Garmin Connect Activities.csv header (Activity Type, Date, …)"
_START = "%Y-%m-%d %H:%M:%S"


def _canonical(header: Sequence[str]) -> dict[str, int]:
    """Canonical field → first column index carrying one of its aliases."""
    found: dict[str, int] = {}
    lowered = [h.strip().lower() for h in header]
    for key, aliases in HEADER_ALIASES.items():
        for i, h in enumerate(lowered):
            if h in aliases:
                found[key] = i
                break
    return found


def looks_like_garmin_activities(head: bytes) -> bool:
    """The header names an activity type and a date column, plus a duration or Garmin's TSS®."""
    header = header_fields(head) or []
    if len(header) < 4:
        return False
    found = _canonical(header)
    return "type" in found and "date" in found and bool({"time", "avg_hr", "tss"} & set(found))


def parse_number(text: str | None) -> float | None:
    """``"1,079"`` → 1079, ``"2,94"`` → 2.94 (old European exports), ``--`` → None."""
    if text is None:
        return None
    t = text.strip()
    if t in _MISSING:
        return None
    if _THOUSANDS.match(t):
        t = t.replace(",", "")
    elif _DECIMAL_COMMA.match(t):
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None  # "inf", "nan", "1e309" are no numbers here


def parse_duration(text: str | None) -> float | None:
    """``hh:mm:ss``, ``mm:ss`` or ``hh:mm:ss.s`` → seconds; ``--:--:--`` → None."""
    if text is None:
        return None
    t = text.strip()
    if t in _MISSING or "--" in t:
        return None
    parts = t.split(":")
    if not 1 <= len(parts) <= 3:
        return None
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return None
    seconds = 0.0
    for v in values:
        seconds = seconds * 60 + v
    return seconds if math.isfinite(seconds) else None


def read_garmin_activities(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Read a Garmin Connect activity list (see the module docstring)."""
    table = parse_csv(stream.read(), name)
    header = table.header
    found = _canonical(header)
    missing = [k for k in _REQUIRED if k not in found]
    if missing or not ({"time", "elapsed"} & set(found)):
        need = missing or ["time"]
        raise SchemaError(
            name,
            f"the header lacks the {', '.join(HEADER_ALIASES[k][0] for k in need)!s} column(s)",
            line=1,
            column=HEADER_ALIASES[need[0]][0],
            expected=_EXPECTED,
        )
    starts = plausible(
        pd.to_datetime(table.cells(header[found["date"]]), format=_START, errors="coerce")
    )
    table.check(header[found["date"]], starts.notna(), "YYYY-MM-DD HH:MM:SS")
    records = []
    for row, start in zip(table.rows, starts, strict=True):
        elapsed = parse_duration(row[found["elapsed"]]) if "elapsed" in found else None
        timer = parse_duration(row[found["time"]]) if "time" in found else None
        tss = parse_number(row[found["tss"]]) if "tss" in found else None
        records.append(
            {
                "local_start": start,
                "sport": row[found["type"]].strip().lower() or None,
                "duration_s": elapsed if elapsed else timer,
                "avg_hr_bpm": parse_number(row[found["avg_hr"]]) if "avg_hr" in found else None,
                "max_hr_bpm": parse_number(row[found["max_hr"]]) if "max_hr" in found else None,
                "vendor_load": tss if tss else None,
            }
        )
    warnings: list[IngestWarning] = []
    frame = pd.DataFrame(records)
    frame = frame.drop_duplicates(subset=["local_start", "sport"]).reset_index(drop=True)
    local = pd.to_datetime(frame.pop("local_start"))
    frame["start"] = local_to_utc(local, options.tz)
    frame["end"] = frame["start"] + pd.to_timedelta(frame["duration_s"], unit="s", errors="coerce")
    frame["date"] = local.dt.normalize()
    if options.tz is None:
        warnings.append(
            IngestWarning(name, "no timezone given (--tz): local start times read as UTC")
        )
    defaults = {"source": "garmin", "device": "garmin connect"}
    sessions, w = normalize(SESSIONS, frame, file=name, defaults=defaults)
    return IngestResult(sessions=sessions, warnings=(*warnings, *w))
