"""``make demo PORT=…`` reaches ``readiness demo --port``, ports are checked, and the one line a
command on a pinned clock prints names where the pin comes from."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from readiness.api.cli.common import clock_note, load_settings
from readiness.api.cli.main import build_parser, main
from readiness.api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("command", ["demo", "serve"])
def test_port_option(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    assert parser.parse_args([command]).port == 8000
    assert parser.parse_args([command, "--port", "8080"]).port == 8080
    assert parser.parse_args([command, "--host", "0.0.0.0", "--port", "65535"]).host == "0.0.0.0"
    for bad in ("0", "65536", "http", "-1"):
        with pytest.raises(SystemExit) as info:
            parser.parse_args([command, "--port", bad])
        assert info.value.code == 2
        assert f"{bad!r} is not a port (1-65535)" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "readiness demo --host 127.0.0.1 --port 8000"),
        (["PORT=8080"], "readiness demo --host 127.0.0.1 --port 8080"),
        (["PORT=9000", "HOST=0.0.0.0"], "readiness demo --host 0.0.0.0 --port 9000"),
    ],
)
def test_make_demo_passes_port_and_host(args: list[str], expected: str) -> None:
    """What ``make demo`` would run (``make -n``: printed, not run)."""
    out = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "demo", *args],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k not in ("PORT", "HOST")},
    ).stdout
    (line,) = [ln for ln in out.splitlines() if "readiness demo" in ln]
    assert line.endswith(expected)
    # ... and the command line it prints parses to that port
    demo_args = line.split("readiness ", 1)[1].split()
    assert build_parser().parse_args(demo_args).port == int(expected.rsplit(" ", 1)[1])


def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    monkeypatch.chdir(tmp_path)
    return Settings()


def test_clock_note_names_the_pin_and_its_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("READINESS_NOW", raising=False)
    assert clock_note(_settings(monkeypatch, tmp_path)) is None  # the real clock: no line
    (tmp_path / ".env").write_text(
        "READINESS_ADMIN_TOKEN=x\nREADINESS_NOW=2026-06-01T20:00:00+02:00\n"
    )
    assert clock_note(_settings(monkeypatch, tmp_path)) == (
        "readiness: clock pinned to 2026-06-01T20:00:00+02:00 by .env (READINESS_NOW)"
    )
    monkeypatch.setenv("READINESS_NOW", "2026-03-10T07:30:00Z")  # the environment wins
    assert clock_note(_settings(monkeypatch, tmp_path)) == (
        "readiness: clock pinned to 2026-03-10T07:30:00Z by the environment (READINESS_NOW)"
    )


def test_commands_on_the_clock_say_so_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("READINESS_NOW", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("READINESS_NOW=2026-06-01T20:00:00+02:00\n")
    note = "readiness: clock pinned to 2026-06-01T20:00:00+02:00 by .env (READINESS_NOW)"
    load_settings()  # a command that does not follow the clock says nothing
    assert capsys.readouterr().err == ""
    assert load_settings(clock=True).clock_pinned
    assert capsys.readouterr().err == note + "\n"
    # `athletes create` does not follow the clock; `today` and `import` do
    assert main(["athletes", "create", "--name", "P", "--tz", "Europe/Oslo"]) == 0
    assert "clock pinned" not in capsys.readouterr().err
    assert main(["today", "--athlete", "1"]) == 2  # no data yet
    assert capsys.readouterr().err.splitlines()[0] == note
    (tmp_path / "d.csv").write_text("date,resting_hr_bpm\n2026-05-31,50\n")
    assert main(["import", "--athlete", "1", str(tmp_path / "d.csv")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == note and err.count(note) == 1
