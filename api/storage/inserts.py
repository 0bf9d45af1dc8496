"""An insert that yields to a row already there (``ON CONFLICT DO NOTHING``), in the dialect
of the session's database: how two writers racing to create one row end with one row and no
error."""

from __future__ import annotations

from typing import Any

from readiness.api.storage.models import Base
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

__all__ = ["insert_if_absent"]


def insert_if_absent(session: Session, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert ``values`` into ``model``'s table unless a row with the same key exists;
    whether this call inserted it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    done = session.execute(insert(model).values(values).on_conflict_do_nothing())
    return bool(getattr(done, "rowcount", 0))
