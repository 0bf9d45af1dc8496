"""The athlete's stored timeline: pages of its ``daily``, ``sessions`` and ``checkins`` tables,
the check-ins they record themselves, and which days such an entry may be for."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from readiness.api.services.errors import InvalidInputError
from readiness.api.services.readiness import changed_since, changing, local_today
from readiness.api.storage.frames import ROW_CLASSES, listing_order, rows_frame
from readiness.api.storage.models import Athlete
from readiness.api.storage.repositories import page_rows, upsert_checkin
from readiness.api.storage.unit_of_work import UnitOfWork
from readiness.ingest import CHECKINS, Table, to_records

__all__ = ["EARLIEST_DAY", "check_entry_day", "record_checkin", "table_page"]

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


def record_checkin(
    work: UnitOfWork, athlete: Athlete, day: date, values: dict[str, Any], *, now: datetime
) -> tuple[dict[str, Any], bool]:
    """Set the athlete's check-in of ``day`` (all fields replaced) and re-score.

    Returns the stored check-in as a JSON row, and whether it is new.
    """
    check_entry_day(athlete, day, now)
    athlete_id = athlete.id
    with changing(work, athlete_id, now=now) as session:
        row, created = upsert_checkin(session, athlete_id, day, values)
        changed_since(session, day)
    frame = rows_frame(CHECKINS, [row]).drop(columns=["upload_id"])
    return to_records(CHECKINS, frame)[0], created
