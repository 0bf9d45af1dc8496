"""Whether the service can use its database (for ``GET /healthz``)."""

from __future__ import annotations

from readiness.api.storage.unit_of_work import UnitOfWork
from sqlalchemy import text

__all__ = ["check_database"]


def check_database(work: UnitOfWork) -> None:
    """Run one trivial query; raises when the database does not answer."""
    work.session.execute(text("SELECT 1"))
