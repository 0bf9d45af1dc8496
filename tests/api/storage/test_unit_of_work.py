"""The unit of work: commits only work that wrote, rolls back on an exception, locks once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from readiness.api.services.accounts import create_athlete, get_athlete
from readiness.api.services.readiness import read_today
from readiness.api.storage.engine import Database
from readiness.api.storage.models import Athlete, ReadinessRow, Upload
from readiness.api.storage.repositories import apply_result
from readiness.api.storage.unit_of_work import unit_of_work
from readiness.ingest import read_bytes
from sqlalchemy import event, func, select

from tests.api.builders import daily_csv


@pytest.fixture
def commits(db: Database) -> list[object]:
    """Every commit of a session of ``db``, as it happens."""
    seen: list[object] = []
    event.listen(db.sessions, "after_commit", seen.append)
    return seen


def _athletes(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Athlete)) or 0)


def _new_athlete(db: Database) -> int:
    with unit_of_work(db.sessions) as work:
        athlete, _ = create_athlete(work, name="u", timezone="Europe/Oslo")
        return athlete.id


def _write_then_fail(db: Database, after_commit: Callable[[], None] | None = None) -> None:
    with unit_of_work(db.sessions) as work:
        create_athlete(work, name="gone", timezone="UTC")
        assert work.wrote
        if after_commit is not None:
            work.after_commit(after_commit)
        raise RuntimeError("after the write")


def test_an_exception_after_a_write_leaves_nothing(db: Database, commits: list[object]) -> None:
    with pytest.raises(RuntimeError, match="after the write"):
        _write_then_fail(db)
    assert _athletes(db) == 0 and commits == []


def test_work_that_wrote_is_committed_once(db: Database, commits: list[object]) -> None:
    _new_athlete(db)
    assert _athletes(db) == 1 and len(commits) == 1


def test_work_that_only_read_does_not_commit(db: Database, commits: list[object]) -> None:
    athlete_id = _new_athlete(db)
    commits.clear()
    with unit_of_work(db.sessions) as work:
        assert get_athlete(work, athlete_id) is not None
        assert not work.wrote
    assert commits == []


def test_after_commit_runs_only_once_committed(db: Database) -> None:
    ran: list[str] = []
    with unit_of_work(db.sessions) as work:
        create_athlete(work, name="a", timezone="UTC")
        work.after_commit(lambda: ran.append("committed"))
        assert ran == []
    assert ran == ["committed"]
    with pytest.raises(RuntimeError, match="after the write"):
        _write_then_fail(db, lambda: ran.append("rolled back"))
    assert ran == ["committed"]


def test_the_athlete_lock_is_taken_once_per_unit(db: Database) -> None:
    athlete_id = _new_athlete(db)
    with unit_of_work(db.sessions) as work:
        assert work.lock_athlete(athlete_id) == 1
        assert work.lock_athlete(athlete_id) == 1  # held already: not bumped again
        assert work.locked(athlete_id)
    with unit_of_work(db.sessions) as work:
        assert work.lock_athlete(athlete_id) == 2
        work.discard()  # nothing to store after all: the bump is undone too
        assert not work.locked(athlete_id) and not work.wrote
    with db.sessions() as s:
        athlete = s.get(Athlete, athlete_id)
        assert athlete is not None and athlete.data_version == 1
    with pytest.raises(LookupError), unit_of_work(db.sessions) as work:
        work.lock_athlete(athlete_id + 1)


def test_a_read_never_writes(db: Database, commits: list[object]) -> None:
    """``read_today`` scores today at the instant asked and stores nothing: only writers (under
    the athlete's lock) store readiness rows, so a read cannot race a re-score."""
    athlete_id = _new_athlete(db)
    now = datetime(2026, 3, 10, 8, tzinfo=UTC)
    with unit_of_work(db.sessions) as work:
        result = read_bytes(daily_csv(date(2026, 3, 9), days=20), "d.csv")
        work.session.add(
            Upload(
                id="u1",
                athlete_id=athlete_id,
                sha256="0" * 64,
                filename="d.csv",
                bytes=0,
                status="done",
            )
        )
        work.session.flush()
        apply_result(work.session, athlete_id, [("u1", result)], tz="Europe/Oslo")
    commits.clear()
    with unit_of_work(db.sessions) as work:
        athlete = get_athlete(work, athlete_id)
        assert athlete is not None
        assert read_today(work, athlete, now=now) is not None
        assert not work.wrote
    assert commits == []
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReadinessRow)) == 0
