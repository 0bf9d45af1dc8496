"""Run ``readiness`` in-process, as a user would, against a SQLite database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from readiness.api.cli.main import main


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[[list[str], Path, Path], Ran]:
    """Run ``readiness ARGS...`` in-process with ``DATABASE_URL`` pointing at ``db``."""

    def _run(args: list[str], db: Path, cwd: Path) -> Ran:
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            code = main(args)
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return _run


Runner = Callable[[list[str], Path, Path], Ran]
