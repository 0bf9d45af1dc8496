"""``GET /healthz``: the process answers and the database takes a query."""

from __future__ import annotations

from fastapi import APIRouter
from readiness.api.deps import UnitOfWorkDep
from readiness.api.schemas import Health
from readiness.api.services.health import check_database

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness and database check")
def healthz(work: UnitOfWorkDep) -> Health:
    check_database(work)
    return Health(status="ok", database="ok")
