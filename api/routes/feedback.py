"""``POST /v1/feedback`` ("did it help?") and ``GET /v1/feedback``: input for calibration."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from readiness.api.deps import CurrentAthlete, DateRangeDep, NowDep, PaginationDep, UnitOfWorkDep
from readiness.api.routes.problems import problems
from readiness.api.schemas import FeedbackIn, FeedbackPublic, page_of
from readiness.api.services.feedback import rate, ratings_page

__all__ = ["router"]

router = APIRouter(tags=["feedback"])
FeedbackPage = page_of(FeedbackPublic, "FeedbackPage")


@router.post(
    "/feedback",
    status_code=status.HTTP_201_CREATED,
    summary="Rate how much an action helped (1–5); replaces an earlier rating of it",
    responses={200: {"model": FeedbackPublic, "description": "Replaced"}, **problems(401, 422)},
)
def post_feedback(
    body: FeedbackIn,
    response: Response,
    athlete: CurrentAthlete,
    work: UnitOfWorkDep,
    now: NowDep,
) -> FeedbackPublic:
    row, created = rate(work, athlete, body.date, body.action, body.helped, body.note, now=now)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return FeedbackPublic.model_validate(row)


@router.get(
    "/feedback",
    summary="Your ratings",
    response_model=FeedbackPage,
    responses=problems(401, 422),
)
def list_feedback(
    athlete: CurrentAthlete, work: UnitOfWorkDep, span: DateRangeDep, page: PaginationDep
) -> object:
    rows, count = ratings_page(
        work, athlete.id, span.start, span.end, limit=page.limit, offset=page.offset
    )
    return {"data": [FeedbackPublic.model_validate(r) for r in rows], "count": count}
