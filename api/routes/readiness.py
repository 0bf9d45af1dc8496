"""``GET /v1/readiness/today``, ``/v1/readiness/{date}`` and ``/v1/readiness?start=&end=``.

The single-day endpoints return the day object itself — the same object ``readiness score
--json`` prints for that day.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path
from readiness.api.deps import CurrentAthlete, DateRangeDep, NowDep, PaginationDep, UnitOfWorkDep
from readiness.api.errors import NotFoundError
from readiness.api.routes.problems import problems
from readiness.api.schemas import DayReadinessPublic, page_of
from readiness.api.services.readiness import read_day, read_range, read_today
from readiness.api.services.timeline import missing_readiness

__all__ = ["router"]

router = APIRouter(prefix="/readiness", tags=["readiness"])
ReadinessPage = page_of(DayReadinessPublic, "ReadinessPage")


@router.get(
    "/today",
    summary="Today's readiness in your timezone, with warmth evaluated now",
    response_model=DayReadinessPublic,
    response_model_exclude_unset=True,
    responses=problems(401, 404),
)
def get_today(athlete: CurrentAthlete, work: UnitOfWorkDep, now: NowDep) -> dict[str, Any]:
    obj = read_today(work, athlete, now=now)
    if obj is None:
        raise NotFoundError("no data yet: upload an export first")
    return obj


@router.get(
    "/{day}",
    summary="The readiness of one day",
    response_model=DayReadinessPublic,
    response_model_exclude_unset=True,
    responses=problems(401, 404, 422),
)
def get_day(
    day: Annotated[date, Path(description="YYYY-MM-DD, your local calendar")],
    athlete: CurrentAthlete,
    work: UnitOfWorkDep,
    now: NowDep,
) -> dict[str, Any]:
    obj = read_day(work, athlete, day, now=now)
    if obj is None:
        raise missing_readiness(work, athlete, day, now=now)
    return obj


@router.get(
    "",
    summary="Readiness for a range of days (oldest first, paged)",
    response_model=ReadinessPage,
    response_model_exclude_unset=True,
    responses=problems(401, 422),
)
def get_range(
    athlete: CurrentAthlete,
    work: UnitOfWorkDep,
    span: DateRangeDep,
    page: PaginationDep,
    now: NowDep,
) -> object:
    data, count = read_range(
        work, athlete, span.start, span.end, limit=page.limit, offset=page.offset, now=now
    )
    return {"data": data, "count": count}
