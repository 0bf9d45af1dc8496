"""Your data: delete an upload, export everything, delete the account, rotate the key — on
SQLite and PostgreSQL, through the real server, with the rows counted in its database."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from readiness.api.services.export import FEEDBACK_COLUMNS, READINESS_COLUMNS, UPLOAD_COLUMNS
from readiness.api.storage.erasure import athlete_tables
from readiness.ingest import CHECKINS, DAILY, SESSIONS, read_bytes

from tests.api.builders import (
    assert_problem,
    checkins_csv,
    daily_csv,
    sessions_csv,
    upload,
)
from tests.api.conftest import BACKGROUND_MB, Server


@pytest.fixture
def database(server: Server) -> Iterator[sa.Engine]:
    """The server's own database, to count rows in."""
    engine = sa.create_engine(server.database)
    yield engine
    engine.dispose()


def row_counts(engine: sa.Engine, athlete_id: int) -> dict[str, int]:
    """Rows naming the athlete in every table (and its waiting jobs on PostgreSQL)."""
    counts = {}
    with engine.connect() as conn:
        for table in athlete_tables():
            column = table.c.id if table.name == "athletes" else table.c.athlete_id
            counts[table.name] = conn.scalar(
                sa.select(sa.func.count()).select_from(table).where(column == athlete_id)
            )
        if engine.dialect.name == "postgresql":
            counts["procrastinate_jobs"] = conn.scalar(
                sa.text("SELECT count(*) FROM procrastinate_jobs WHERE lock = :lock"),
                {"lock": f"athlete-{athlete_id}"},
            )
    return counts


def blob_path(server: Server, sha: str) -> Path:
    """Where the server keeps the blob of ``sha`` (its READINESS_DATA_DIR is the default)."""
    return server.log.parent / "readiness-data" / "blobs" / sha[:2] / sha[2:]


def resting_hr_csv(days: list[date], bpm: float) -> bytes:
    lines = ["date,resting_hr_bpm,sleep_score"]
    lines += [f"{d},{bpm},{80 + i % 5}" for i, d in enumerate(days)]
    return ("\n".join(lines) + "\n").encode()


def days_of(client: Any, start: date, end: date) -> list[dict[str, Any]]:
    r = client.get("/v1/days", params={"start": str(start), "end": str(end), "limit": 366})
    assert r.status_code == 200, r.text
    data: list[dict[str, Any]] = r.json()["data"]
    return data


def readiness_of(client: Any, start: date, end: date) -> list[dict[str, Any]]:
    r = client.get("/v1/readiness", params={"start": str(start), "end": str(end), "limit": 366})
    assert r.status_code == 200, r.text
    data: list[dict[str, Any]] = r.json()["data"]
    return data


def test_deleting_one_of_two_overlapping_uploads_rebuilds_from_the_other(
    server: Server,
) -> None:
    x = server.athlete("two files")
    y = server.athlete("only the second")
    end = x.today() - timedelta(days=1)
    start = end - timedelta(days=39)
    overlap = [end - timedelta(days=i) for i in range(9, -1, -1)]
    first = daily_csv(end, days=40, seed=1101)  # HRV, resting HR, sleep, steps
    second = resting_hr_csv(overlap, 61.5)  # resting HR and sleep score, the last 10 days
    with server.client(x.key) as cx:
        a = upload(cx, first, "first.csv").json()
        b = upload(cx, second, "second.csv").json()
        assert len(days_of(cx, start, end)) == 40
        before = readiness_of(cx, start, x.today())
        assert before[-1]["nervous_system_stress"] is not None  # HRV from the first file
        assert blob_path(server, a["sha256"]).is_file()

        gone = cx.delete(f"/v1/uploads/{a['id']}")
        assert gone.status_code == 204, gone.text
        assert gone.content == b""

        rows = days_of(cx, start, end)
        assert [r["date"] for r in rows] == [str(d) for d in overlap]
        assert {r["resting_hr_bpm"] for r in rows} == {61.5}  # the second file's value stays
        assert all(r["hrv_rmssd_ms"] is None and r["steps"] is None for r in rows)
        after = readiness_of(cx, start, x.today())
        assert after[0]["date"] == str(overlap[0])  # days only the first file gave have none
        assert after[-1]["nervous_system_stress"] != before[-1]["nervous_system_stress"]
        assert_problem(cx.get(f"/v1/readiness/{start}"), 404)
        assert cx.get("/v1/me").json()["first_day"] == str(overlap[0])
        assert not blob_path(server, a["sha256"]).exists()
        assert blob_path(server, b["sha256"]).is_file()

        assert_problem(cx.get(f"/v1/uploads/{a['id']}"), 404)
        again = assert_problem(cx.delete(f"/v1/uploads/{a['id']}"), 404)
        assert again["detail"] == f"no upload {a['id']} in your account"
        assert [u["id"] for u in cx.get("/v1/uploads").json()["data"]] == [b["id"]]
        rebuilt_days, rebuilt_calls = rows, after
    # exactly what an athlete who only ever sent the second file has
    with server.client(y.key) as cy:
        assert upload(cy, second, "second.csv").status_code == 201
        assert days_of(cy, start, end) == rebuilt_days
        assert readiness_of(cy, start, y.today()) == rebuilt_calls


