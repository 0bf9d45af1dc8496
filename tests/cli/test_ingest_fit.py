"""``readiness ingest <fit files> --json`` over the shared FIT fixtures, in one invocation."""

from __future__ import annotations

import json
import subprocess
import sys

from readiness.ingest.fit.reading import get_decoder

from tests.conftest import shared_dir

REFERENCE_MAX_BYTES = 100_000


def test_cli_ingests_every_shared_fit_file() -> None:
    folder = shared_dir("fit")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".fit")
    if get_decoder("auto").name == "reference":  # keep the default run fast without bulk
        files = [p for p in files if p.stat().st_size <= REFERENCE_MAX_BYTES]
    proc = subprocess.run(
        [sys.executable, "-m", "readiness.api.cli", "ingest", "--json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode in (0, 2), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["sessions"] and payload["daily"]
    errors = [line for line in proc.stderr.splitlines() if line.strip()]
    # one short line per broken file, naming it
    assert all(line.startswith("readiness: ") and len(line) < 400 for line in errors)
    broken = {line.split()[1].rstrip(":") for line in errors}
    assert broken <= {p.name for p in files}
    if errors:
        assert proc.returncode == 2
    assert "fitparse__activity-filecrc.fit" in broken
    assert "sportslib__empty-sessions.fit" in broken
