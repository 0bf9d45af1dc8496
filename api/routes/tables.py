"""The stored timeline: ``GET /v1/days``, ``GET /v1/sessions``, ``POST``/``GET /v1/checkins``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from readiness.api.deps import (
    CurrentAthlete,
    DateRange,
    DateRangeDep,
    NowDep,
    Pagination,
    PaginationDep,
    SessionDep,
    check_entry_day,
)
from readiness.api.routes.problems import problems
from readiness.api.schemas import (
    CheckinIn,
    CheckinPublic,
    DailyPublic,
    SessionPublic,
    page_of,
)
from readiness.api.services.readiness import refresh
from readiness.api.storage.engine import lock_athlete
from readiness.api.storage.frames import ROW_CLASSES, listing_order, rows_frame
from readiness.api.storage.models import Athlete
from readiness.api.storage.repositories import upsert_checkin
from readiness.ingest import (
    CHECKINS,
    DAILY,
    SESSIONS,
    Table,
)
from readiness.ingest.schema.records import to_records
from sqlalchemy import func, select
from sqlalchemy.orm import Session

__all__ = ["router"]

router = APIRouter(tags=["data"])
DailyPage = page_of(DailyPublic, "DailyPage")
SessionPage = page_of(SessionPublic, "SessionPage")
CheckinPage = page_of(CheckinPublic, "CheckinPage")


def _page(
    session: Session, athlete: Athlete, table: Table, span: DateRange, page: Pagination
) -> dict[str, Any]:
    """One page of ``table`` rows of the athlete within ``span``, as JSON rows, and the count."""
    cls = ROW_CLASSES[table.name]
    where = (cls.athlete_id == athlete.id, cls.date >= span.start, cls.date <= span.end)
    count = session.scalar(select(func.count()).select_from(cls).where(*where)) or 0
    rows = session.scalars(
        select(cls).where(*where).order_by(listing_order(cls)).limit(page.limit).offset(page.offset)
    ).all()
    frame = rows_frame(table, list(rows)).drop(columns=["upload_id"])
    return {"data": to_records(table, frame), "count": count}


@router.get(
    "/days",
    summary="The daily table (one row per local day)",
    response_model=DailyPage,
    responses=problems(401, 422),
)
def get_days(
    athlete: CurrentAthlete, session: SessionDep, span: DateRangeDep, page: PaginationDep
) -> object:
    return _page(session, athlete, DAILY, span, page)


@router.get(
    "/sessions",
    summary="Workouts (by local start date)",
    response_model=SessionPage,
    responses=problems(401, 422),
)
def get_sessions(
    athlete: CurrentAthlete, session: SessionDep, span: DateRangeDep, page: PaginationDep
) -> object:
    return _page(session, athlete, SESSIONS, span, page)


@router.get(
    "/checkins",
    summary="Your check-ins",
    response_model=CheckinPage,
    responses=problems(401, 422),
)
def get_checkins(
    athlete: CurrentAthlete, session: SessionDep, span: DateRangeDep, page: PaginationDep
) -> object:
    return _page(session, athlete, CHECKINS, span, page)


@router.post(
    "/checkins",
    status_code=status.HTTP_201_CREATED,
    summary="Record how you feel on a day (replaces that day's check-in)",
    response_model=CheckinPublic,
    responses={200: {"model": CheckinPublic, "description": "Replaced"}, **problems(401, 422)},
)
def post_checkin(
    body: CheckinIn,
    response: Response,
    athlete: CurrentAthlete,
    session: SessionDep,
    now: NowDep,
) -> object:
    check_entry_day(athlete, body.date, now)
    session.rollback()  # end the auth read; the write below is one transaction
    with session.begin():
        lock_athlete(session, athlete.id)
        row, created = upsert_checkin(
            session, athlete.id, body.date, body.model_dump(exclude={"date"})
        )
        refresh(session, athlete.id, now=now)
        frame = rows_frame(CHECKINS, [row]).drop(columns=["upload_id"])
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return to_records(CHECKINS, frame)[0]
