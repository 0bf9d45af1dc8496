"""``readiness score``: generic CSVs written in tmp_path, the JSON contract, bad input → exit 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from readiness.api.cli.main import main
from readiness.api.cli.wording import summary_lines
from readiness.scoring import score_days

from tests.scoring import synthetic as sy


def _write(tmp_path: Path, days: int = 60) -> list[Path]:
    d = sy.daily(days)
    d = d.drop(columns=["source", "device"]).assign(date=d["date"].dt.strftime("%Y-%m-%d"))
    d = d[["date", "hrv_rmssd_ms", "hrv_context", "resting_hr_bpm", "sleep_total_min"]]
    s = sy.sessions(days)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    s = s[["start", "end", "sport", "avg_hr_bpm"]].assign(
        start=s["start"].dt.strftime(fmt), end=s["end"].dt.strftime(fmt)
    )
    daily_csv, sessions_csv, checkins_csv = (
        tmp_path / "daily.csv",
        tmp_path / "sessions.csv",
        tmp_path / "checkins.csv",
    )
    d.to_csv(daily_csv, index=False)
    s.to_csv(sessions_csv, index=False)
    last = sy.day(days - 1).isoformat()
    checkins_csv.write_text(
        f"date,soreness,stress,stiffness,pain,pain_site,sick\n{last},2,1,2,1,,no\n",
        encoding="utf-8",
    )
    return [daily_csv, sessions_csv, checkins_csv]


def _exit_code(argv: list[str]) -> int | str | None:
    """main()'s return value, or the code of the SystemExit argparse raises."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, object]:
    assert main(argv) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def test_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(p) for p in _write(tmp_path)]
    out = _json(capsys, ["score", *paths, "--json", "--tz", "Europe/Oslo"])
    days = out["days"]
    assert isinstance(days, list) and len(days) == 1
    day = days[0]
    assert day["date"] == sy.day(59).isoformat()
    assert set(day["nervous_system_stress"]) >= {
        "score",
        "band",
        "confidence",
        "pattern",
        "contributors",
    }
    assert set(day["physical_stiffness"]) >= {"score", "band", "type", "confidence", "contributors"}
    assert set(day["warmth"]) >= {"score", "minutes_since_activity"}
    assert set(day["recommendation"]) >= {
        "action",
        "rule",
        "reasons",
        "notes",
        "evidence",
        "disclaimer",
    }
    assert set(day["calibration"]) >= {"valid_nights", "state"}


def test_range_and_at(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(p) for p in _write(tmp_path)]
    out = _json(
        capsys,
        [
            "score",
            *paths,
            "--json",
            "--start",
            sy.day(50).isoformat(),
            "--end",
            sy.day(52).isoformat(),
        ],
    )
    assert [d["date"] for d in out["days"]] == [sy.day(k).isoformat() for k in (50, 51, 52)]
    # 10 minutes after the morning run of day 51 (sessions start 07:00 UTC, last 45–60 min)
    at = f"{sy.day(51).isoformat()}T09:00:00+00:00"
    one = _json(capsys, ["score", *paths, "--json", "--at", at])["days"][0]
    assert one["date"] == sy.day(51).isoformat()
    assert one["warmth"]["evaluated_at"] == f"{sy.day(51).isoformat()}T09:00:00Z"
    assert 0 < one["warmth"]["minutes_since_activity"] < 120


def test_readable_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(p) for p in _write(tmp_path)]
    assert main(["score", *paths]) == 0
    text = capsys.readouterr().out
    assert "nervous-system stress" in text and "Not medical advice" in text
    # the cited works by short key, pointing to where they are given in full
    assert re.search(r"\n  evidence: [^\n]+ \(in full: docs/evidence\.md\)\n", text), text
    # warmth's time since activity as a person says it, never a raw count of minutes
    assert not re.search(r"\b\d{3,} min since activity", text), text


def test_summary_lines_name_the_evidence_and_say_durations_plainly() -> None:
    (day,) = score_days(sy.daily(40), sy.sessions(10), None)  # type: ignore[arg-type]
    obj = day.to_dict()
    lines = summary_lines(obj)
    keys = ", ".join(e["key"] for e in obj["recommendation"]["evidence"])
    assert f"  evidence: {keys} (in full: docs/evidence.md)" in lines
    assert obj["warmth"]["minutes_since_activity"] is None or any(
        re.search(r"warmth: [\d.]+ \(\w+, \d+ days since activity\)", line) for line in lines
    ), lines


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--date", "2025-02-30"], "not a date"),
        (["--tz", "Mars/Olympus"], "unknown timezone"),
        (["--at", "yesterday"], "ISO 8601"),
        (["--start", "2025-01-10"], "go together"),
        (["--start", "2025-01-10", "--end", "2025-01-01"], "before --start"),
        (["--date", "2025-01-10", "--start", "2025-01-01", "--end", "2025-01-02"], "either --date"),
    ],
)
def test_bad_arguments_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], needle: str
) -> None:
    paths = [str(p) for p in _write(tmp_path, days=10)]
    assert _exit_code(["score", *paths, *extra]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert 1 <= len(err.strip().splitlines()) <= 3


def test_unreadable_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "garbage.bin"
    bad.write_bytes(b"\x00\x01not an export")
    assert main(["score", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "garbage.bin" in err and len(err.strip().splitlines()) <= 3
    missing = tmp_path / "nope.csv"
    assert main(["score", str(missing)]) == 2


def test_feedback_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(p) for p in _write(tmp_path)]
    good = tmp_path / "feedback.csv"
    good.write_text("date,action,helped,note\n2025-01-05,assisted_stretching,4,\n", "utf-8")
    out = _json(capsys, ["score", *paths, "--json", "--feedback", str(good)])
    assert "1 of the 30 rated days needed" in out["days"][0]["calibration"]["feedback"]
    bad = tmp_path / "bad.csv"
    bad.write_text("day,what\n2025-01-05,x\n", "utf-8")
    assert main(["score", *paths, "--feedback", str(bad)]) == 2
    assert "lacks column" in capsys.readouterr().err
