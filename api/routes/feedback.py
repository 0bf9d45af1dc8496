"""``POST /v1/feedback`` ("did it help?") and ``GET /v1/feedback``: input for calibration."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from readiness.api.deps import (
    CurrentAthlete,
    DateRangeDep,
    NowDep,
    PaginationDep,
    SessionDep,
    check_entry_day,
)
from readiness.api.routes.problems import problems
from readiness.api.schemas import FeedbackIn, FeedbackPublic, page_of
from readiness.api.services.readiness import refresh
from readiness.api.storage.engine import lock_athlete
from readiness.api.storage.models import Feedback, utcnow
from sqlalchemy import func, select

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
    session: SessionDep,
    now: NowDep,
) -> FeedbackPublic:
    check_entry_day(athlete, body.date, now)
    session.rollback()
    with session.begin():
        lock_athlete(session, athlete.id)
        row = session.scalars(
            select(Feedback).where(
                Feedback.athlete_id == athlete.id,
                Feedback.date == body.date,
                Feedback.action == body.action,
            )
        ).one_or_none()
        created = row is None
        if row is None:
            row = Feedback(athlete_id=athlete.id, date=body.date, action=body.action)
            session.add(row)
        row.helped = body.helped
        row.note = body.note
        row.created = utcnow()
        session.flush()
        refresh(session, athlete.id, now=now)
        out = FeedbackPublic.model_validate(row)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return out


@router.get(
    "/feedback",
    summary="Your ratings",
    response_model=FeedbackPage,
    responses=problems(401, 422),
)
def list_feedback(
    athlete: CurrentAthlete, session: SessionDep, span: DateRangeDep, page: PaginationDep
) -> object:
    where = (
        Feedback.athlete_id == athlete.id,
        Feedback.date >= span.start,
        Feedback.date <= span.end,
    )
    count = session.scalar(select(func.count()).select_from(Feedback).where(*where)) or 0
    rows = session.scalars(
        select(Feedback).where(*where).order_by(Feedback.date).limit(page.limit).offset(page.offset)
    ).all()
    return {"data": [FeedbackPublic.model_validate(r) for r in rows], "count": count}
