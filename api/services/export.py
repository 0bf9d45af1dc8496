"""Your data as a zip of CSV files, with a README describing every column.

The zip holds ``daily.csv``, ``sessions.csv`` and ``checkins.csv`` (the merged timeline, in the
columns of the nomenclature tables of :mod:`readiness.ingest` — readiness's own CSV import
format, so the files can be read again), ``feedback.csv``, ``readiness.csv`` (one row per
stored day, the day object flattened), ``readiness.jsonl`` (the same days, each full object on
one line), ``uploads.csv`` (the files you sent) and ``README.md``. Rows are read from the
database a chunk at a time and written straight into the zip, which is spooled to a temporary
file past :data:`MEMORY_BYTES`: memory stays bounded whatever the history.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from readiness.api.services.readiness import local_today
from readiness.api.storage.frames import ROW_CLASSES, listing_order, rows_frame
from readiness.api.storage.models import Athlete, Feedback, ReadinessRow, Upload
from readiness.api.storage.repositories import stream_rows
from readiness.api.storage.unit_of_work import UnitOfWork
from readiness.ingest import CHECKINS, DAILY, SESSIONS, Table, describe, to_records

__all__ = [
    "FEEDBACK_COLUMNS",
    "MEMORY_BYTES",
    "READINESS_COLUMNS",
    "UPLOAD_COLUMNS",
    "ExportColumn",
    "export_filename",
    "write_export",
]

#: The zip is kept in memory up to this size, then in a temporary file.
MEMORY_BYTES = 8 * 1024 * 1024
#: Rows read from the database at a time.
CHUNK_ROWS = 1000


@dataclass(frozen=True, slots=True)
class ExportColumn:
    """One column of an exported file that is not one of the ingest tables: its name, unit,
    meaning, and how its value is taken from the stored object."""

    name: str
    unit: str
    meaning: str
    value: Callable[[Any], Any]


def _at(*path: str) -> Callable[[Any], Any]:
    """The value at ``path`` in a nested dict (``None`` where a level is missing)."""

    def get(obj: Any) -> Any:
        for key in path:
            if not isinstance(obj, dict):
                return None
            obj = obj.get(key)
        return obj

    return get


def _joined(*path: str) -> Callable[[Any], Any]:
    get = _at(*path)

    def join(obj: Any) -> Any:
        items = get(obj)
        return " | ".join(str(i) for i in items) if isinstance(items, list) else None

    return join


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda row: getattr(row, name)


_STRESS = "nervous_system_stress"
_STIFF = "physical_stiffness"

READINESS_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("date", "–", "Your local calendar day", _at("date")),
    ExportColumn(
        "action",
        "–",
        "The recommended action (e.g. `relaxation_massage`)",
        _at("recommendation", "action"),
    ),
    ExportColumn(
        "rule", "–", "The decision rule or gate that chose it", _at("recommendation", "rule")
    ),
    ExportColumn(
        "reasons",
        "–",
        "Why, in words (several separated by ` \\| `)",
        _joined("recommendation", "reasons"),
    ),
    ExportColumn(
        "stress_score",
        "0–100",
        "Nervous-system stress (empty: not computed, see the JSON)",
        _at(_STRESS, "score"),
    ),
    ExportColumn("stress_band", "–", "`settled`, `elevated` or `guarded`", _at(_STRESS, "band")),
    ExportColumn(
        "stress_confidence",
        "0–1",
        "How much data the stress score rests on",
        _at(_STRESS, "confidence"),
    ),
    ExportColumn(
        "stress_confidence_level",
        "–",
        "The same in words (`Low`, `Medium`, `High`)",
        _at(_STRESS, "confidence_level"),
    ),
    ExportColumn(
        "stress_pattern",
        "–",
        "The pattern label, e.g. `guarded-sympathetic`",
        _at(_STRESS, "pattern"),
    ),
    ExportColumn(
        "stiffness_score", "0–100", "Physical stiffness (empty: not computed)", _at(_STIFF, "score")
    ),
    ExportColumn("stiffness_band", "–", "`settled`, `elevated` or `guarded`", _at(_STIFF, "band")),
    ExportColumn("stiffness_type", "–", "`load` (training) or `inactivity`", _at(_STIFF, "type")),
    ExportColumn(
        "stiffness_confidence",
        "0–1",
        "How much data the stiffness score rests on",
        _at(_STIFF, "confidence"),
    ),
    ExportColumn(
        "stiffness_confidence_level", "–", "The same in words", _at(_STIFF, "confidence_level")
    ),
    ExportColumn(
        "warmth_score",
        "0–100",
        "Warmth at the end of the day (100 = just moved)",
        _at("warmth", "score"),
    ),
    ExportColumn("warmth_band", "–", "Warmth in words, e.g. `cold`", _at("warmth", "band")),
    ExportColumn(
        "minutes_since_activity",
        "min",
        "Minutes since your last moderate bout of 10 minutes or more",
        _at("warmth", "minutes_since_activity"),
    ),
    ExportColumn(
        "calibration_state",
        "–",
        "How far your personal baseline is built",
        _at("calibration", "state"),
    ),
    ExportColumn(
        "valid_nights",
        "nights",
        "Nights of data your baseline rests on",
        _at("calibration", "valid_nights"),
    ),
)

FEEDBACK_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("date", "–", "The day the action was taken (local calendar)", _attr("date")),
    ExportColumn("action", "–", "The action rated", _attr("action")),
    ExportColumn("helped", "1–5", "How much it helped: 1 not at all … 5 a lot", _attr("helped")),
    ExportColumn("note", "–", "Your note", _attr("note")),
    ExportColumn("created", "UTC", "When you gave the rating", _attr("created")),
)

UPLOAD_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("id", "–", "The upload's id (`DELETE /v1/uploads/{id}` removes it)", _attr("id")),
    ExportColumn("filename", "–", "The file name it was sent as", _attr("filename")),
    ExportColumn("sha256", "–", "SHA-256 of the file's bytes", _attr("sha256")),
    ExportColumn("bytes", "bytes", "Size of the file", _attr("bytes")),
    ExportColumn("format", "–", "The format it was read as", _attr("format")),
    ExportColumn("status", "–", "`queued`, `processing`, `done` or `failed`", _attr("status")),
    ExportColumn("days", "rows", "Daily rows the file gave", _attr("days")),
    ExportColumn("sessions", "rows", "Workouts the file gave", _attr("sessions")),
    ExportColumn("checkins", "rows", "Check-ins the file gave", _attr("checkins")),
    ExportColumn("created", "UTC", "When it was uploaded", _attr("created")),
    ExportColumn("finished", "UTC", "When reading it ended", _attr("finished")),
)


def _cell(value: Any) -> str:
    """A CSV cell: empty when missing, ``true``/``false``, dates ``YYYY-MM-DD``, instants ISO
    8601 UTC."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@contextmanager
