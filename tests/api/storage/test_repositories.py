"""Storage in-process: a failure while storing leaves nothing behind; merging is per source."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from readiness.api.errors import failure_body
from readiness.api.services import readiness as readiness_module
from readiness.api.services.accounts import create_athlete, get_athlete
from readiness.api.services.readiness import TRAILING_DAYS
from readiness.api.services.uploads import Outcome, Received, UploadService
from readiness.api.settings import Settings
from readiness.api.storage.engine import Database, open_database
from readiness.api.storage.frames import load_result
from readiness.api.storage.models import DailyRow, ReadinessRow, Upload
from readiness.api.storage.unit_of_work import unit_of_work
from sqlalchemy import func, select

from tests.api.builders import daily_csv


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(
        Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 's.db'}")  # type: ignore[call-arg]
    )
    yield database
    database.dispose()


def _athlete(db: Database) -> int:
    with unit_of_work(db.sessions) as work:
        athlete, _ = create_athlete(work, name="s", timezone="Europe/Oslo")
        return athlete.id


def _submit(
    db: Database, service: UploadService, athlete_id: int, received: Received
) -> tuple[Upload, Outcome]:
    """``service.submit`` in its own unit of work, as a request runs it."""
    with unit_of_work(db.sessions) as work:
        athlete = get_athlete(work, athlete_id)
        assert athlete is not None
        return service.submit(work, athlete, received)


def _received(folder: Path, data: bytes, name: str) -> Received:
    """An upload of ``data`` as a file in ``folder`` (uploads name files, never bytes)."""
    path = folder / name
    path.write_bytes(data)
    return Received.from_path(path)


def _count(db: Database, cls: type) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(cls)) or 0)


def test_failure_while_storing_writes_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    athlete_id = _athlete(db)
    service = UploadService(db.sessions, 0, failure=failure_body)

    def broken(*_: object, **__: object) -> int:
        raise RuntimeError("scoring blew up")

    monkeypatch.setattr(readiness_module, "refresh", broken)
    with pytest.raises(RuntimeError):
        _submit(
            db,
            service,
            athlete_id,
            _received(tmp_path, daily_csv(date(2026, 3, 1), days=10), "d.csv"),
        )
    assert (_count(db, Upload), _count(db, DailyRow), _count(db, ReadinessRow)) == (0, 0, 0)
    monkeypatch.undo()
    upload, outcome = _submit(
        db, service, athlete_id, _received(tmp_path, daily_csv(date(2026, 3, 1), days=10), "d.csv")
    )
    assert outcome is Outcome.CREATED and upload.days == 10
    stored = (_count(db, Upload), _count(db, DailyRow), _count(db, ReadinessRow))
    assert stored == (1, 10, 10 + TRAILING_DAYS)  # days after the data are scored too


def test_later_upload_wins_for_the_same_source(db: Database, tmp_path: Path) -> None:
    athlete_id = _athlete(db)
    service = UploadService(db.sessions, 0, failure=failure_body)
    first = b"date,hrv_rmssd_ms,resting_hr_bpm\n2026-03-01,60,50\n2026-03-02,61,51\n"
    fixed = b"date,hrv_rmssd_ms,steps\n2026-03-02,65,9000\n"
    _submit(db, service, athlete_id, _received(tmp_path, first, "a.csv"))
    upload, _ = _submit(db, service, athlete_id, _received(tmp_path, fixed, "b.csv"))
    with db.sessions() as s:
        daily = load_result(s, athlete_id).daily.set_index("date")
    day2 = daily.loc["2026-03-02"]
    assert day2["hrv_rmssd_ms"] == 65 and day2["steps"] == 9000 and day2["resting_hr_bpm"] == 51
    assert day2["upload_id"] == upload.id
    assert daily.loc["2026-03-01", "hrv_rmssd_ms"] == 60
