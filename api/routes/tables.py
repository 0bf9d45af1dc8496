"""The stored timeline: ``GET /v1/days``, ``GET /v1/sessions``, ``POST``/``GET /v1/checkins``."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from readiness.api.deps import CurrentAthlete, DateRangeDep, NowDep, PaginationDep, UnitOfWorkDep
from readiness.api.routes.problems import problems
from readiness.api.schemas import CheckinIn, CheckinPublic, DailyPublic, SessionPublic, page_of
from readiness.api.services.timeline import record_checkin, table_page
from readiness.ingest import CHECKINS, DAILY, SESSIONS, Table

__all__ = ["router"]

router = APIRouter(tags=["data"])
DailyPage = page_of(DailyPublic, "DailyPage")
SessionPage = page_of(SessionPublic, "SessionPage")
CheckinPage = page_of(CheckinPublic, "CheckinPage")


def _add_listing(path: str, name: str, table: Table, page_model: type, summary: str) -> None:
    """``GET path``: one page of the athlete's ``table`` rows within the range, and the count."""

    def listing(
        athlete: CurrentAthlete, work: UnitOfWorkDep, span: DateRangeDep, page: PaginationDep
    ) -> object:
        data, count = table_page(
            work, athlete.id, table, span.start, span.end, limit=page.limit, offset=page.offset
        )
        return {"data": data, "count": count}

    listing.__name__ = name
    router.add_api_route(
        path,
        listing,
        methods=["GET"],
        name=name,
        summary=summary,
        response_model=page_model,
        responses=problems(401, 422),
    )


_add_listing("/days", "get_days", DAILY, DailyPage, "The daily table (one row per local day)")
_add_listing("/sessions", "get_sessions", SESSIONS, SessionPage, "Workouts (by local start date)")
_add_listing("/checkins", "get_checkins", CHECKINS, CheckinPage, "Your check-ins")


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
