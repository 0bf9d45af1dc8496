""" "Did it help?": the athlete's 1–5 ratings of the actions they took, input for calibration."""

from __future__ import annotations

from datetime import date, datetime

from readiness.api.services.readiness import changed_since, changing
from readiness.api.services.timeline import check_entry_day
from readiness.api.storage.models import Athlete, Feedback, utcnow
from readiness.api.storage.repositories import page_rows
from readiness.api.storage.unit_of_work import UnitOfWork
from sqlalchemy import func, select

__all__ = ["rate", "ratings_page"]


def rate(
    work: UnitOfWork,
    athlete: Athlete,
    day: date,
    action: str,
    helped: int,
    note: str | None,
    *,
    now: datetime,
) -> tuple[Feedback, bool]:
    """Store how much ``action`` helped on ``day`` (replacing an earlier rating of it) and
    re-score. Returns the rating and whether it is new."""
    check_entry_day(athlete, day, now)
    athlete_id = athlete.id
    with changing(work, athlete_id, now=now) as session:
        row = session.scalars(
            select(Feedback).where(
                Feedback.athlete_id == athlete_id,
                Feedback.date == day,
                Feedback.action == action,
            )
        ).one_or_none()
        created = row is None
        if row is None:
            row = Feedback(athlete_id=athlete_id, date=day, action=action)
            session.add(row)
        row.helped = helped
        row.note = note
        row.created = utcnow()
        session.flush()
        given = session.scalar(
            select(func.count()).select_from(Feedback).where(Feedback.athlete_id == athlete_id)
        )
        if given != 1:
            # calibration uses only feedback dated before a day; but the very first rating
            # changes every day's wording ("no feedback given"), so it re-scores everything
            changed_since(session, day)
    return row, created


def ratings_page(
    work: UnitOfWork, athlete_id: int, start: date, end: date, *, limit: int, offset: int
) -> tuple[list[Feedback], int]:
    """One page of the athlete's ratings dated ``start``–``end`` (by date), and their count."""
    return page_rows(
        work.session,
        Feedback,
        (Feedback.athlete_id == athlete_id, Feedback.date >= start, Feedback.date <= end),
        (Feedback.date,),
        limit=limit,
        offset=offset,
    )
