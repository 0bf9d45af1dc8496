"""Benchmark: ``GET /v1/teams/{id}/readiness/today`` for a team of 50 members, on SQLite and
PostgreSQL.

Usage::

    .venv/bin/python benchmarks/triage.py                 # SQLite; --members 50 --rounds 30
    .venv/bin/python benchmarks/triage.py --postgres URL  # a fresh schema on that server

One real server process (uvicorn, one worker, the real clock) on loopback. Each member gets 90
days of nights and workouts (the generic CSV of the tests) and joins the team by an invitation.
Then the coach asks for the triage: ``cold`` is the first request of a minute (each member's
today is scored for that minute, as their own ``/v1/readiness/today`` would be), ``warm`` the
requests after it within the same minute (served from the process's cache; each still reads
every member's row), ``one write`` the request after one member sent a check-in (that member is
scored again). The script prints the median and the 95th percentile of each in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from daily_endpoint import process  # a server process for the length of a block
from uploads import free_port  # the port helper of the upload benchmark

from tests.api.builders import daily_csv, sessions_csv

ADMIN = "bench-admin-token"
TZ = "Europe/Oslo"


def _today() -> date:
    """The members' local today."""
    return datetime.now(ZoneInfo(TZ)).date()


def _postgres_schema(base: str) -> tuple[str, str]:
    schema = "readiness_bench_" + uuid.uuid4().hex[:10]
    import sqlalchemy as sa

    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", schema


def _drop_schema(base: str, schema: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1e3:7.1f} ms, p95 {p95 * 1e3:7.1f} ms"


def _fill(base: str, members: int) -> tuple[str, int, list[str]]:
    admin = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=120)
    coach = admin.post("/v1/coaches", json={"name": "Bench coach"}).json()
    team = admin.post("/v1/teams", json={"name": "Bench", "coach_ids": [coach["id"]]}).json()
    ckey = coach["api_key"]
    c = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {ckey}"}, timeout=120)
    end = _today() - timedelta(days=1)
    keys = []
    for i in range(members):
        made = admin.post("/v1/athletes", json={"name": f"Member {i:02d}", "timezone": TZ})
        key = made.json()["api_key"]
        keys.append(key)
        a = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120)
        for name, body in (
            ("daily.csv", daily_csv(end, 90, seed=i)),
            ("sessions.csv", sessions_csv(end, 90, seed=i)),
        ):
            r = a.post("/v1/uploads", files={"file": (name, body, "text/csv")})
            assert r.status_code == 201, r.text
        code = c.post(f"/v1/teams/{team['id']}/invitations").json()["code"]
        assert a.post(f"/v1/invitations/{code}/accept").status_code == 200
    return ckey, team["id"], keys


def run(database: str, members: int, rounds: int, label: str) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "READINESS_NOW"},
        "DATABASE_URL": database,
        "READINESS_ADMIN_TOKEN": ADMIN,
    }
    cmd = [
        sys.executable,
        *("-m", "uvicorn", "--factory", "readiness.api.app:create_app"),
        *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp) / "server.log"
        with process(cmd, env, base + "/healthz", logs):
            t0 = time.perf_counter()
            ckey, team_id, keys = _fill(base, members)
            print(f"[{label}] {members} members filled in {time.perf_counter() - t0:.0f} s")
            coach = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {ckey}"})
            path = f"/v1/teams/{team_id}/readiness/today"
            cold: list[float] = []
            warm: list[float] = []
            wrote: list[float] = []
            member = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {keys[0]}"})
            for i in range(rounds):
                # start each round in a fresh minute: the first request scores every member
                while i and time.time() % 60 > 1:
                    time.sleep(0.2)
                t = time.perf_counter()
                r = coach.get(path)
                cold.append(time.perf_counter() - t)
                assert r.status_code == 200 and len(r.json()) == members, r.text
                for _ in range(10):
                    t = time.perf_counter()
                    assert coach.get(path).status_code == 200
                    warm.append(time.perf_counter() - t)
                checkin = {"date": str(_today()), "stress": 1 + i % 5}
                assert member.post("/v1/checkins", json=checkin).status_code < 300
                t = time.perf_counter()
                assert coach.get(path).status_code == 200
                wrote.append(time.perf_counter() - t)
            print(f"[{label}] cold (first of a minute): {_ms(cold)}  ({len(cold)} rounds)")
            print(f"[{label}] warm:                     {_ms(warm)}  ({len(warm)} requests)")
            print(f"[{label}] after one member's write:  {_ms(wrote)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="minutes measured (cold requests)")
    parser.add_argument("--postgres", metavar="URL", help="run on this PostgreSQL server")
    args = parser.parse_args()
    if args.postgres:
        url, schema = _postgres_schema(args.postgres)
        try:
            run(url, args.members, args.rounds, "postgres")
        finally:
            _drop_schema(args.postgres, schema)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.members, args.rounds, "sqlite")


if __name__ == "__main__":
    main()
