"""HTTP routes, one module per resource; :data:`v1` collects the versioned ones."""

from __future__ import annotations

from fastapi import APIRouter
from readiness.api.routes import (
    athletes,
    calendar,
    export,
    feedback,
    health,
    readiness,
    tables,
    teams,
    uploads,
)

__all__ = ["health_router", "v1"]

v1 = APIRouter(prefix="/v1")
# the daily endpoints first: routes are matched in order, and they are the most asked
for _module in (readiness, athletes, uploads, tables, feedback, export, teams, calendar):
    v1.include_router(_module.router)

health_router = health.router