def test_deleting_an_upload_keeps_a_blob_another_athlete_shares(server: Server) -> None:
    x = server.athlete("shares 1")
    z = server.athlete("shares 2")
    data = checkins_csv(x.today() - timedelta(days=1), days=6)
    with server.client(x.key) as cx, server.client(z.key) as cz:
        mine = upload(cx, data, "c.csv").json()
        theirs = upload(cz, data, "c.csv").json()
        assert mine["sha256"] == theirs["sha256"]
        assert cx.delete(f"/v1/uploads/{mine['id']}").status_code == 204
        assert blob_path(server, mine["sha256"]).is_file()  # z's upload still needs it
        assert cz.get(f"/v1/uploads/{theirs['id']}").json()["status"] == "done"
        assert_problem(cz.delete(f"/v1/uploads/{mine['id']}"), 404)  # not z's upload
        assert cz.delete(f"/v1/uploads/{theirs['id']}").status_code == 204
        assert not blob_path(server, mine["sha256"]).exists()


def big_daily(end: date, seed: int) -> bytes:
    """A daily file over READINESS_BACKGROUND_MB: read by a job (202)."""
    return daily_csv(end, days=60, seed=seed, pad=int(BACKGROUND_MB * 1024 * 1024 / 50))


def test_deleting_a_queued_upload_cancels_its_job(server: Server, database: sa.Engine) -> None:
    x = server.athlete("cancels")
    end = x.today() - timedelta(days=1)
    with server.client(x.key) as cx:
        queued = upload(cx, big_daily(end, seed=1102), "big.csv")
        assert queued.status_code == 202, queued.text
        assert cx.delete(f"/v1/uploads/{queued.json()['id']}").status_code == 204
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # whatever the job was doing, it stores nothing
            counts = row_counts(database, x.id)
            if counts.get("procrastinate_jobs", 0) == 0:
                break
            time.sleep(0.2)
        time.sleep(1.0)
        assert days_of(cx, end - timedelta(days=59), end) == []
        assert_problem(cx.get(f"/v1/uploads/{queued.json()['id']}"), 404)
    counts = row_counts(database, x.id)
    assert {t: n for t, n in counts.items() if n} == {"athletes": 1, "api_keys": 1}


