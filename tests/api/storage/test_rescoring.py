"""Incremental re-scoring stores exactly what a full re-score stores, object by object, after
each of several writes (later nights, a back-fill, workouts, check-ins, feedback, a re-upload),
and re-scores only from the first day a write can change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from readiness.api.errors import failure_body
from readiness.api.services import readiness as readiness_module
from readiness.api.services.accounts import create_athlete, get_athlete
from readiness.api.services.feedback import rate
from readiness.api.services.readiness import TRAILING_DAYS, refresh
from readiness.api.services.timeline import record_checkin
from readiness.api.services.uploads import UploadService
from readiness.api.storage.engine import Database
from readiness.api.storage.models import Athlete, ReadinessRow
from readiness.api.storage.unit_of_work import UnitOfWork, unit_of_work
from sqlalchemy import select

from tests.api.builders import checkins_csv, daily_csv, file_upload, sessions_csv

NOW = datetime(2026, 5, 2, 18, tzinfo=UTC)
END = date(2026, 4, 30)


def _stored(work: UnitOfWork, athlete_id: int) -> dict[date, dict[str, Any]]:
    rows = work.session.scalars(select(ReadinessRow).where(ReadinessRow.athlete_id == athlete_id))
    return {r.date: r.data for r in rows}


def _full(db: Database, athlete_id: int) -> dict[date, dict[str, Any]]:
    """What re-scoring every day stores (computed, compared, then discarded)."""
    with unit_of_work(db.sessions) as work:
        work.lock_athlete(athlete_id)
        refresh(work.session, athlete_id, now=NOW)
        full = _stored(work, athlete_id)
        work.discard()
    return full


def test_incremental_rescoring_equals_a_full_rescore(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with unit_of_work(db.sessions) as work:
        athlete_id = create_athlete(work, name="r", timezone="Europe/Oslo")[0].id
    scored: list[int] = []
    real_score = readiness_module.score

    def counting(*args: Any, **kw: Any) -> dict[date, dict[str, Any]]:
        scored.append(len(args[3]))
        return real_score(*args, **kw)

    monkeypatch.setattr(readiness_module, "score", counting)

    def upload(body: bytes, name: str) -> Callable[[UnitOfWork, Athlete], object]:
        def run(work: UnitOfWork, athlete: Athlete) -> object:
            service = UploadService(db.sessions, 0, failure=failure_body, clock=lambda: NOW)
            return service.submit(work, athlete, file_upload(body, name))

        return run

    one_night = b"date,hrv_rmssd_ms,hrv_context,resting_hr_bpm\n2026-05-01,41,nocturnal,58\n"
    steps: list[tuple[str, Callable[[UnitOfWork, Athlete], object], int | None]] = [
        ("90 nights", upload(daily_csv(END - timedelta(days=30), days=90), "d.csv"), None),
        ("workouts", upload(sessions_csv(END, days=60), "s.csv"), None),
        ("later nights", upload(daily_csv(END, days=30, seed=5), "later.csv"), None),
        ("one night", upload(one_night, "night.csv"), 1 + 1),  # the night and today
        (
            "back-fill",
            upload(daily_csv(END - timedelta(days=120), days=40, seed=7), "old.csv"),
            None,
        ),
        ("check-ins", upload(checkins_csv(END, days=25), "c.csv"), None),
        (
            "app check-in",
            lambda w, a: record_checkin(
                w, a, END - timedelta(days=3), {"soreness": 5, "pain": 4}, now=NOW
            ),
            4 + 2,
        ),
        (  # the first rating changes every day's calibration wording: all re-scored
            "first feedback",
            lambda w, a: rate(
                w, a, END - timedelta(days=10), "relaxation_massage", 5, None, now=NOW
            ),
            None,
        ),
        (
            "more feedback",
            lambda w, a: rate(
                w, a, END - timedelta(days=6), "assisted_stretching", 2, None, now=NOW
            ),
            7 + 2,
        ),
        ("the same file again", upload(one_night, "again.csv"), 0),
    ]
    for name, step, expected_days in steps:
        scored.clear()
        with unit_of_work(db.sessions) as work:
            athlete = get_athlete(work, athlete_id)
            assert athlete is not None
            step(work, athlete)
        if expected_days is not None:
            assert sum(scored) == expected_days, name
        with unit_of_work(db.sessions) as work:
            incremental = _stored(work, athlete_id)
        full = _full(db, athlete_id)
        assert sorted(incremental) == sorted(full), name
        for day in full:
            assert incremental[day] == full[day], (name, day)
    assert max(full) == NOW.date() and len(full) > 100 + TRAILING_DAYS // 7
