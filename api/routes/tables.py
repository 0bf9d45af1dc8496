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
    UnitOfWorkDep,
)
from readiness.api.routes.problems import problems
from readiness.api.schemas import (
    CheckinIn,
    CheckinPublic,
    DailyPublic,
    SessionPublic,
    page_of,
)
from readiness.api.services.timeline import record_checkin, table_page
from readiness.ingest import (
    CHECKINS,
    DAILY,
    SESSIONS,
    Table,
)

__all__ = ["router"]

router = APIRouter(tags=["data"])
DailyPage = page_of(DailyPublic, "DailyPage")
SessionPage = page_of(SessionPublic, "SessionPage")
CheckinPage = page_of(CheckinPublic, "CheckinPage")


def _page(
    work: UnitOfWorkDep, athlete_id: int, table: Table, span: DateRange, page: Pagination
) -> dict[str, Any]:
    """One page of ``table`` rows of the athlete within ``span``, as JSON rows, and the count."""
    data, count = table_page(
        work, athlete_id, table, span.start, span.end, limit=page.limit, offset=page.offset
    )
    return {"data": data, "count": count}


@router.get(
    "/days",
    summary="The daily table (one row per local day)",
    response_model=DailyPage,
    responses=problems(401, 422),
)
def get_days(
    athlete: CurrentAthlete, work: UnitOfWorkDep, span: DateRangeDep, page: PaginationDep
) -> object:
    return _page(work, athlete.id, DAILY, span, page)


@router.get(
    "/sessions",
    summary="Workouts (by local start date)",
    response_model=SessionPage,
    responses=problems(401, 422),
)
def get_sessions(
    athlete: CurrentAthlete, work: UnitOfWorkDep, span: DateRangeDep, page: PaginationDep
) -> object:
    return _page(work, athlete.id, SESSIONS, span, page)


@router.get(
    "/checkins",
    summary="Your check-ins",
    response_model=CheckinPage,
    responses=problems(401, 422),
)
def get_checkins(
    athlete: CurrentAthlete, work: UnitOfWorkDep, span: DateRangeDep, page: PaginationDep
) -> object:
    return _page(work, athlete.id, CHECKINS, span, page)


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
    work: UnitOfWorkDep,
    now: NowDep,
) -> object:
    row, created = record_checkin(
        work, athlete, body.date, body.model_dump(exclude={"date"}), now=now
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return row