def _csv(zf: zipfile.ZipFile, name: str, header: list[str]) -> Iterator[Any]:
    """A CSV writer into the zip member ``name``, its header written."""
    with zf.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        yield writer


def _write_table(zf: zipfile.ZipFile, work: UnitOfWork, athlete_id: int, table: Table) -> int:
    cls = ROW_CLASSES[table.name]
    n = 0
    with _csv(zf, f"{table.name}.csv", table.names) as writer:
        for chunk in stream_rows(
            work.session,
            cls,
            (cls.athlete_id == athlete_id,),
            (listing_order(cls),),
            chunk=CHUNK_ROWS,
        ):
            for rec in to_records(table, rows_frame(table, chunk)):
                writer.writerow([_cell(rec[c]) for c in table.names])
                n += 1
    return n


def _write_columns(
    zf: zipfile.ZipFile, name: str, columns: tuple[ExportColumn, ...], rows: Iterator[Any]
) -> int:
    n = 0
    with _csv(zf, name, [c.name for c in columns]) as writer:
        for row in rows:
            writer.writerow([_cell(c.value(row)) for c in columns])
            n += 1
    return n


def _rows(work: UnitOfWork, cls: Any, athlete_id: int, order: Any) -> Iterator[Any]:
    for chunk in stream_rows(
        work.session, cls, (cls.athlete_id == athlete_id,), order, chunk=CHUNK_ROWS
    ):
        yield from chunk


def _days(work: UnitOfWork, athlete_id: int) -> Iterator[dict[str, Any]]:
    for row in _rows(work, ReadinessRow, athlete_id, (ReadinessRow.date,)):
        yield row.data


