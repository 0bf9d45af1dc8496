"""Benchmark: re-scoring after one new night on a 5-year history, incremental vs full.

A 5-year athlete (nightly values, a workout every other day, a check-in every third day) is
built in a temporary SQLite database through the service layer, as ``readiness import`` does.
Then one more night is uploaded; the re-score it needs (from that night on) is timed against
re-scoring every stored day — the baseline: what every write did before (issue 9).

Target (issue 9): incremental ≤ 100 ms. Run: ``.venv/bin/python benchmarks/rescoring.py``.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

TZ = "Europe/Oslo"
YEARS = 5
FIRST = date(2021, 6, 1)
LAST = FIRST + timedelta(days=YEARS * 365)
NOW = datetime(LAST.year, LAST.month, LAST.day, 19, tzinfo=UTC) + timedelta(days=1)


def _csvs() -> dict[str, bytes]:
    rng = random.Random(9)
    days = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days)]
    daily = ["date,hrv_rmssd_ms,hrv_context,resting_hr_bpm,sleep_total_min,sleep_in_bed_min,steps"]
    sessions = ["start,end,date,sport,avg_hr_bpm,max_hr_bpm,trimp,rpe"]
    checkins = ["date,soreness,stress,stiffness,pain,sick,fatigue"]
    for i, d in enumerate(days):
        sleep = 450 + rng.gauss(0, 25)
        daily.append(
            f"{d},{60 * 2.718 ** rng.gauss(0, 0.08):.1f},nocturnal,{50 + rng.gauss(0, 1.5):.1f},"
            f"{sleep:.0f},{sleep + 25:.0f},{rng.randint(4000, 14000)}"
        )
        if i % 2 == 0:
            start = datetime(d.year, d.month, d.day, 6, tzinfo=UTC)
            minutes = rng.randint(30, 90)
            end = start + timedelta(minutes=minutes)
            sessions.append(
                f"{start:%Y-%m-%dT%H:%M:%SZ},{end:%Y-%m-%dT%H:%M:%SZ},"
                f"{d},running,{rng.randint(130, 155)},{rng.randint(165, 185)},"
                f"{minutes * 1.3:.1f},{rng.randint(3, 8)}"
            )
        if i % 3 == 0:
            checkins.append(f"{d},{rng.randint(1, 4)},{rng.randint(1, 4)},2,1,no,2")
    return {
        name: ("\n".join(lines) + "\n").encode()
        for name, lines in (
            ("daily.csv", daily),
            ("sessions.csv", sessions),
            ("checkins.csv", checkins),
        )
    }


def _median_ms(run: Callable[[], None], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _as_file(folder: Path, name: str, body: bytes, received: Any) -> Any:
    """An upload of ``body`` (the upload service reads files, never bytes)."""
    path = folder / name
    path.write_bytes(body)
    return received.from_path(path)


def main() -> int:
    from readiness.api.errors import failure_body
    from readiness.api.services.accounts import create_athlete, get_athlete
    from readiness.api.services.readiness import read_today, refresh
    from readiness.api.services.uploads import Received, UploadService
    from readiness.api.settings import Settings
    from readiness.api.storage.engine import open_database
    from readiness.api.storage.models import ReadinessRow
    from readiness.api.storage.unit_of_work import unit_of_work
    from sqlalchemy import func, select

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(
            Settings(_env_file=None, database_url=f"sqlite:///{Path(tmp) / 'bench.db'}")  # type: ignore[call-arg]
        )
        service = UploadService(db.sessions, 0, failure=failure_body, clock=lambda: NOW)
        with unit_of_work(db.sessions) as work:
            athlete_id = create_athlete(work, name="five years", timezone=TZ)[0].id
        files = _csvs()
        t = time.perf_counter()
        with unit_of_work(db.sessions) as work:
            service.submit_many(
                work,
                athlete_id,
                [_as_file(Path(tmp), n, b, Received) for n, b in files.items()],
                lambda _: None,
            )
        built = time.perf_counter() - t
        rows = {n: b.count(b"\n") - 1 for n, b in files.items()}
        print(
            f"5-year athlete: {rows['daily.csv']} nights, {rows['sessions.csv']} workouts, "
            f"{rows['checkins.csv']} check-ins (SQLite, through the service layer; built in "
            f"{built:.1f} s)"
        )
        night = f"date,hrv_rmssd_ms,hrv_context,resting_hr_bpm\n{LAST},48.0,nocturnal,55\n".encode()
        t = time.perf_counter()
        with unit_of_work(db.sessions) as work:
            athlete = get_athlete(work, athlete_id)
            assert athlete is not None
            service.submit(work, athlete, _as_file(Path(tmp), "night.csv", night, Received))
        upload_ms = (time.perf_counter() - t) * 1000

        def rescore(since: date | None) -> Callable[[], None]:
            def run() -> None:
                with unit_of_work(db.sessions) as work:
                    work.lock_athlete(athlete_id)
                    refresh(work.session, athlete_id, now=NOW, since=since)
                    work.discard()

            return run

        with db.sessions() as s:
            stored = s.scalar(select(func.count()).select_from(ReadinessRow)) or 0
            rescored = (
                s.scalar(
                    select(func.count()).select_from(ReadinessRow).where(ReadinessRow.date >= LAST)
                )
                or 0
            )
        incremental = _median_ms(rescore(LAST), 7)
        full = _median_ms(rescore(None), 3)

        def today() -> None:
            with unit_of_work(db.sessions) as work:
                athlete = get_athlete(work, athlete_id)
                assert athlete is not None and read_today(work, athlete, now=NOW) is not None

        today_ms = _median_ms(today, 7)
        db.dispose()
    print(
        f"re-score after one new night: incremental {incremental:.1f} ms ({rescored} days) | "
        f"full {full:.1f} ms ({stored} days, baseline) | ratio {full / incremental:.0f}x "
        f"(target incremental ≤ 100 ms)"
    )
    print(
        f"upload of that night end to end (store, merge, incremental re-score): {upload_ms:.1f} ms"
    )
    print(f"today's evaluation (scored at the request's instant, never stored): {today_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
