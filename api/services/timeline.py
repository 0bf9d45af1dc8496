"""The athlete's stored timeline: pages of its ``daily``, ``sessions`` and ``checkins`` tables,
the check-ins they record themselves (merged field by field with the files' answers), which days
such an entry may be for, and why a day has no readiness."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from readiness.api.services.errors import InvalidInputError, MissingError
from readiness.api.services.readiness import changed_since, changing, local_today
from readiness.api.storage.frames import ROW_CLASSES, listing_order, rows_frame
from readiness.api.storage.models import Athlete, CheckinRow
from readiness.api.storage.repositories import page_rows, upsert_checkin
from readiness.api.storage.unit_of_work import UnitOfWork
from readiness.ingest import CHECKINS, Table, to_records

__all__ = [
    "EARLIEST_DAY",
    "check_entry_day",
    "checkin_of",
    "record_checkin",
    "table_page",
]

#: The earliest day the service accepts a check-in or feedback for.
EARLIEST_DAY = date(1990, 1, 1)


def check_entry_day(athlete: Athlete, day: date, now: datetime) -> None:
    """A check-in or feedback date must be a real day of the athlete: not before 1990 and not
    after their local tomorrow at ``now`` (``InvalidInputError`` otherwise)."""
    today = local_today(athlete, now)
    if day < EARLIEST_DAY or day > today + timedelta(days=1):
        raise InvalidInputError(
            f"the date must be between {EARLIEST_DAY} and {today + timedelta(days=1)}",
            date=day,
        )


def table_page(
    work: UnitOfWork,
    athlete_id: int,
    table: Table,
    start: date,
    end: date,
    *,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of ``table``'s rows of the athlete dated ``start``–``end``, as JSON rows (in
    listing order), and how many there are."""
    cls = ROW_CLASSES[table.name]
    rows, count = page_rows(
        work.session,
        cls,
        (cls.athlete_id == athlete_id, cls.date >= start, cls.date <= end),
        (listing_order(cls),),
        limit=limit,
        offset=offset,
    )
    frame = rows_frame(table, rows).drop(columns=["upload_id"])
    return to_records(table, frame), count


def _checkin_record(row: CheckinRow) -> dict[str, Any]:
    frame = rows_frame(CHECKINS, [row]).drop(columns=["upload_id"])
    return to_records(CHECKINS, frame)[0]


def record_checkin(
    work: UnitOfWork, athlete: Athlete, day: date, answers: dict[str, Any], *, now: datetime
) -> tuple[dict[str, Any], bool]:
    """Record the athlete's ``answers`` for ``day`` and re-score: each given field (``None``
    clears it) wins over the files' answer to it; the fields not given keep the day's answers.

    Returns the day's merged check-in as a JSON row, and whether the day had none before.
    """
    check_entry_day(athlete, day, now)
    athlete_id = athlete.id
    with changing(work, athlete_id, now=now) as session:
        row, created = upsert_checkin(session, athlete_id, day, answers)
        changed_since(session, day)
    return _checkin_record(row), created


def checkin_of(work: UnitOfWork, athlete_id: int, day: date) -> dict[str, Any]:
    """The athlete's merged check-in of ``day`` as a JSON row (``MissingError`` without one)."""
    row = work.session.get(CheckinRow, (athlete_id, day))
    if row is None:
        raise MissingError(
            f"no check-in for {day.isoformat()}: you have not checked in on that day and no "
            "uploaded file has answers for it",
            date=day,
        )
    return _checkin_record(row)