def _zip_csv(zf: zipfile.ZipFile, name: str) -> tuple[list[str], list[dict[str, str]]]:
    with zf.open(name) as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def test_export_is_a_zip_of_csvs_with_a_readme(server: Server) -> None:
    x = server.athlete("exports")
    end = x.today() - timedelta(days=1)
    with server.client(x.key) as cx:
        assert upload(cx, daily_csv(end, days=30, seed=1103), "d.csv").status_code == 201
        assert upload(cx, sessions_csv(end, days=30, seed=1104), "s.csv").status_code == 201
        assert upload(cx, checkins_csv(end, days=5), "c.csv").status_code == 201
        rating = {"date": str(end), "action": "rest", "helped": 4, "note": "slept, better"}
        assert cx.post("/v1/feedback", json=rating).status_code == 201
        span = (end - timedelta(days=29), x.today())
        days = days_of(cx, *span)
        calls = readiness_of(cx, *span)
        workouts = cx.get("/v1/sessions", params={"start": str(span[0]), "end": str(end)}).json()
        r = cx.get("/v1/export")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    disposition = r.headers["content-disposition"]
    assert disposition == f'attachment; filename="readiness-export-athlete-{x.id}-{x.today()}.zip"'
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    assert zf.testzip() is None
    assert set(zf.namelist()) == {
        "daily.csv",
        "sessions.csv",
        "checkins.csv",
        "feedback.csv",
        "readiness.csv",
        "readiness.jsonl",
        "uploads.csv",
        "README.md",
    }
    expected = {
        "daily.csv": (DAILY.names, 30),
        "sessions.csv": (SESSIONS.names, workouts["count"]),
        "checkins.csv": (CHECKINS.names, 5),
        "feedback.csv": ([c.name for c in FEEDBACK_COLUMNS], 1),
        "readiness.csv": ([c.name for c in READINESS_COLUMNS], len(calls)),
        "uploads.csv": ([c.name for c in UPLOAD_COLUMNS], 3),
    }
    readme = zf.read("README.md").decode()
    for name, (header, count) in expected.items():
        got_header, rows = _zip_csv(zf, name)
        assert got_header == header, name
        assert len(rows) == count, name
        assert f"| `{name}` | {count} |" in readme
        for column in header:  # the README describes every column
            assert f"| `{column}` |" in readme, (name, column)
    _, daily_rows = _zip_csv(zf, "daily.csv")
    assert [r["date"] for r in daily_rows] == [d["date"] for d in days]
    assert [float(r["hrv_rmssd_ms"]) for r in daily_rows] == [d["hrv_rmssd_ms"] for d in days]
    assert {r["sleep_start"] for r in daily_rows} == {""}  # missing is an empty cell
    _, feedback = _zip_csv(zf, "feedback.csv")
    assert feedback[0]["note"] == "slept, better" and feedback[0]["helped"] == "4"
    _, checkins = _zip_csv(zf, "checkins.csv")
    assert {r["sick"] for r in checkins} == {"false"}
    # readiness: the flat rows and the full objects agree with the API, day by day
    _, flat = _zip_csv(zf, "readiness.csv")
    full = [json.loads(line) for line in zf.read("readiness.jsonl").decode().splitlines()]
    assert full == calls
    for row, call in zip(flat, calls, strict=True):
        assert row["date"] == call["date"]
        assert row["action"] == call["recommendation"]["action"]
        assert row["rule"] == call["recommendation"]["rule"]
        stress = call["nervous_system_stress"]
        assert row["stress_band"] == (stress["band"] if stress else "")
        assert row["warmth_band"] == call["warmth"]["band"]
    # the timeline files read again as readiness's own CSV format
    again = read_bytes(zf.read("daily.csv"), "daily.csv")
    assert len(again.daily) == 30 and list(again.daily["hrv_rmssd_ms"].round(3)) == [
        d["hrv_rmssd_ms"] for d in days
    ]
    assert len(read_bytes(zf.read("sessions.csv"), "sessions.csv").sessions) == workouts["count"]


def test_export_of_an_athlete_without_data_has_headers_only(server: Server) -> None:
    x = server.athlete("empty export")
    with server.client(x.key) as cx:
        r = cx.get("/v1/export")
    assert r.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    header, rows = _zip_csv(zf, "daily.csv")
    assert header == DAILY.names and rows == []
    assert zf.read("readiness.jsonl") == b""


def test_delete_me_removes_every_row_and_blob_and_the_key(
    server: Server, database: sa.Engine
) -> None:
    x = server.athlete("leaves")
    other = server.athlete("stays")
    end = x.today() - timedelta(days=1)
    shas = []
    for who, seed in ((x, 1105), (other, 1106)):
        with server.client(who.key) as c:
            for name, data in (
                ("d.csv", daily_csv(end, days=20, seed=seed)),
                ("s.csv", sessions_csv(end, days=20, seed=seed)),
                ("c.csv", checkins_csv(end, days=4)),
            ):
                made = upload(c, data, name)
                assert made.status_code == 201, made.text
                shas.append(made.json()["sha256"])
            assert c.post("/v1/checkins", json={"date": str(end), "pain": 2}).status_code == 200
            rating = {"date": str(end), "action": "rest", "helped": 2}
            assert c.post("/v1/feedback", json=rating).status_code == 201
    mine, shared = shas[:2], shas[2]  # the check-in files of both are the same bytes
    assert shared == shas[5]
    with server.client(x.key) as cx:
        assert upload(cx, big_daily(end, seed=1107), "big.csv").status_code == 202
    kept = row_counts(database, other.id)
    before = row_counts(database, x.id)
    for table in ("daily", "sessions", "checkins", "upload_daily", "feedback", "readiness"):
        assert before[table] > 0, table

    with server.client(x.key) as cx:
        gone = cx.delete("/v1/me")
        assert gone.status_code == 204, gone.text
        assert_problem(cx.get("/v1/me"), 401)
        assert_problem(cx.get("/v1/readiness/today"), 401)
        assert_problem(cx.delete("/v1/me"), 401)
    deadline = time.monotonic() + 15
    while row_counts(database, x.id).get("procrastinate_jobs", 0) and time.monotonic() < deadline:
        time.sleep(0.2)  # a job that was running ends by itself, storing nothing
    time.sleep(0.5)
    after = row_counts(database, x.id)
    assert after == dict.fromkeys(after, 0)
    assert set(after) >= {
        "daily",
        "sessions",
        "checkins",
        "upload_daily",
        "upload_sessions",
        "upload_checkins",
        "feedback",
        "readiness",
        "uploads",
        "api_keys",
        "athletes",
    }
    for sha in mine:
        assert not blob_path(server, sha).exists()
    assert blob_path(server, shared).is_file()  # the other athlete's upload still needs it
    assert row_counts(database, other.id) == kept  # nobody else lost anything
    with server.client(other.key) as co:
        assert co.get("/v1/readiness/today").status_code == 200


