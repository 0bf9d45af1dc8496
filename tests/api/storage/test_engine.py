"""The engines of :mod:`readiness.api.storage.engine`: parameters never logged, timeouts and
TCP keepalives set."""

from __future__ import annotations

import logging
import os
import socket
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from readiness.api.services.queue import conninfo
from readiness.api.settings import Settings
from readiness.api.storage.engine import Timeouts, make_engine

from tests.api.conftest import _postgres_url

#: An athlete's note: it must appear in no error and no log line.
NOTE = "left knee sore after the hill reps " + uuid.uuid4().hex


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'e.db'}"
    else:
        yield from _postgres_url()


def test_a_failing_statement_logs_the_statement_never_its_parameters(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    engine = make_engine(url)
    try:
        with pytest.raises(sa.exc.DBAPIError) as info, engine.connect() as conn:
            conn.execute(sa.text("INSERT INTO no_such_table (note) VALUES (:note)"), {"note": NOTE})
    finally:
        engine.dispose()
    logging.getLogger("readiness.api").error("statement failed", exc_info=info.value)
    logged = caplog.text + "".join(traceback.format_exception(info.value))
    assert "no_such_table" in logged  # the statement is named
    assert "parameters hidden" in str(info.value)
    assert NOTE not in logged


@pytest.mark.postgres
def test_postgres_sessions_carry_the_statement_timeout_and_keep_url_options() -> None:
    for url in _postgres_url():
        engine = make_engine(url, Timeouts(connect_s=2, statement_s=1.5))
        try:
            with engine.connect() as conn:
                assert conn.execute(sa.text("SHOW statement_timeout")).scalar_one() == "1500ms"
                path = conn.execute(sa.text("SHOW search_path")).scalar_one()
                assert "readiness_test_" in path  # the URL's own options survive
                with pytest.raises(sa.exc.OperationalError, match="statement timeout"):
                    conn.execute(sa.text("SELECT pg_sleep(5)"))
        finally:
            engine.dispose()


def _socket_options(dbapi_connection: object) -> dict[str, int]:
    """The keepalive options the kernel holds for a psycopg connection's socket."""
    fd = dbapi_connection.pgconn.socket  # type: ignore[attr-defined]
    with socket.socket(fileno=os.dup(fd)) as s:
        return {
            "keepalive": s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
            "idle": s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
            "interval": s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
            "count": s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
            "user_timeout_ms": s.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT),
        }


@pytest.mark.postgres
@pytest.mark.skipif(not hasattr(socket, "TCP_USER_TIMEOUT"), reason="Linux socket options")
def test_postgres_sockets_carry_the_keepalives_and_user_timeout_of_the_settings() -> None:
    settings = Settings(
        db_keepalives_idle_s=7,
        db_keepalives_interval_s=3,
        db_keepalives_count=4,
        db_tcp_user_timeout_ms=1234,
    )
    want = {"keepalive": 1, "idle": 7, "interval": 3, "count": 4, "user_timeout_ms": 1234}
    assert Timeouts().libpq()["tcp_user_timeout"] == Settings().db_tcp_user_timeout_ms
    for url in _postgres_url():
        engine = make_engine(url, Timeouts.of(settings))
        try:
            with engine.connect() as conn:
                assert _socket_options(conn.connection.dbapi_connection) == want
        finally:
            engine.dispose()
        # the job queue's connections (procrastinate, libpq conninfo) carry the same
        with psycopg.connect(conninfo(url, Timeouts.of(settings))) as raw:
            assert _socket_options(raw) == want
