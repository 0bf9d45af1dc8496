"""The stored timeline after importing a set of files is the same in every upload order and
equals ``readiness ingest`` (``read_paths``) on the same files; check-ins entered in the app win.

Files: sample_data's FIT files of four overlapping days (HRV status, wellness, sleep,
activities) and generic CSVs whose days, workouts and check-ins overlap them — including the
issue's case CSV → HRV FIT → wellness FIT, where pairwise merging stored the wellness file's
resting HR over the CSV's.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from readiness.api.errors import failure_body
from readiness.api.services.accounts import create_athlete, get_athlete
from readiness.api.services.timeline import record_checkin
from readiness.api.services.uploads import UploadService
from readiness.api.settings import Settings
from readiness.api.storage.engine import Database, open_database
from readiness.api.storage.frames import load_result
from readiness.api.storage.unit_of_work import unit_of_work
from readiness.ingest import AthleteProfile, IngestResult, ReadOptions, read_paths

from tests.api.builders import file_upload

FIT = Path(__file__).resolve().parents[3] / "sample_data" / "fit"
TZ = "Europe/Oslo"

#: Resting HR 51 on 2026-03-02 (the wellness FIT says 50), no HRV: the CSV ranks first.
RESTING_CSV = b"date,resting_hr_bpm,steps\n2026-03-02,51,4000\n2026-03-03,49,\n"
#: A hand-typed workout that is the FIT cycling ride recorded twice, and one of its own.
SESSIONS_CSV = (
    b"start,end,date,sport,avg_hr_bpm,rpe\n"
    b"2026-03-01T09:00:30Z,2026-03-01T10:30:00Z,2026-03-01,cycling,120,5\n"
    b"2026-03-02T16:00:00Z,2026-03-02T16:40:00Z,2026-03-02,yoga,90,2\n"
)
CHECKINS_CSV = b"date,soreness,stress,sick\n2026-03-02,4,2,no\n2026-03-04,2,3,yes\n"
#: The same source as RESTING_CSV disagreeing on a day: content decides, never order.
CONFLICT_CSV = b"date,resting_hr_bpm,sleep_total_min\n2026-03-03,47,400\n2026-03-04,52,410\n"


def _files() -> dict[str, bytes]:
    files = {"resting.csv": RESTING_CSV}
    for day in ("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"):
        for kind, name in (
            ("hrv", "HRV_STATUS"),
            ("monitoring", "WELLNESS"),
            ("sleep", "SLEEP_DATA"),
        ):
            files[f"{day}_{name}.fit"] = (FIT / kind / f"{day}_{name}.fit").read_bytes()
    for path in sorted((FIT / "activity").glob("2026-03-0[1-4]*.fit")):
        files[path.name] = path.read_bytes()
    files.update(
        {"sessions.csv": SESSIONS_CSV, "checkins.csv": CHECKINS_CSV, "conflict.csv": CONFLICT_CSV}
    )
    return files


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("merge") / "m.db"
    database = open_database(Settings(_env_file=None, database_url=f"sqlite:///{path}"))  # type: ignore[call-arg]
    yield database
    database.dispose()


def _import(db: Database, files: list[tuple[str, bytes]]) -> int:
    """A new athlete, then each file uploaded on its own (as ``POST /v1/uploads`` does)."""
    with unit_of_work(db.sessions) as work:
        athlete, _ = create_athlete(work, name="m", timezone=TZ)
        athlete_id = athlete.id
    now = datetime(2026, 3, 6, 12, tzinfo=UTC)
    service = UploadService(db.sessions, 0, failure=failure_body, clock=lambda: now)
    for name, body in files:
        with unit_of_work(db.sessions) as work:
            athlete = get_athlete(work, athlete_id)
            assert athlete is not None
            service.submit(work, athlete, file_upload(body, name))
    return athlete_id


def _stored(db: Database, athlete_id: int) -> IngestResult:
    with db.sessions() as s:
        r = load_result(s, athlete_id)
    return IngestResult(
        daily=r.daily.drop(columns=["upload_id"]),
        sessions=r.sessions.drop(columns=["upload_id"]),
        checkins=r.checkins.drop(columns=["upload_id"]),
    )


def _ingest(tmp_path: Path, files: dict[str, bytes]) -> IngestResult:
    """What ``readiness ingest --tz Europe/Oslo`` reads from the same files."""
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
    options = ReadOptions(tz=ZoneInfo(TZ), profile=AthleteProfile())
    report = read_paths([tmp_path / n for n in files], options)
    assert not report.errors
    r = report.result
    return IngestResult(
        daily=r.daily.reset_index(drop=True),
        sessions=r.sessions.reset_index(drop=True),
        checkins=r.checkins.reset_index(drop=True),
    )


def _assert_same(a: IngestResult, b: IngestResult) -> None:
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.sessions, b.sessions)
    pd.testing.assert_frame_equal(a.checkins, b.checkins)


def test_the_issue_case_every_order_matches_ingest(db: Database, tmp_path: Path) -> None:
    files = {
        "resting.csv": RESTING_CSV,
        "hrv.fit": (FIT / "hrv" / "2026-03-02_HRV_STATUS.fit").read_bytes(),
        "wellness.fit": (FIT / "monitoring" / "2026-03-02_WELLNESS.fit").read_bytes(),
    }
    expected = _ingest(tmp_path, files)
    day = expected.daily.set_index("date").loc["2026-03-02"]
    assert day["resting_hr_bpm"] == 51 and day["steps"] == 4000  # the CSV ranks first
    assert day["source"] == "fit"  # the day's HRV came from the FIT file
    for order in itertools.permutations(files.items()):
        _assert_same(_stored(db, _import(db, list(order))), expected)


def test_many_overlapping_files_every_order_matches_ingest(db: Database, tmp_path: Path) -> None:
    files = _files()
    expected = _ingest(tmp_path, files)
    assert len(expected.sessions) >= 3 and len(expected.checkins) == 2
    items = list(files.items())
    orders = [items, items[::-1]] + [
        random.Random(seed).sample(items, len(items)) for seed in range(4)
    ]
    for order in orders:
        _assert_same(_stored(db, _import(db, order)), expected)


def test_a_checkin_entered_in_the_app_wins_per_field_in_either_order(db: Database) -> None:
    now = datetime(2026, 3, 6, 12, tzinfo=UTC)
    entered = {"soreness": 1.0, "pain": 2.0}
    stored = []
    for app_first in (True, False):
        athlete_id = _import(db, [] if app_first else [("checkins.csv", CHECKINS_CSV)])
        with unit_of_work(db.sessions) as work:
            athlete = get_athlete(work, athlete_id)
            assert athlete is not None
            record_checkin(work, athlete, date(2026, 3, 2), entered, now=now)
        if app_first:
            service = UploadService(db.sessions, 0, failure=failure_body, clock=lambda: now)
            with unit_of_work(db.sessions) as work:
                athlete = get_athlete(work, athlete_id)
                assert athlete is not None
                service.submit(work, athlete, file_upload(CHECKINS_CSV, "checkins.csv"))
        checkins = _stored(db, athlete_id).checkins.set_index("date")
        day = checkins.loc["2026-03-02"]
        # the athlete's answers win for the fields they gave; the file's stress and sick stay
        assert (day["soreness"], day["pain"], day["source"]) == (1.0, 2.0, "app")
        assert (day["stress"], day["sick"]) == (2.0, False)
        assert checkins.loc["2026-03-04", "source"] == "csv"
        stored.append(checkins)
    pd.testing.assert_frame_equal(stored[0], stored[1])


def test_a_workout_recorded_twice_across_midnight(db: Database, tmp_path: Path) -> None:
    """A watch's run starting 00:00:40 local and the hand-typed copy starting 23:59:30 the day
    before are one workout (the CSV ranks first), whichever arrives first."""
    files = {
        "watch.csv": (
            b"start,end,sport,source\n2026-03-01T23:00:40Z,2026-03-01T23:50:00Z,running,fit\n"
        ),
        "typed.csv": b"start,end,sport\n2026-03-01T22:59:30Z,2026-03-01T23:49:00Z,running\n",
    }
    expected = _ingest(tmp_path, files)
    assert expected.sessions["source"].tolist() == ["csv"]
    for order in itertools.permutations(files.items()):
        _assert_same(_stored(db, _import(db, list(order))), expected)
