"""A real uvicorn server per database backend (SQLite, PostgreSQL), and data builders.

The server runs in a subprocess on a free loopback port, exactly as ``readiness serve`` runs it
(``uvicorn --factory readiness.api.app:create_app``), configured through the environment. The
PostgreSQL tier uses a fresh schema per run (dropped afterwards) on the server named by
``READINESS_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
and skips, with the reason, when no server answers there.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.api.builders import Athlete

ADMIN_TOKEN = "test-admin-token-" + uuid.uuid4().hex
MAX_UPLOAD_MB = 1.0
BACKGROUND_MB = 0.25
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: The clock of :func:`pinned_server` (READINESS_NOW): a winter morning in Oslo, in the past.
PINNED_NOW = "2026-03-10T08:00:00+01:00"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    """A running service: its base URL, database backend name and log, and the database URL
    it runs on (tests may count rows there)."""

    url: str
    backend: str
    log: Path
    database: str = ""

    def client(self, key: str | None = None, **kw: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kw)  # type: ignore[arg-type]

    def athlete(self, name: str = "A", tz: str = "Europe/Oslo") -> Athlete:
        with self.client(ADMIN_TOKEN) as c:
            r = c.post("/v1/athletes", json={"name": name, "timezone": tz})
            assert r.status_code == 201, r.text
            body = r.json()
        return Athlete(id=body["id"], key=body["api_key"], timezone=tz)


def _postgres_url() -> Iterator[str]:
    import sqlalchemy as sa

    base = os.environ.get("READINESS_TEST_POSTGRES_URL", DEFAULT_PG)
    try:
        engine = sa.create_engine(base, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:
        pytest.skip(f"no PostgreSQL server answers at {base}: {type(exc).__name__}: {exc}")
    schema = "readiness_test_" + uuid.uuid4().hex[:12]
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@dataclass
class Launched:
    """A server process started by :func:`launch` (tests may kill and restart it)."""

    proc: subprocess.Popen[bytes]
    server: Server

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def server_env(url: str, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a test server or worker runs with (the real clock unless asked)."""
    # a READINESS_NOW of the caller's environment is not inherited
    env = {k: v for k, v in os.environ.items() if k != "READINESS_NOW"}
    env.update(
        {
            "DATABASE_URL": url,
            "READINESS_ADMIN_TOKEN": ADMIN_TOKEN,
            "READINESS_MAX_UPLOAD_MB": str(MAX_UPLOAD_MB),
            "READINESS_BACKGROUND_MB": str(BACKGROUND_MB),
            **(extra_env or {}),
        }
    )
    return env


def launch(
    url: str,
    backend: str,
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    cmd: list[str] | None = None,
    log_level: str = "warning",
) -> Launched:
    """Start the service (``uvicorn --factory``, or ``cmd`` with ``{port}`` filled in) in
    ``workdir`` and wait until ``/healthz`` answers. ``log_level="info"`` turns uvicorn's access
    log on."""
    port = _free_port()
    log = workdir / f"server-{backend}-{port}.log"
    cmd = (
        [c.format(port=port) for c in cmd]
        if cmd
        else [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "readiness.api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            log_level,
        ]
    )
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, env=server_env(url, extra_env), cwd=workdir, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"server did not start in 60 s:\n{log.read_text()}")
        time.sleep(0.1)
    return Launched(proc, Server(url=base, backend=backend, log=log, database=url))


def _start(
    url: str, backend: str, workdir: Path, extra_env: dict[str, str] | None = None
) -> Iterator[Server]:
    launched = launch(url, backend, workdir, extra_env)
    try:
        yield launched.server
    finally:
        launched.stop()


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The service on each backend; tests using it run once per backend."""
    yield from on_backend(request.param, tmp_path_factory.mktemp(f"server-{request.param}"))


def on_backend(
    backend: str, workdir: Path, extra_env: dict[str, str] | None = None
) -> Iterator[Server]:
    """The service on ``backend`` (``sqlite``, or ``postgres`` in a fresh schema) for a
    fixture to yield from."""
    if backend == "sqlite":
        yield from _start(f"sqlite:///{workdir / 'readiness.db'}", "sqlite", workdir, extra_env)
    else:
        for url in _postgres_url():
            yield from _start(url, "postgres", workdir, extra_env)


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One SQLite-backed server, for the tests that need not run on both backends."""
    workdir = tmp_path_factory.mktemp("server-sqlite-only")
    yield from _start(f"sqlite:///{workdir / 'readiness.db'}", "sqlite", workdir)


@pytest.fixture(scope="session")
def pinned_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A SQLite-backed server whose clock is pinned to :data:`PINNED_NOW` (READINESS_NOW)."""
    workdir = tmp_path_factory.mktemp("server-pinned")
    url = f"sqlite:///{workdir / 'readiness.db'}"
    yield from _start(url, "sqlite-pinned", workdir, {"READINESS_NOW": PINNED_NOW})
