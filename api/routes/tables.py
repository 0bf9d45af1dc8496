"""The stored timeline: ``GET /v1/days``, ``GET /v1/sessions``, ``POST``/``GET /v1/checkins``,
``GET /v1/checkins/{date}``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from readiness.api.deps import CurrentAthlete, DateRangeDep, NowDep, PaginationDep, UnitOfWorkDep
from readiness.api.routes.problems import problems
from readiness.api.schemas import CheckinIn, CheckinPublic, DailyPublic, SessionPublic, page_of
from readiness.api.services.timeline import checkin_of, record_checkin, table_page
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
    summary="Record how you feel on a day (the fields you give; null clears one)",
    description=(
        "Each field in the body becomes the day's answer, over any uploaded file's answer to it "
        "(`null` clears it); fields left out keep the day's answers. Answers the day's merged "
        "check-in: 201 when the day had none, else 200."
    ),
    response_model=CheckinPublic,
    responses={200: {"model": CheckinPublic, "description": "Updated"}, **problems(401, 422)},
)
def post_checkin(
    body: CheckinIn,
    response: Response,
    athlete: CurrentAthlete,
    work: UnitOfWorkDep,
    now: NowDep,
) -> object:
    answers = body.model_dump(exclude={"date"}, exclude_unset=True)
    row, created = record_checkin(work, athlete, body.date, answers, now=now)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return row


@router.get(
    "/checkins/{day}",
    summary="The day's check-in: your answers merged with the uploaded files' answers",
    response_model=CheckinPublic,
    responses=problems(401, 404, 422),
)
def get_checkin(
    day: Annotated[date, Path(description="YYYY-MM-DD, your local calendar")],
    athlete: CurrentAthlete,
    work: UnitOfWorkDep,
) -> object:
    return checkin_of(work, athlete.id, day)
