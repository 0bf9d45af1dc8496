"""`readiness … | head`: a reader that stops early is not an error (no traceback, exit 0)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_closed_pipe_ends_the_command_quietly() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "readiness.api.cli", "ingest", str(ROOT / "sample_data")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # what `head -1` does once it has its line
        err = proc.stderr.read().decode()
        proc.wait(timeout=120)
    assert first.strip(), "the command printed nothing"
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert proc.returncode == 0, (proc.returncode, err)
