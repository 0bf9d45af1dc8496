"""``GET /healthz``: the process answers and the database takes a query."""

from __future__ import annotations

from fastapi import APIRouter
from readiness.api.deps import SessionDep
from readiness.api.schemas import Health
from sqlalchemy import text

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness and database check")
def healthz(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    return Health(status="ok", database="ok")
