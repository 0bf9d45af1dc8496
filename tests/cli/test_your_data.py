"""``readiness uploads list|delete``, ``export``, ``keys rotate`` and ``athletes delete``."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from readiness.api.services.accounts import athlete_by_key
from readiness.api.storage.blobs import BlobStore
from readiness.api.storage.erasure import athlete_tables
from readiness.api.storage.unit_of_work import unit_of_work
from readiness.ingest import DAILY

from tests.api.builders import daily_csv
from tests.cli.conftest import Runner

TZ = "Europe/Oslo"


def _resting_hr(days: list[date], bpm: float) -> bytes:
    lines = ["date,resting_hr_bpm"] + [f"{d},{bpm}" for d in days]
    return ("\n".join(lines) + "\n").encode()


def _daily_rows(zip_path: Path) -> list[dict[str, str]]:
    with zipfile.ZipFile(zip_path) as zf, zf.open("daily.csv") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def _counts(db: Path, athlete_id: int) -> dict[str, int]:
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return {
                t.name: conn.scalar(
                    sa.select(sa.func.count())
                    .select_from(t)
                    .where((t.c.id if t.name == "athletes" else t.c.athlete_id) == athlete_id)
                )
                for t in athlete_tables()
            }
    finally:
        engine.dispose()


def _knows_key(db: Path, key: str) -> bool:
    from readiness.api.settings import Settings
    from readiness.api.storage.engine import open_database

    database = open_database(Settings(_env_file=None, database_url=f"sqlite:///{db}"))  # type: ignore[call-arg]
    try:
        with unit_of_work(database.sessions) as work:
            return athlete_by_key(work, key) is not None
    finally:
        database.dispose()


def test_delete_export_rotate_and_leave(
    run: Runner, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    db = tmp_path_factory.mktemp("db") / "cli.db"
    made = run(["athletes", "create", "--name", "Mine", "--tz", TZ], db, tmp_path)
    assert made.returncode == 0, made.stderr
    athlete = re.search(r"athlete (\d+) created", made.stdout).group(1)  # type: ignore[union-attr]
    key = re.search(r"API key .*: (rdy_\S+)", made.stdout).group(1)  # type: ignore[union-attr]
    end = datetime.now(ZoneInfo(TZ)).date() - timedelta(days=1)
    last5 = [end - timedelta(days=i) for i in range(4, -1, -1)]
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(daily_csv(end, days=30, seed=1201))
    second.write_bytes(_resting_hr(last5, 63.0))
    # the first file was also sent through the API: its blob is in the shared data folder
    blob = BlobStore((tmp_path / "readiness-data").resolve()).put_file(first)
    imported = run(["import", "--athlete", athlete, str(first), str(second)], db, tmp_path)
    assert imported.returncode == 0, imported.stderr

    listed = run(["uploads", "list", "--athlete", athlete, "--json"], db, tmp_path)
    assert listed.returncode == 0, listed.stderr
    uploads = {u["filename"]: u for u in json.loads(listed.stdout)}
    assert set(uploads) == {"first.csv", "second.csv"}
    assert uploads["first.csv"]["status"] == "done" and uploads["first.csv"]["days"] == 30
    plain = run(["uploads", "list", "--athlete", athlete], db, tmp_path)
    assert uploads["second.csv"]["id"] in plain.stdout and "2 upload(s)" in plain.stdout

    gone_id = uploads["first.csv"]["id"]
    gone = run(["uploads", "delete", "--athlete", athlete, gone_id], db, tmp_path)
    assert gone.returncode == 0, gone.stderr
    assert f"upload {gone_id} deleted" in gone.stdout
    assert not blob.path.exists()
    again = run(["uploads", "delete", "--athlete", athlete, gone_id], db, tmp_path)
    assert again.returncode == 2
    assert again.stderr.strip() == f"readiness: no upload {gone_id} in your account"

    out = tmp_path / "export" / "mine.zip"
    out.parent.mkdir()
    exported = run(["export", "--athlete", athlete, "--out", str(out)], db, tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert str(out) in exported.stdout
    rows = _daily_rows(out)
    assert [r["date"] for r in rows] == [str(d) for d in last5]
    assert {r["resting_hr_bpm"] for r in rows} == {"63.0"}
    with zipfile.ZipFile(out) as zf:
        readme = zf.read("README.md").decode()
    assert all(f"| `{c}` |" in readme for c in DAILY.names)
    unwritable = run(
        ["export", "--athlete", athlete, "--out", str(tmp_path / "no" / "such" / "x.zip")],
        db,
        tmp_path,
    )
    assert unwritable.returncode == 2 and unwritable.stderr.startswith("readiness: ")
    assert "Traceback" not in unwritable.stderr

    rotated = run(["keys", "rotate", "--athlete", athlete], db, tmp_path)
    assert rotated.returncode == 0, rotated.stderr
    new_key = re.search(r"API key .*: (rdy_\S+)", rotated.stdout).group(1)  # type: ignore[union-attr]
    assert new_key != key
    assert not _knows_key(db, key) and _knows_key(db, new_key)

    refused = run(["athletes", "delete", "--athlete", athlete], db, tmp_path)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert _counts(db, int(athlete))["daily"] == 5
    left = run(["athletes", "delete", "--athlete", athlete, "--yes"], db, tmp_path)
    assert left.returncode == 0, left.stderr
    assert f"athlete {athlete} (Mine) deleted" in left.stdout
    counts = _counts(db, int(athlete))
    assert counts == dict.fromkeys(counts, 0)
    assert not _knows_key(db, new_key)
    assert run(["today", "--athlete", athlete], db, tmp_path).returncode == 2


@pytest.mark.parametrize(
    "args",
    [
        ["uploads", "list", "--athlete", "999"],
        ["uploads", "delete", "--athlete", "999", "abc"],
        ["export", "--athlete", "999", "--out", "x.zip"],
        ["keys", "rotate", "--athlete", "999"],
        ["athletes", "delete", "--athlete", "999", "--yes"],
    ],
)
def test_unknown_athlete_is_one_line(
    run: Runner, args: list[str], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    db = tmp_path_factory.mktemp("db") / "none.db"
    ran = run(args, db, tmp_path)
    assert ran.returncode == 2
    assert ran.stderr.strip() == "readiness: no athlete 999"
    assert not (tmp_path / "x.zip").exists()