def test_rotating_the_key_revokes_the_old_one(server: Server) -> None:
    x = server.athlete("rotates")
    with server.client(x.key) as old:
        r = old.post("/v1/me/keys")
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["api_key"].startswith("rdy_") and body["api_key"] != x.key
        assert body["prefix"] == body["api_key"][:10]
        assert_problem(old.get("/v1/me"), 401)
        assert_problem(old.post("/v1/me/keys"), 401)
    with server.client(body["api_key"]) as new:
        me = new.get("/v1/me")
        assert me.status_code == 200 and me.json()["id"] == x.id


def test_your_data_endpoints_are_documented(server: Server) -> None:
    with server.client() as c:
        paths = c.get("/openapi.json").json()["paths"]
        assert_problem(c.delete("/v1/me"), 401)
        assert_problem(c.get("/v1/export"), 401)
    problem = "application/problem+json"
    delete_upload = paths["/v1/uploads/{upload_id}"]["delete"]["responses"]
    assert {"204", "401", "404", "422"} <= set(delete_upload)
    assert problem in delete_upload["404"]["content"]
    export = paths["/v1/export"]["get"]["responses"]
    assert "application/zip" in export["200"]["content"] and problem in export["401"]["content"]
    assert {"204", "401"} <= set(paths["/v1/me"]["delete"]["responses"])
    assert {"201", "401"} <= set(paths["/v1/me/keys"]["post"]["responses"])


def test_requests_racing_an_account_deletion_get_401_never_500(
    server: Server, database: sa.Engine
) -> None:
    x = server.athlete("races")
    end = x.today() - timedelta(days=1)
    with server.client(x.key) as cx:
        assert upload(cx, daily_csv(end, days=20, seed=1108), "d.csv").status_code == 201

    def send(i: int) -> int:
        with server.client(x.key) as c:
            if i % 2:
                return c.delete("/v1/me").status_code
            day = end - timedelta(days=i)
            return c.post("/v1/checkins", json={"date": str(day), "stress": 3}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(send, range(6)))
    assert statuses.count(204) == 1, statuses
    assert set(statuses) <= {200, 201, 204, 401}, statuses
    counts = row_counts(database, x.id)
    assert counts == dict.fromkeys(counts, 0)


def test_a_new_athlete_never_sees_a_deleted_athletes_served_day(server: Server) -> None:
    """SQLite gives a deleted athlete's id to the next athlete created; with the same data
    version the cached today of the deleted one must still not be served to the new one."""
    gone = server.athlete("deleted")
    end = gone.today() - timedelta(days=1)
    with server.client(gone.key) as c:
        assert upload(c, daily_csv(end, days=20), "d.csv").status_code == 201
        calm = {"date": str(gone.today()), "stress": 2}
        assert c.post("/v1/checkins", json=calm).status_code in (200, 201)  # two writes, as below
        before = c.get("/v1/readiness/today")
        assert before.status_code == 200 and before.json()["recommendation"]["rule"] != "R0"
        assert c.delete("/v1/me").status_code == 204
    new = server.athlete("created after")
    with server.client(new.key) as c:
        assert upload(c, daily_csv(end, days=40), "d.csv").status_code == 201
        body = {"date": str(new.today()), "pain": 5, "pain_site": "left knee"}
        assert c.post("/v1/checkins", json=body).status_code in (200, 201)
        today = c.get("/v1/readiness/today")
    assert today.status_code == 200, today.text
    assert today.json()["recommendation"]["rule"] == "R0", (gone.id, new.id, today.json())
