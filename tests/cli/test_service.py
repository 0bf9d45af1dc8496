"""``readiness athletes create``, ``import``, ``today``, ``serve`` and ``demo``, as run by users."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import anyio
import httpx
import pytest
from dotenv import dotenv_values
from readiness.api import Settings, create_app
from readiness.api.cli.service import _read_manifest, demo_instant
from readiness.api.cli.wording import action_words

from tests.api.builders import checkins_csv, daily_csv, sessions_csv
from tests.api.conftest import _free_port
from tests.cli.conftest import Runner

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"


def test_create_import_today(
    run: Runner, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    db = tmp_path_factory.mktemp("db") / "cli.db"  # not inside the folder that is imported
    made = run(["athletes", "create", "--name", "Cli", "--tz", "America/New_York"], db, tmp_path)
    assert made.returncode == 0, made.stderr
    athlete_id = re.search(r"athlete (\d+) created", made.stdout).group(1)  # type: ignore[union-attr]
    key = re.search(r"API key .*: (rdy_\S+)", made.stdout).group(1)  # type: ignore[union-attr]
    assert len(key) > 40

    today = datetime.now(ZoneInfo("America/New_York")).date()
    end = today - timedelta(days=1)
    files = []
    for name, data in (
        ("daily.csv", daily_csv(end, days=40, pad=3)),  # an unknown column: one warning
        ("sessions.csv", sessions_csv(end, days=40)),
        ("checkins.csv", checkins_csv(end, days=10)),
        ("README.md", b"# notes, skipped\n"),
    ):
        (tmp_path / name).write_bytes(data)
        files.append(str(tmp_path / name))
    first = run(["import", "--athlete", athlete_id, *files], db, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "3 file(s) imported, 0 already imported, 0 failed (new: 40 days, " in first.stderr
    assert "clock pinned" not in first.stderr  # the real clock: nothing to say
    # each file's counts and warnings, as the API's upload answer gives them
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db}")  # type: ignore[call-arg]
    (page,) = anyio.run(_get, create_app(settings), key, ["/v1/uploads"])
    uploads = page["data"]
    assert isinstance(uploads, list) and len(uploads) == 3
    for up in uploads:
        head = (
            f"{tmp_path / up['filename']}: imported ({up['format']}): {up['days']} day(s), "
            f"{up['sessions']} session(s), {up['checkins']} check-in(s), "
            f"{len(up['warnings'])} warning(s)"
        )
        assert head in first.stdout.splitlines()
    (daily,) = [u for u in uploads if u["filename"] == "daily.csv"]
    assert daily["days"] == 40 and len(daily["warnings"]) == 1
    warning = daily["warnings"][0]
    assert f"  warning: {warning['file']}: {warning['message']}" in first.stdout.splitlines()
    assert "padding" in warning["message"]
    again = run(["import", "--athlete", athlete_id, str(tmp_path)], db, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 file(s) imported, 3 already imported, 0 failed (new: 0 days, " in again.stderr
    assert f"{tmp_path / 'daily.csv'}: already imported (generic_csv): 40 day(s)" in again.stdout

    (tmp_path / "bad.fit").write_bytes(
        b"\x0e\x10\x34\x08\x64\x00\x00\x00.FIT\x00\x00" + b"\x40" * 9
    )
    bad = run(["import", "--athlete", athlete_id, str(tmp_path / "bad.fit")], db, tmp_path)
    assert bad.returncode == 2
    assert "bad.fit at byte" in bad.stderr

    summary = run(["today", "--athlete", athlete_id], db, tmp_path)
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.startswith(f"{today}: ")
    assert "Not medical advice" in summary.stdout
    as_json = run(["today", "--athlete", athlete_id, "--json"], db, tmp_path)
    day = json.loads(as_json.stdout)
    assert day["date"] == today.isoformat() and day["recommendation"]["action"]

    assert run(["today", "--athlete", "999"], db, tmp_path).returncode == 2


def test_serve_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "readiness.api.cli", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert r.json()["status"] == "ok"
        page = httpx.get(f"http://127.0.0.1:{port}/")
        assert page.status_code == 200 and "Not medical advice" in page.text
        assert (
            httpx.get(f"http://127.0.0.1:{port}/vendor/uplot/uPlot.iife.min.js").status_code == 200
        )
        assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.slow
def test_demo_is_idempotent(run: Runner, tmp_path: Path) -> None:
    if not (SAMPLE / "MANIFEST.toml").is_file():
        pytest.skip("sample_data/MANIFEST.toml is absent (run `make sample-data`)")
    db = tmp_path / "demo.db"
    first = run(["demo", "--data", str(SAMPLE), "--no-serve"], db, tmp_path)
    assert first.returncode == 0, first.stderr
    imported = re.search(
        r"^(\d+) file\(s\) imported, 0 already imported, 0 failed", first.stderr, re.M
    )
    assert imported is not None and int(imported.group(1)) > 100, first.stderr
    key1 = re.search(r"API key: (rdy_\S+)", first.stdout).group(1)  # type: ignore[union-attr]
    assert "http://127.0.0.1:8000/" in first.stdout
    # the story lies in the past: the clock is pinned to the evening of its last day, and said so
    end = _read_manifest(SAMPLE / "MANIFEST.toml").end
    (clock,) = [line for line in first.stdout.splitlines() if line.startswith("Demo clock")]
    assert f"pinned to {end} 20:00 Europe/Oslo" in clock and "--real-clock" in clock
    # ... and saved in .env, with a new admin token, so later commands share the clock
    saved = dotenv_values(tmp_path / ".env")
    assert saved["READINESS_NOW"] == f"{end}T20:00:00+02:00"
    token = saved["READINESS_ADMIN_TOKEN"]
    assert (
        token and f"Admin token (saved in .env as READINESS_ADMIN_TOKEN): {token}" in first.stdout
    )
    _cli_and_server_agree(run, db, tmp_path, key1, f"{end}T20:00:00+02:00")

    second = run(
        ["demo", "--data", str(SAMPLE), "--no-serve", "--real-clock", "--port", "8080"],
        db,
        tmp_path,
    )
    assert second.returncode == 0, second.stderr
    assert "Demo clock" not in second.stdout and "READINESS_NOW" not in second.stdout
    assert "removed READINESS_NOW from .env" in second.stderr
    assert "http://127.0.0.1:8080/" in second.stdout and "--port 8080" in second.stdout
    assert dotenv_values(tmp_path / ".env") == {"READINESS_ADMIN_TOKEN": token}  # token kept
    assert "Admin token: the READINESS_ADMIN_TOKEN you configured" in second.stdout
    real = run(["today", "--athlete", "1"], db, tmp_path)
    assert "clock pinned" not in real.stderr
    assert re.search(r"^0 file\(s\) imported, \d+ already imported, 0 failed", second.stderr, re.M)
    key2 = re.search(r"API key: (rdy_\S+)", second.stdout).group(1)  # type: ignore[union-attr]
    assert "Sample athlete 1 " in first.stdout and "Sample athlete 1 " in second.stdout
    assert key1 != key2  # keys are stored hashed, so each run issues (and shows) a new one

    # on the demo's clock, today's card is the story's last day with a real call
    assert end is not None
    pinned = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{db}", now=demo_instant(end, "Europe/Oslo")
    )
    me, today = anyio.run(_get, create_app(pinned), key2, ["/v1/me", "/v1/readiness/today"])
    assert me["clock_pinned"] is True and me["today"] == str(end) == me["last_day"]
    assert today["date"] == str(end)
    assert today["nervous_system_stress"]["score"] is not None
    assert today["recommendation"]["action"]


def _cli_and_server_agree(run: Runner, db: Path, cwd: Path, key: str, pin: str) -> None:
    """`readiness today` and a server started from the same folder (reading the same .env)
    give the same call, and the CLI says in one stderr line which clock it follows."""
    cli = run(["today", "--athlete", "1", "--json"], db, cwd)
    assert cli.returncode == 0, cli.stderr
    assert cli.stderr.splitlines() == [f"readiness: clock pinned to {pin} by .env (READINESS_NOW)"]
    words = run(["today", "--athlete", "1"], db, cwd)
    assert words.stderr == cli.stderr
    server = Settings(database_url=f"sqlite:///{db}")  # type: ignore[call-arg]  # reads ./.env
    assert server.clock_pinned
    (day,) = anyio.run(_get, create_app(server), key, ["/v1/readiness/today"])
    mine = json.loads(cli.stdout)
    assert mine["date"] == day["date"] == pin[:10]
    assert mine["recommendation"] == day["recommendation"]
    assert words.stdout.startswith(
        f"{pin[:10]}: {action_words(str(mine['recommendation']['action']))}"
    )


async def _get(app: object, key: str, paths: list[str]) -> list[dict[str, object]]:
    """GET ``paths`` from the app in-process (with its lifespan) as the holder of ``key``."""
    out = []
    async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        headers = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=headers
        ) as c:
            for path in paths:
                r = await c.get(path)
                assert r.status_code == 200, r.text
                out.append(r.json())
    return out


def test_worker_and_no_worker_say_that_sqlite_runs_its_worker_in_serve(
    run: Runner, tmp_path: Path
) -> None:
    worker = run(["worker", "--concurrency", "2"], tmp_path / "w.db", tmp_path)
    assert worker.returncode == 2
    assert "SQLite" in worker.stderr and "inside `readiness serve`" in worker.stderr
    serve = run(["serve", "--no-worker"], tmp_path / "w.db", tmp_path)
    assert serve.returncode == 2 and "SQLite" in serve.stderr
    assert not (tmp_path / "w.db").exists()  # refused before touching the database
