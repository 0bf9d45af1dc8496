"""Benchmark: what one athlete-year costs in PostgreSQL, and one daily sync in worker time.

Usage::

    .venv/bin/python benchmarks/storage.py

One athlete in a fresh PostgreSQL schema (``READINESS_BENCH_POSTGRES_URL``, default the local
server's ``test`` database), through the running service (``readiness serve --no-worker`` plus
one ``readiness worker``): a year of a Garmin account (the 365-day zip of
``benchmarks/uploads.py``) plus a year of check-ins. Prints, per table, the rows and the bytes
(``pg_total_relation_size``: heap, indexes and TOAST) of that athlete-year, the blob bytes, and
then the worker time of one ordinary daily sync (one more day's FIT files and a check-in, on
top of the year) — the figures docs/deployment.md sizes the road to a million athletes from.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from uploads import (  # the service launcher and inputs of the upload benchmark
    garmin_account_zip,
    postgres_schema,
    service,
    upload_and_wait,
)

TABLES = (
    "daily",
    "sessions",
    "checkins",
    "upload_daily",
    "upload_sessions",
    "upload_checkins",
    "readiness",
    "uploads",
    "feedback",
    "procrastinate_jobs",
    "procrastinate_events",
)


def checkins_year(start: date, days: int) -> bytes:
    rows = ["date,soreness,stress,fatigue,mood,sleep_quality"]
    for i in range(days):
        rows.append(f"{start + timedelta(days=i)},{1 + i % 3},{1 + i % 4},2,3,3")
    return ("\n".join(rows) + "\n").encode()


def one_day_zip(year_zip: Path, day: str) -> bytes:
    """The FIT files of one day from the year's nested zip (an ordinary daily sync)."""
    with zipfile.ZipFile(year_zip) as outer:
        inner_name = next(n for n in outer.namelist() if n.endswith(".zip"))
        with zipfile.ZipFile(io.BytesIO(outer.read(inner_name))) as inner:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
                for name in inner.namelist():
                    if name.startswith(day):
                        out.writestr(name, inner.read(name))
    return buf.getvalue()


def main() -> int:
    year = garmin_account_zip()
    with tempfile.TemporaryDirectory() as tmp, postgres_schema() as pg:
        if pg is None:
            return 0
        work = Path(tmp)
        ci = work / "checkins.csv"
        ci.write_bytes(checkins_year(date(2026, 2, 2), 365))
        with service(pg, work, workers=1) as svc:
            key = svc.athlete("sizing")
            upload_and_wait(svc.url, key, year)
            upload_and_wait(svc.url, key, ci)
            engine = sa.create_engine(pg)
            with engine.connect() as conn:
                print("one athlete-year in PostgreSQL (365 days, 296 workouts, 365 check-ins)")
                total_rows = total_bytes = 0
                for table in TABLES:
                    rows = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                    size = conn.execute(
                        sa.text(f"SELECT pg_total_relation_size('{table}')")
                    ).scalar_one()
                    total_rows += rows
                    total_bytes += size
                    print(f"  {table:<22} {rows:7d} rows {size / 1024:9.0f} KiB")
                print(f"  {'total':<22} {total_rows:7d} rows {total_bytes / 1024:9.0f} KiB")
            blobs = sum(p.stat().st_size for p in (work / "data").rglob("*") if p.is_file())
            print(f"  blobs (uploaded originals): {blobs / 1024:.0f} KiB")
            day_zip = work / "one_day.zip"
            day_zip.write_bytes(one_day_zip(year, "2026-06-01"))
            day_ci = work / "one_day_checkin.csv"
            day_ci.write_bytes(checkins_year(date(2027, 2, 2), 1))
            t0 = time.perf_counter()
            upload_and_wait(svc.url, key, day_zip)
            upload_and_wait(svc.url, key, day_ci)
            sync = time.perf_counter() - t0
            print(
                f"one daily sync on top of the year (a day's FIT files + a check-in, 2 uploads): "
                f"{sync * 1000:.0f} ms upload to done"
            )
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
