"""Package boundaries: ingest and scoring are pure (no web framework, database or network)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_PURE = {
    "fastapi",
    "starlette",
    "sqlalchemy",
    "uvicorn",
    "httpx",
    "requests",
    "socket",
    "urllib.request",
    "alembic",
    "psycopg",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", ["ingest", "scoring"])
def test_pure_packages_do_no_io_imports(package: str) -> None:
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            assert name not in FORBIDDEN_IN_PURE and top not in FORBIDDEN_IN_PURE, (
                f"{path.relative_to(ROOT)} imports {name}"
            )


@pytest.mark.parametrize("package", ["ingest", "scoring", "api"])
def test_no_bare_top_level_imports(package: str) -> None:
    """Code imports readiness.ingest, never a bare `ingest` that would clash in site-packages."""
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in _imports(path):
            assert name.split(".")[0] not in {"ingest", "scoring", "api"}, (
                f"{path.relative_to(ROOT)} imports {name}; use readiness.{name}"
            )


def test_scoring_does_not_import_ingest_readers() -> None:
    for path in sorted((ROOT / "scoring").rglob("*.py")):
        for name in _imports(path):
            if name.startswith("readiness.ingest"):
                assert name in {"readiness.ingest.schema.tables", "readiness.ingest"}, (
                    f"{path.relative_to(ROOT)} imports {name}"
                )
