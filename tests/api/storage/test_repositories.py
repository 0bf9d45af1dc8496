"""Storage in-process: a failure while storing leaves nothing behind; merging is per source."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from readiness.api.errors import failure_body
from readiness.api.services import readiness as readiness_module
from readiness.api.services.accounts import create_athlete, get_athlete
from readiness.api.services.readiness import TRAILING_DAYS
from readiness.api.services.uploads import Outcome, Received, UploadService
from readiness.api.storage.engine import Database
from readiness.api.storage.frames import load_result
from readiness.api.storage.models import DailyRow, ReadinessRow, Upload
from readiness.api.storage.unit_of_work import unit_of_work
from sqlalchemy import func, select

from tests.api.builders import daily_csv, file_upload


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


def _count(db: Database, cls: type) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(cls)) or 0)


def test_failure_while_storing_writes_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch
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
            file_upload(daily_csv(date(2026, 3, 1), days=10), "d.csv"),
        )
    assert (_count(db, Upload), _count(db, DailyRow), _count(db, ReadinessRow)) == (0, 0, 0)
    monkeypatch.undo()
    upload, outcome = _submit(
        db, service, athlete_id, file_upload(daily_csv(date(2026, 3, 1), days=10), "d.csv")
    )
    assert outcome is Outcome.CREATED and upload.days == 10
    stored = (_count(db, Upload), _count(db, DailyRow), _count(db, ReadinessRow))
    assert stored == (1, 10, 10 + TRAILING_DAYS)  # days after the data are scored too


def test_equal_rank_disagreement_does_not_depend_on_upload_order(db: Database) -> None:
    first = b"date,hrv_rmssd_ms,resting_hr_bpm\n2026-03-01,60,50\n2026-03-02,61,51\n"
    fixed = b"date,hrv_rmssd_ms,steps\n2026-03-02,65,9000\n"
    stored = []
    for order in ((first, fixed), (fixed, first)):
        athlete_id = _athlete(db)
        service = UploadService(db.sessions, 0, failure=failure_body)
        ids = {
            body: _submit(db, service, athlete_id, file_upload(body, f"{n}.csv"))[0].id
            for n, body in enumerate(order)
        }
        with db.sessions() as s:
            daily = load_result(s, athlete_id).daily.set_index("date")
        day2 = daily.loc["2026-03-02"]
        # the same source disagrees on HRV: its content decides (the smaller value), not arrival
        assert day2["hrv_rmssd_ms"] == 61 and day2["upload_id"] == ids[first]
        # columns fill independently from either file
        assert day2["steps"] == 9000 and day2["resting_hr_bpm"] == 51
        assert daily.loc["2026-03-01", "hrv_rmssd_ms"] == 60
        stored.append(daily.drop(columns=["upload_id"]))
    pd.testing.assert_frame_equal(stored[0], stored[1])
