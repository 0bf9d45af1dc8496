"""The service's clock: ``READINESS_NOW`` pins "now" (the athlete's today and warmth); unset, the
real clock is used. Also the demo's pinned clock (``readiness demo``)."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from readiness.api.cli.main import main
from readiness.api.cli.service import _read_manifest, demo_instant
from readiness.api.settings import Settings

from tests.api.builders import (
    assert_problem,
    checkins_csv,
    daily_csv,
    sessions_csv,
    upload,
)
from tests.api.conftest import PINNED_NOW, Server

ROOT = Path(__file__).resolve().parents[2]
#: The pinned instant and the athlete's (Europe/Oslo) day at it.
PINNED = datetime.fromisoformat(PINNED_NOW)
DAY = date(2026, 3, 10)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _cli_day(
    files: dict[str, bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    *extra: str,
) -> dict[str, object]:
    """``readiness score FILES --tz Europe/Oslo --date DAY [extra] --json``: the day object."""
    paths = []
    tmp_path.mkdir(exist_ok=True)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    capsys.readouterr()
    argv = ["score", *paths, "--tz", "Europe/Oslo", "--date", DAY.isoformat(), *extra, "--json"]
    assert main(argv) == 0
    (printed,) = json.loads(capsys.readouterr().out)["days"]
    return printed  # type: ignore[no-any-return]


def test_settings_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("READINESS_NOW", raising=False)
    real = Settings(_env_file=None)  # type: ignore[call-arg]
    assert real.now is None and not real.clock_pinned
    assert abs(real.current_time() - datetime.now(UTC)) < timedelta(seconds=5)
    assert real.current_time().tzinfo is not None

    monkeypatch.setenv("READINESS_NOW", "2026-06-01T20:00:00+02:00")
    pinned = Settings(_env_file=None)  # type: ignore[call-arg]
    assert pinned.clock_pinned
    assert pinned.current_time() == datetime(2026, 6, 1, 18, 0, tzinfo=UTC)
    assert pinned.current_time().utcoffset() == timedelta(0)

    monkeypatch.setenv("READINESS_NOW", "2026-06-01T20:00:00")  # no offset: which instant?
    with pytest.raises(ValidationError, match="with an offset"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("READINESS_NOW", "next tuesday")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_pinned_clock_decides_today_and_warmth(
    pinned_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With READINESS_NOW, today is its local day and warmth is evaluated at that instant —
    the object ``readiness score --date D --at INSTANT --json`` prints for the same files."""
    a = pinned_server.athlete("pinned", tz="Europe/Oslo")
    files = {
        "daily.csv": daily_csv(DAY, days=70),
        # the last run: DAY 06:00–06:41 UTC, so 19 minutes before the pinned instant
        "sessions.csv": sessions_csv(DAY, days=71),
        "checkins.csv": checkins_csv(DAY - timedelta(days=1)),
    }
    with pinned_server.client(a.key) as c:
        for name, data in files.items():
            assert upload(c, data, name).status_code == 201

        me = c.get("/v1/me").json()
        assert me["clock_pinned"] is True
        assert _instant(me["now"]) == PINNED
        assert me["today"] == DAY.isoformat() and me["last_day"] == DAY.isoformat()

        r = c.get("/v1/readiness/today")
        assert r.status_code == 200, r.text
        today = r.json()
        assert today["date"] == DAY.isoformat()
        assert _instant(today["warmth"]["evaluated_at"]) == PINNED
        assert today == _cli_day(files, tmp_path, capsys, "--at", PINNED_NOW)
        # served again (cached within the TTL): the same evaluation
        assert c.get("/v1/readiness/today").json() == today

        # the day itself is the CLI's object for that day (warmth at the end of the day),
        # not today's evaluation at the pinned instant
        end_of_day = _cli_day(files, tmp_path, capsys)
        assert end_of_day["warmth"] != today["warmth"]
        assert c.get(f"/v1/readiness/{DAY}").json() == end_of_day
        assert c.get("/v1/readiness/today").json() == today

        # nothing after the pinned today: not the next day, not in a range's default end
        assert_problem(c.get(f"/v1/readiness/{DAY + timedelta(days=1)}"), 404)
        rng = c.get("/v1/readiness").json()
        assert rng["data"][-1]["date"] == DAY.isoformat()
        assert rng["count"] == 71  # the first session is a day before the first night

        # check-ins are accepted up to the pinned tomorrow, not the real one
        real_today = datetime.now(UTC).date()
        assert real_today > DAY + timedelta(days=2)
        late = c.post("/v1/checkins", json={"date": str(real_today), "pain": 1})
        assert_problem(late, 422)
        ok = c.post("/v1/checkins", json={"date": str(DAY), "pain": 5, "pain_site": "knee"})
        assert ok.status_code == 201, ok.text
        after = c.get("/v1/readiness/today").json()
        assert after["recommendation"]["action"] == "physiotherapy_assessment"
        assert _instant(after["warmth"]["evaluated_at"]) == PINNED


