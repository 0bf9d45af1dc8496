"""``GET /v1/readiness/today``, ``/v1/readiness/{date}`` and ``/v1/readiness?start=&end=``.

The single-day endpoints return the day object itself — the same object ``readiness score
--json`` prints for that day.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Response
from readiness.api.deps import (
    AthleteReadDep,
    CurrentAthlete,
    DateRangeDep,
    NowDep,
    PaginationDep,
    UnitOfWorkDep,
)
from readiness.api.errors import NotFoundError
from readiness.api.routes.problems import problems
from readiness.api.schemas import DayReadinessPublic, page_of
from readiness.api.services.readiness import (
    cached_day,
    cached_today,
    read_range,
    served_day,
    served_today,
)

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
async def get_today(read: AthleteReadDep) -> Response:
    now, cache = read.now, read.cache
    known = read.recall()
    if known is not None and (body := cached_today(known, now=now, cache=cache)) is not None:
        return _json(body)
    body = await read(lambda work, athlete: served_today(work, athlete, now=now, cache=cache))
    if body is None:
        raise NotFoundError("no data yet: upload an export first")
    return _json(body)


@router.get(
    "/{day}",
    summary="The readiness of one day",
    response_model=DayReadinessPublic,
    response_model_exclude_unset=True,
    responses=problems(401, 404, 422),
)
async def get_day(
    day: Annotated[date, Path(description="YYYY-MM-DD, your local calendar")],
    read: AthleteReadDep,
) -> Response:
    now, cache = read.now, read.cache
    known = read.recall()
    if known is not None and (body := cached_day(known, day, now=now, cache=cache)) is not None:
        return _json(body)
    return _json(
        await read(lambda work, athlete: served_day(work, athlete, day, now=now, cache=cache))
    )


def _json(body: bytes) -> Response:
    """The day object's JSON as the service encoded it (the schema documents it; the object is
    built by the scoring package and is not validated again per request)."""
    return Response(content=body, media_type="application/json")


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
