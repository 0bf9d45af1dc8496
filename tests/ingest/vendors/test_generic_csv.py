from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from readiness.ingest import SchemaError, UnsupportedFormatError, read_bytes


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "readiness.api.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_daily_and_checkins_in_one_file() -> None:
    data = (
        b"date,hrv_rmssd_ms,resting_hr_bpm,soreness,pain,pain_site,sick\n"
        b"2026-01-01,55,48,2,1,,no\n2026-01-02,60.5,50,3,4,left knee,yes\n"
    )
    res = read_bytes(data, "mixed.csv")
    assert res.daily["hrv_rmssd_ms"].tolist() == [55.0, 60.5]
    assert res.checkins["pain_site"].tolist()[1] == "left knee"
    assert res.checkins["sick"].tolist() == [False, True]
    assert set(res.daily["source"]) == {"csv"}


def test_sessions_file() -> None:
    data = (
        b"start,end,sport,avg_hr_bpm,rpe\n2026-01-01T06:30:00Z,2026-01-01T07:00:00Z,running,150,6\n"
    )
    res = read_bytes(data, "s.csv")
    assert len(res.sessions) == 1
    assert res.sessions["avg_hr_bpm"].iloc[0] == 150
    assert str(res.sessions["start"].iloc[0]) == "2026-01-01 06:30:00+00:00"


def test_bad_date_names_line_and_column() -> None:
    with pytest.raises(SchemaError) as info:
        read_bytes(b"date,resting_hr_bpm\n2026-01-01,50\nnot-a-date,51\n", "bad.csv")
    assert info.value.line == 3 and info.value.column == "date"
    assert "bad.csv" in info.value.message


def test_html_saved_as_csv_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormatError):
        read_bytes(b"<!DOCTYPE html><html><body>Sign in</body></html>", "export.csv")


def test_cli_json_contract(tmp_path: Path) -> None:
    good = tmp_path / "daily.csv"
    good.write_text("date,resting_hr_bpm,steps\n2026-01-01,50,1000\n", encoding="utf-8")
    out = _run("ingest", str(good), "--json")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert set(payload) == {"daily", "sessions", "checkins", "warnings"}
    row = payload["daily"][0]
    assert row["date"] == "2026-01-01" and row["steps"] == 1000 and row["hrv_rmssd_ms"] is None


def test_cli_bad_file_reported_others_still_read(tmp_path: Path) -> None:
    good = tmp_path / "daily.csv"
    good.write_text("date,resting_hr_bpm\n2026-01-01,50\n", encoding="utf-8")
    bad = tmp_path / "junk.bin"
    bad.write_bytes(b"\x00\x01garbage")
    out = _run("ingest", str(good), str(bad), "--json")
    assert out.returncode == 2
    assert "junk.bin" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) <= 3
    assert json.loads(out.stdout)["daily"][0]["resting_hr_bpm"] == 50


def test_sessions_date_end_and_duration_are_derived_in_the_athlete_timezone() -> None:
    from zoneinfo import ZoneInfo

    from readiness.ingest import ReadOptions

    data = (
        b"start,end,sport,avg_hr_bpm\n"
        b"2026-03-01T23:30:00Z,2026-03-02T00:30:00Z,running,150\n"
        b"2026-03-03T06:00:00Z,,cycling,140\n"
    )
    res = read_bytes(data, "s.csv", ReadOptions(tz=ZoneInfo("Europe/Oslo")))
    assert [str(d.date()) for d in res.sessions["date"]] == ["2026-03-02", "2026-03-03"]
    assert res.sessions["duration_s"].iloc[0] == 3600
    assert res.sessions["end"].isna().iloc[1]  # no end and no duration: nothing invented
    utc = read_bytes(data, "s.csv")
    assert str(utc.sessions["date"].iloc[0].date()) == "2026-03-01"
    assert any("UTC day" in w.message for w in utc.warnings)
