"""Erasure: every table naming an athlete is found, their waiting jobs leave the queue, and a
write for a deleted athlete is refused by type; an export's snapshot on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from readiness.api.services.accounts import create_athlete, delete_athlete, rotate_key
from readiness.api.services.queue import UploadQueue
from readiness.api.settings import Settings
from readiness.api.storage.engine import Database, open_database
from readiness.api.storage.erasure import athlete_tables, forget_jobs
from readiness.api.storage.models import Athlete, Base
from readiness.api.storage.unit_of_work import AthleteGoneError, unit_of_work

from tests.api.conftest import _postgres_url


def test_every_table_with_athlete_rows_is_erased_children_first() -> None:
    tables = athlete_tables()
    names = [t.name for t in tables]
    assert names[-1] == "athletes"
    assert set(names) == {t.name for t in Base.metadata.tables.values() if "athlete_id" in t.c} | {
        "athletes"
    }
    for i, table in enumerate(tables):  # nothing refers to a table erased before it
        for later in tables[i + 1 :]:
            assert not any(fk.column.table is table for fk in later.foreign_keys), (
                later.name,
                table.name,
            )


def _waiting(engine: sa.Engine) -> list[tuple[str, str]]:
    """The queue's jobs: their lock and upload."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT lock, args ->> 'upload_id' FROM procrastinate_jobs"))
        return sorted((r[0], r[1]) for r in rows)


@pytest.mark.postgres
def test_forget_jobs_drops_the_athletes_waiting_jobs_only() -> None:
    for url in _postgres_url():
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        db = open_database(settings)
        queue = UploadQueue(url)
        try:
            queue.defer("u1", 1)
            queue.defer("u2", 1)
            queue.defer("v1", 2)

            with unit_of_work(db.sessions) as work:
                assert forget_jobs(work.session, 1, "u1") == 1
            assert _waiting(db.engine) == [("athlete-1", "u2"), ("athlete-2", "v1")]
            with unit_of_work(db.sessions) as work:
                assert forget_jobs(work.session, 1) == 1
            assert _waiting(db.engine) == [("athlete-2", "v1")]
        finally:
            queue.close()
            db.dispose()


def test_forget_jobs_is_nothing_on_sqlite(db: Database) -> None:
    with unit_of_work(db.sessions) as work:
        assert forget_jobs(work.session, 1) == 0


def test_a_write_for_a_deleted_athlete_is_refused_by_type(db: Database) -> None:
    with unit_of_work(db.sessions) as work:
        athlete_id = create_athlete(work, name="gone", timezone="UTC")[0].id
    with unit_of_work(db.sessions) as work:
        delete_athlete(work, athlete_id, None)
    with pytest.raises(AthleteGoneError), unit_of_work(db.sessions) as work:
        rotate_key(work, athlete_id)


@pytest.mark.postgres
def test_a_snapshot_does_not_see_later_commits_on_postgres() -> None:
    for url in _postgres_url():
        db = open_database(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
        try:
            count = sa.select(sa.func.count()).select_from(Athlete)
            with unit_of_work(db.sessions) as reader:
                reader.snapshot()
                before = reader.session.scalar(count)
                with unit_of_work(db.sessions) as writer:
                    create_athlete(writer, name="later", timezone="UTC")
                assert reader.session.scalar(count) == before
            with unit_of_work(db.sessions) as fresh:
                assert fresh.session.scalar(count) == (before or 0) + 1
        finally:
            db.dispose()
