"""An athlete with five years of data exports fine: every row, in bounded memory."""

from __future__ import annotations

import csv
import io
import tracemalloc
import zipfile
from datetime import UTC, date, datetime

from readiness.api.errors import failure_body
from readiness.api.services.accounts import create_athlete, get_athlete
from readiness.api.services.export import MEMORY_BYTES, write_export
from readiness.api.services.readiness import MAX_STORED_DAYS
from readiness.api.services.uploads import UploadService
from readiness.api.storage.engine import Database
from readiness.api.storage.unit_of_work import unit_of_work

from tests.api.builders import daily_csv, file_upload, sessions_csv

END = date(2026, 4, 30)
NOW = datetime(2026, 5, 1, 18, tzinfo=UTC)
DAYS = 5 * 365 + 1


def _rows(zf: zipfile.ZipFile, name: str) -> int:
    with zf.open(name) as raw:
        return sum(1 for _ in csv.reader(io.TextIOWrapper(raw, encoding="utf-8"))) - 1


def test_five_years_export_in_bounded_memory(db: Database) -> None:
    service = UploadService(
        db.sessions, background_bytes=0, failure=failure_body, clock=lambda: NOW
    )
    with unit_of_work(db.sessions) as work:
        athlete_id = create_athlete(work, name="long", timezone="Europe/Oslo")[0].id
    for body, name in (
        (daily_csv(END, days=DAYS, seed=5), "daily.csv"),
        (sessions_csv(END, days=DAYS, seed=6), "sessions.csv"),
    ):
        with unit_of_work(db.sessions) as work:
            athlete = get_athlete(work, athlete_id)
            assert athlete is not None
            service.submit(work, athlete, file_upload(body, name))
    with unit_of_work(db.sessions) as work:
        athlete = get_athlete(work, athlete_id)
        assert athlete is not None
        tracemalloc.start()
        try:
            zipped = write_export(work, athlete, now=NOW)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    with zipped:
        size = zipped.seek(0, io.SEEK_END)
        zipped.seek(0)
        zf = zipfile.ZipFile(zipped)
        assert _rows(zf, "daily.csv") == DAYS
        assert _rows(zf, "sessions.csv") == (DAYS + 1) // 2
        stored = _rows(zf, "readiness.csv")
        assert MAX_STORED_DAYS <= stored <= MAX_STORED_DAYS + 1
        assert len(zf.read("readiness.jsonl").splitlines()) == stored
    # the zip is not held whole (it spools past MEMORY_BYTES) and rows are read in chunks
    print("PEAK", peak, "SIZE", size)
    assert peak < MEMORY_BYTES + 48 * 1024 * 1024, (peak, size)
