"""The Alembic migrations create exactly the schema the models describe, on both backends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from readiness.api.storage.migrate import upgrade
from readiness.api.storage.models import Base
from readiness.ingest import CHECKINS, DAILY, SESSIONS
from sqlalchemy import Engine, create_engine, inspect, text

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


def test_upload_rows_are_backfilled_from_the_merged_tables(engine: Engine) -> None:
    """0002 copies the merged rows of a 0001 database into the per-upload tables, so that
    re-deriving a day gives the stored row back; rows of a vanished upload keep no upload."""
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO athletes (id, name, timezone, data_version, created) "
                "VALUES (1, 'a', 'UTC', 3, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO uploads (id, athlete_id, sha256, filename, bytes, status, days, "
                "sessions, checkins, warnings, created) VALUES ('u1', 1, :sha, 'd.csv', 1, "
                "'done', 1, 0, 1, '[]', CURRENT_TIMESTAMP)"
            ),
            {"sha": "0" * 64},
        )
        conn.execute(
            text(
                "INSERT INTO daily (athlete_id, date, upload_id, resting_hr_bpm, source) VALUES "
                "(1, '2026-03-01', 'u1', 50, 'csv'), (1, '2026-03-02', 'gone', 51, 'fit')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO checkins (athlete_id, date, upload_id, soreness, source) VALUES "
                "(1, '2026-03-01', NULL, 4, 'app')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        daily = conn.execute(
            text("SELECT date, upload_id, resting_hr_bpm FROM upload_daily ORDER BY date")
        ).all()
        checkins = conn.execute(
            text("SELECT upload_id, soreness, source FROM upload_checkins")
        ).all()
    assert [(str(d), u, r) for d, u, r in daily] == [
        ("2026-03-01", "u1", 50.0),
        ("2026-03-02", None, 51.0),
    ]
    assert [tuple(c) for c in checkins] == [(None, 4.0, "app")]


def test_app_checkins_before_0004_answered_every_field(engine: Engine) -> None:
    """Before 0004 a check-in entered in the app replaced the whole day: such rows are marked
    as answering every field (the stored days stay as they were); a file's rows are not."""
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO athletes (id, name, timezone, data_version, created) "
                "VALUES (1, 'a', 'UTC', 1, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO upload_checkins (athlete_id, upload_id, date, soreness, source) "
                "VALUES (1, NULL, '2026-03-01', 4, 'app'), (1, NULL, '2026-03-02', 2, 'csv')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT source, answered FROM upload_checkins ORDER BY date")
        ).all()
    answered = {str(source): value for source, value in rows}
    parsed = json.loads(answered["app"]) if isinstance(answered["app"], str) else answered["app"]
    assert parsed == [c.name for c in CHECKINS.columns if c.name not in ("date", "source")]
    assert answered["csv"] is None
