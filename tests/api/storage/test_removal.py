"""Deleting an upload leaves exactly what the remaining uploads give — the merged tables and the
stored readiness, object by object, as for an athlete who never sent it — and re-scores only
from its first day."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from readiness.api.errors import failure_body
from readiness.api.services import readiness as readiness_module
from readiness.api.services.accounts import create_athlete, get_athlete
from readiness.api.services.errors import MissingError
from readiness.api.services.timeline import record_checkin
from readiness.api.services.uploads import UploadService
from readiness.api.storage.engine import Database
from readiness.api.storage.frames import load_result
from readiness.api.storage.models import ReadinessRow, Upload
from readiness.api.storage.unit_of_work import unit_of_work
from sqlalchemy import select

from tests.api.builders import checkins_csv, daily_csv, file_upload, sessions_csv

NOW = datetime(2026, 5, 2, 18, tzinfo=UTC)
END = date(2026, 4, 30)
FILES = {
    "d.csv": daily_csv(END, days=80, seed=11),
    "s.csv": sessions_csv(END, days=50, seed=12),
    "late.csv": daily_csv(END, days=15, seed=13),  # overlaps the last days of d.csv
    "c.csv": checkins_csv(END, days=12),
}


def _athlete_with(db: Database, names: list[str]) -> int:
    service = UploadService(db.sessions, 0, failure=failure_body, clock=lambda: NOW)
    with unit_of_work(db.sessions) as work:
        athlete_id = create_athlete(work, name="+".join(names), timezone="Europe/Oslo")[0].id
    for name in names:
        with unit_of_work(db.sessions) as work:
            athlete = get_athlete(work, athlete_id)
            assert athlete is not None
            service.submit(work, athlete, file_upload(FILES[name], name))
    with unit_of_work(db.sessions) as work:
        athlete = get_athlete(work, athlete_id)
        assert athlete is not None
        record_checkin(work, athlete, END - timedelta(days=2), {"pain": 3}, now=NOW)
    return athlete_id


def _state(db: Database, athlete_id: int) -> tuple[dict[str, pd.DataFrame], dict[date, Any]]:
    with unit_of_work(db.sessions) as work:
        tables = load_result(work.session, athlete_id)
        frames = {
            name: getattr(tables, name).drop(columns=["upload_id"]).reset_index(drop=True)
            for name in ("daily", "sessions", "checkins")
        }
        rows = work.session.scalars(
            select(ReadinessRow).where(ReadinessRow.athlete_id == athlete_id)
        )
        return frames, {r.date: r.data for r in rows}


@pytest.mark.parametrize("gone", ["d.csv", "s.csv", "late.csv", "c.csv"])
def test_deleting_an_upload_equals_never_having_sent_it(
    db: Database, gone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = list(FILES)
    athlete_id = _athlete_with(db, names)
    with db.sessions() as session:
        upload_id = session.scalars(
            select(Upload.id).where(Upload.athlete_id == athlete_id, Upload.filename == gone)
        ).one()
    scored: list[date] = []
    real_score = readiness_module.score

    def counting(*args: Any, **kw: Any) -> dict[date, dict[str, Any]]:
        scored.extend(args[3])
        return real_score(*args, **kw)

    monkeypatch.setattr(readiness_module, "score", counting)
    service = UploadService(db.sessions, 0, failure=failure_body, clock=lambda: NOW)
    with unit_of_work(db.sessions) as work:
        service.delete(work, athlete_id, upload_id)
    monkeypatch.setattr(readiness_module, "score", real_score)
    gone_again = pytest.raises(MissingError, match=f"no upload {upload_id} in your account")
    with gone_again, unit_of_work(db.sessions) as work:
        service.delete(work, athlete_id, upload_id)

    frames, stored = _state(db, athlete_id)
    expected_frames, expected_stored = _state(
        db, _athlete_with(db, [n for n in names if n != gone])
    )
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, expected_frames[name], obj=f"{gone}: {name}")
    assert sorted(stored) == sorted(expected_stored)
    for day, obj in expected_stored.items():
        assert stored[day] == obj, (gone, day)
    # only the days from the deleted file's first day on were scored again
    column = "start" if gone == "s.csv" else "date"
    first = pd.Timestamp(pd.read_csv(io.BytesIO(FILES[gone]))[column].min()).date()
    assert scored and min(scored) >= first - timedelta(days=1), (gone, min(scored), first)