def test_real_clock_when_unset(sqlite_server: Server) -> None:
    a = sqlite_server.athlete("real clock", tz="Pacific/Auckland")
    end = a.today() - timedelta(days=1)
    with sqlite_server.client(a.key) as c:
        assert upload(c, daily_csv(end, days=40), "daily.csv").status_code == 201
        me = c.get("/v1/me").json()
        assert me["clock_pinned"] is False
        assert abs(_instant(me["now"]) - datetime.now(UTC)) < timedelta(minutes=1)
        assert me["today"] == a.today().isoformat()
        today = c.get("/v1/readiness/today").json()
        assert today["date"] == a.today().isoformat()
        evaluated = _instant(today["warmth"]["evaluated_at"])
        assert abs(evaluated - datetime.now(UTC)) < timedelta(minutes=5)


def test_demo_clock_is_the_evening_of_the_last_story_day() -> None:
    manifest = ROOT / "sample_data" / "MANIFEST.toml"
    if not manifest.is_file():
        pytest.skip("sample_data/MANIFEST.toml is absent (run `make sample-data`)")
    with manifest.open("rb") as fh:
        raw = tomllib.load(fh)
    read = _read_manifest(manifest)
    assert read.end == raw["end"] and read.athlete["timezone"] == raw["athlete"]["timezone"]
    assert read.end is not None
    local = demo_instant(read.end, "Europe/Oslo").astimezone(ZoneInfo("Europe/Oslo"))
    assert (local.date(), local.hour, local.minute) == (read.end, 20, 0)
    assert demo_instant(date(2026, 6, 1), "Europe/Oslo") == datetime(2026, 6, 1, 18, tzinfo=UTC)
    assert demo_instant(date(2026, 1, 15), "Europe/Oslo") == datetime(2026, 1, 15, 19, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('end = "soon"\n[athlete]\nname = "x"\ntimezone = "Europe/Oslo"\n', "end = YYYY-MM-DD"),
        ('[athlete]\nname = "x"\ntimezone = "Mars/Olympus"\n', "not an IANA zone"),
        ("[athlete\n", "not valid TOML"),
    ],
)
def test_demo_rejects_a_bad_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, message: str
) -> None:
    (tmp_path / "MANIFEST.toml").write_text(body)
    assert main(["demo", "--data", str(tmp_path), "--no-serve"]) == 2
    err = capsys.readouterr().err
    assert "MANIFEST.toml" in err and message in err


def test_cli_today_and_import_follow_the_pinned_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("READINESS_NOW", PINNED_NOW)
    monkeypatch.chdir(tmp_path)
    assert main(["athletes", "create", "--name", "Pinned", "--tz", "Europe/Oslo"]) == 0
    files = {"daily.csv": daily_csv(DAY, days=30), "sessions.csv": sessions_csv(DAY, days=31)}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert main(["import", "--athlete", "1", *(str(tmp_path / n) for n in files)]) == 0
    capsys.readouterr()
    assert main(["today", "--athlete", "1", "--json"]) == 0
    day = json.loads(capsys.readouterr().out)
    assert day["date"] == DAY.isoformat()
    assert _instant(day["warmth"]["evaluated_at"]) == PINNED
    assert day == _cli_day(files, tmp_path / "score", capsys, "--at", PINNED_NOW)


def test_cli_names_a_bad_readiness_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("READINESS_NOW", "2026-06-01")  # a day, not an instant
    with pytest.raises(SystemExit) as exited:
        main(["today", "--athlete", "1"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("readiness: bad configuration READINESS_NOW: ") and "offset" in err
    assert "Traceback" not in err and not (tmp_path / "cli.db").exists()
