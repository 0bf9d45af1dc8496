"""The Alembic migrations create exactly the schema the models describe, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from readiness.api.storage.migrate import upgrade
from readiness.api.storage.models import Base
from readiness.ingest import CHECKINS, DAILY, SESSIONS
from sqlalchemy import Engine, create_engine, inspect

from tests.api.conftest import _postgres_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
        yield eng
        eng.dispose()
    else:
        for url in _postgres_url():
            eng = create_engine(url)
            yield eng
            eng.dispose()


def test_migrations_match_models(engine: Engine) -> None:
    upgrade(engine)
    upgrade(engine)  # idempotent: a second run changes nothing
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    tables = set(inspect(engine).get_table_names())
    assert {
        "athletes",
        "api_keys",
        "uploads",
        "daily",
        "sessions",
        "checkins",
        "feedback",
    } <= tables
    assert "readiness" in tables


@pytest.mark.parametrize("table", [DAILY, SESSIONS, CHECKINS], ids=lambda t: t.name)
def test_tables_hold_every_schema_column(table: object) -> None:
    cols = set(Base.metadata.tables[table.name].columns.keys())  # type: ignore[attr-defined]
    assert set(table.names) <= cols  # type: ignore[attr-defined]
