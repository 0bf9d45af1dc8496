"""The architecture, kept by an AST walk over the source (nothing here imports the code).

* ingest and scoring are pure: no web framework, database, migration tool or network client,
  and nothing from ``readiness.api``;
* in api, ``services/`` and ``storage/`` never import the web framework, and ``routes/`` never
  import SQLAlchemy or the storage package (routes talk to services);
* code outside ingest (or scoring) uses only its public API, ``readiness.ingest`` (or
  ``readiness.scoring``), never an inner module; tests and benchmarks may reach inside;
* no two modules import each other, directly or through a cycle — imports inside functions
  count; only imports under ``if TYPE_CHECKING:`` (which never run) are left out;
* a package folder holds at most :data:`MAX_MODULES` modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Literal folder → the package it installs as (pyproject's ``package-dir``).
PACKAGES = {"ingest": "readiness.ingest", "scoring": "readiness.scoring", "api": "readiness.api"}
NETWORK_AND_STORAGE = {
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
    "readiness.api",
}
WEB = {"fastapi", "starlette"}
MAX_MODULES = 15


@dataclass(frozen=True, slots=True)
class Import:
    """One imported module name, where it stands, and whether it runs only for type checkers."""

    module: str
    line: int


def module_name(path: Path) -> str:
    """The dotted name ``path`` installs as (``api/routes/x.py`` → ``readiness.api.routes.x``)."""
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    head = PACKAGES.get(parts[0], parts[0])
    return ".".join([head, *parts[1:]])


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


ALL_MODULES = {module_name(p) for f in PACKAGES for p in sources(f)}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk_runtime(node: ast.AST) -> Iterator[ast.AST]:
    """Every node below ``node`` except the bodies of ``if TYPE_CHECKING:`` blocks."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield other
                yield from _walk_runtime(other)
            continue
        yield child
        yield from _walk_runtime(child)


def imports(path: Path) -> list[Import]:
    """Modules ``path`` imports at run time (see :func:`imports_in`)."""
    here = module_name(path)
    return imports_in(path.read_text(encoding="utf-8"), here, path.name == "__init__.py")


def imports_in(text: str, here: str, is_package: bool) -> list[Import]:
    """Modules the source ``text`` of module ``here`` imports at run time, at any depth, with
    relative imports resolved.

    ``from package import name`` counts as importing ``package.name`` when that is a module of
    the project, else as importing ``package``.
    """
    package = here if is_package else here.rpartition(".")[0]
    found: list[Import] = []
    for node in _walk_runtime(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.extend(Import(a.name, node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                parent = ".".join(base + ([node.module] if node.module else []))
            else:
                parent = node.module or ""
            for alias in node.names:
                sub = f"{parent}.{alias.name}"
                found.append(Import(sub if sub in ALL_MODULES else parent, node.lineno))
    return found


def _matches(name: str, banned: set[str]) -> bool:
    return any(name == b or name.startswith(b + ".") for b in banned)


def _violations(folder: str, banned: set[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{imp.line} imports {imp.module}"
        for path in sources(folder)
        for imp in imports(path)
        if _matches(imp.module, banned)
    ]


@pytest.mark.parametrize("package", ["ingest", "scoring"])
def test_pure_packages_do_no_io_imports(package: str) -> None:
    assert _violations(package, NETWORK_AND_STORAGE) == []


@pytest.mark.parametrize("layer", ["api/services", "api/storage"])
def test_services_and_storage_know_no_web_framework(layer: str) -> None:
    assert _violations(layer, WEB) == []


def test_routes_hold_no_sql() -> None:
    assert _violations("api/routes", {"sqlalchemy", "readiness.api.storage"}) == []


@pytest.mark.parametrize("package", ["ingest", "scoring", "api"])
def test_no_bare_top_level_imports(package: str) -> None:
    """Code imports readiness.ingest, never a bare `ingest` that would clash in site-packages."""
    assert _violations(package, {"ingest", "scoring", "api"}) == []


@pytest.mark.parametrize(
    ("outside", "public"),
    [
        ("scoring", "readiness.ingest"),
        ("api", "readiness.ingest"),
        ("api", "readiness.scoring"),
        ("sample_data", "readiness.ingest"),
        ("sample_data", "readiness.scoring"),
    ],
)
def test_outside_code_uses_only_the_public_api(outside: str, public: str) -> None:
    inner = [
        f"{path.relative_to(ROOT)}:{imp.line} imports {imp.module}; use {public}"
        for path in sources(outside)
        for imp in imports(path)
        if imp.module.startswith(public + ".")
    ]
    assert inner == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), plus self-imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    return {
        module_name(path): {i.module for i in imports(path) if i.module in ALL_MODULES}
        for folder in PACKAGES
        for path in sources(folder)
    }


def test_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"a"}}) == [["a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_relative_and_from_imports_resolve() -> None:
    """The walk sees relative imports, submodules named in ``from x import y`` and imports
    inside functions, and skips only ``if TYPE_CHECKING:`` blocks."""
    text = (
        "from typing import TYPE_CHECKING\n"
        "from . import registry\n"
        "from .errors import IngestError\n"
        "def f():\n    from .schema import tables\n"
        "if TYPE_CHECKING:\n    from readiness.api import app\n"
    )
    found = {i.module for i in imports_in(text, "readiness.ingest.probe", is_package=False)}
    assert {
        "readiness.ingest.registry",
        "readiness.ingest.errors",
        "readiness.ingest.schema.tables",
    } <= found
    assert not any(m.startswith("readiness.api") for m in found)


def test_no_import_cycles() -> None:
    assert _cycles(import_graph()) == []


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_package_folders_stay_small(package: str) -> None:
    crowded = {
        str(folder.relative_to(ROOT)): n
        for folder in [ROOT / package, *(p for p in (ROOT / package).rglob("*") if p.is_dir())]
        if (n := len([m for m in folder.glob("*.py") if m.name != "__init__.py"])) > MAX_MODULES
    }
    assert crowded == {}


def test_every_package_folder_is_installed() -> None:
    """Each folder with an ``__init__.py`` is listed in pyproject's packages (a wheel ships it)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    missing = [
        module_name(init)
        for folder in PACKAGES
        for init in (ROOT / folder).rglob("__init__.py")
        if f'"{module_name(init)}"' not in text
    ]
    assert missing == []