def export_filename(athlete: Athlete, now: datetime) -> str:
    """The zip's file name, with the athlete's local day at ``now``, e.g.
    ``readiness-export-athlete-3-2026-06-01.zip``."""
    return f"readiness-export-athlete-{athlete.id}-{local_today(athlete, now).isoformat()}.zip"


def write_export(work: UnitOfWork, athlete: Athlete, *, now: datetime) -> IO[bytes]:
    """Everything stored for the athlete as a zip (see the module docstring), in a temporary
    file positioned at its start; the caller closes it. On PostgreSQL all files are read from
    one snapshot of the database, so they agree with each other even while new data arrives."""
    work.snapshot()
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=MEMORY_BYTES)  # noqa: SIM115
    try:
        counts: dict[str, int] = {}
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for table in (DAILY, SESSIONS, CHECKINS):
                counts[f"{table.name}.csv"] = _write_table(zf, work, athlete.id, table)
            counts["feedback.csv"] = _write_columns(
                zf,
                "feedback.csv",
                FEEDBACK_COLUMNS,
                _rows(work, Feedback, athlete.id, (Feedback.date, Feedback.action)),
            )
            counts["readiness.csv"] = _write_columns(
                zf, "readiness.csv", READINESS_COLUMNS, _days(work, athlete.id)
            )
            with zf.open("readiness.jsonl", "w") as raw:
                n = 0
                for day in _days(work, athlete.id):
                    raw.write(json.dumps(day, ensure_ascii=False).encode("utf-8") + b"\n")
                    n += 1
                counts["readiness.jsonl"] = n
            counts["uploads.csv"] = _write_columns(
                zf,
                "uploads.csv",
                UPLOAD_COLUMNS,
                _rows(work, Upload, athlete.id, (Upload.created, Upload.id)),
            )
            zf.writestr("README.md", readme(athlete, now, counts))
        out.seek(0)
        return out
    except BaseException:
        out.close()
        raise


_FILES = {
    "daily.csv": "the daily table: one row per local day (nights go to the wake date)",
    "sessions.csv": "your workouts, by start",
    "checkins.csv": "how you said you felt, one row per day",
    "feedback.csv": "your “did it help?” ratings",
    "readiness.csv": "the daily call, one row per stored day (see below)",
    "readiness.jsonl": "the same days, each full day object (every reason and contributor) a line",
    "uploads.csv": "the files you uploaded",
}


def _column_table(columns: tuple[ExportColumn, ...]) -> list[str]:
    lines = ["| column | unit | meaning |", "|---|---|---|"]
    lines += [f"| `{c.name}` | {c.unit} | {c.meaning} |" for c in columns]
    return [*lines, ""]


def readme(athlete: Athlete, now: datetime, counts: dict[str, int]) -> str:
    """The export's README: what each file holds, how many rows, and every column."""
    lines = [
        "# Your readiness data",
        "",
        f"Exported {now.strftime('%Y-%m-%dT%H:%M:%SZ')} for athlete {athlete.id} "
        f"({athlete.name}, timezone {athlete.timezone}). Not medical advice.",
        "",
        "| file | rows | what it holds |",
        "|---|---|---|",
        *(f"| `{name}` | {counts.get(name, 0)} | {what} |" for name, what in _FILES.items()),
        "",
        "CSV files are UTF-8, comma-separated, with a header row. An empty cell is a missing "
        "value (never zero). Days (`date`) are your local calendar dates, `YYYY-MM-DD`; instants "
        "are ISO 8601 in UTC (`2026-03-01T06:30:00Z`); yes/no values are `true`/`false`. "
        "`daily.csv`, `sessions.csv` and `checkins.csv` use the column names of readiness's own "
        "CSV import format, so they can be imported again.",
        "",
        "## The tables",
        "",
    ]
    lines += [describe((DAILY, SESSIONS, CHECKINS)).replace("#### ", "### "), ""]
    lines += ["### `feedback.csv`", "", *_column_table(FEEDBACK_COLUMNS)]
    lines += [
        "### `readiness.csv`",
        "",
        "One row per stored day: the days from your first day with data, at most the last two "
        "years (older days are scored when asked, not stored). Warmth is evaluated at the end "
        "of each day. The full day object — contributors, notes, evidence — is in "
        "`readiness.jsonl`.",
        "",
        *_column_table(READINESS_COLUMNS),
    ]
    lines += ["### `uploads.csv`", "", *_column_table(UPLOAD_COLUMNS)]
    return "\n".join(lines)
