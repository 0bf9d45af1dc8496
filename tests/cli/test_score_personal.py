"""``readiness score`` learns personal weights from the check-ins among its input files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from readiness.api.cli.main import main

from tests.api.routes.test_personal_weights import CHECKINS, _files

END = date(2026, 3, 1)


def _paths(tmp_path: Path, with_checkins: bool) -> list[str]:
    nights, answers = _files(END)
    (tmp_path / "nights.csv").write_bytes(nights)
    (tmp_path / "checkins.csv").write_bytes(answers)
    names = ["nights.csv", "checkins.csv"] if with_checkins else ["nights.csv"]
    return [str(tmp_path / name) for name in names]


def test_checkins_among_the_files_feed_personal_weights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", *_paths(tmp_path, True), "--json", "--date", str(END)]) == 0
    day = json.loads(capsys.readouterr().out)["days"][0]
    personal = day["calibration"]["personal"]
    assert personal["checkin_days"] == CHECKINS
    assert personal["state"] == "active", personal  # stress follows HRV in these files
    assert personal["weights"]["hrv_today"] > 0.15  # above its fixed weight
    assert any("weight" in c for c in day["nervous_system_stress"]["contributors"])
    assert main(["score", *_paths(tmp_path, True), "--date", str(END)]) == 0
    assert "personal stress weights (active): personal: learned from" in capsys.readouterr().out
    assert main(["score", *_paths(tmp_path, False), "--json", "--date", str(END)]) == 0
    alone = json.loads(capsys.readouterr().out)["days"][0]["calibration"]["personal"]
    assert (alone["state"], alone["checkin_days"]) == ("none", 0)
