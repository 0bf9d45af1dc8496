"""Database outages on a real PostgreSQL-backed server: refused, black-holed, then back.

The server reaches PostgreSQL through a TCP proxy that this test runs on a free loopback port.
Closing the proxy refuses connections; black-holing it accepts connections and forwards
nothing (the connections it carried are reset, as when a database host fails over). Either way
``/healthz``, a ``/v1`` read and an upload answer 503 problem+json within 5 s (``Retry-After``
on ``/v1``), nothing is written, and once the proxy forwards again the same server (not
restarted) serves again, its job worker included.

A network partition is harder: packets to and from the proxy's port vanish (an iptables DROP
rule on the loopback port, so no reset and no close reach either side, and the server's
``statement_timeout`` is never heard). The server's pooled connections, established before,
are given up by TCP keepalives and ``tcp_user_timeout``: a request sent right after the drop
and one whose statement was already waiting when the packets vanished both answer 503 within
5 s, and the server serves again once the rule is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.api.builders import assert_problem, daily_csv, upload
from tests.api.conftest import _postgres_url, launch, server_env

pytestmark = pytest.mark.postgres

#: The bound within which an outage is answered.
BOUND_S = 5.0


class Proxy:
    """A TCP proxy from a free loopback port to ``target``: forwarding, closed or black-holed."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.blackhole = False
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        probe = socket.create_server(("127.0.0.1", 0))
        self.port: int = probe.getsockname()[1]
        probe.close()

    def open(self) -> None:
        """Listen (again) and forward."""
        self.reset()
        self.blackhole = False
        if self._listener is None:
            listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
            listener.settimeout(0.1)
            self._listener = listener
            threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        """Stop listening (connection refused) and reset every connection."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self.reset()

    def black_hole(self) -> None:
        """Keep accepting, forward nothing; the connections carried so far are reset."""
        self.blackhole = True
        self.reset()

    def reset(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._sockets.add(client)
            if self.blackhole:
                continue  # held open, never read nor answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.add(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh PostgreSQL schema (its URL, straight to the server)."""
    yield from _postgres_url()


def _counts(url: str) -> dict[str, int]:
    """Rows of every table in the schema of ``url``, read straight from PostgreSQL."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            return {
                t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables
            }
    finally:
        engine.dispose()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _timed(call: Callable[[], httpx.Response], times: list[float] | None = None) -> httpx.Response:
    start = time.monotonic()
    response = call()
    elapsed = time.monotonic() - start
    if times is not None:
        times.append(elapsed)
    assert elapsed < BOUND_S, f"answered after {elapsed:.1f} s"
    return response


def _unavailable_within_bound(call: Callable[[], httpx.Response], since: float) -> httpx.Response:
    """The first answer of ``call`` that is not a 200, asked until :data:`BOUND_S` after
    ``since``: ``/healthz`` reuses a database success for a second (services/health.py) and
    the daily endpoints take a key verified in the last second with what the process holds
    (services/read_cache.py), so for up to a second after an outage begins they may still
    answer from memory."""
    while (r := _timed(call)).status_code == 200:
        assert time.monotonic() - since < BOUND_S, "still 200 after the bound"
        time.sleep(0.1)
    return r


def _assert_unavailable(c: httpx.Client, health: httpx.Client, csv: bytes) -> None:
    since = time.monotonic()
    assert_problem(_unavailable_within_bound(lambda: health.get("/healthz"), since), 503)
    for r in (
        _unavailable_within_bound(lambda: c.get("/v1/readiness/today"), since),
        _timed(lambda: upload(c, csv, "outage.csv")),
    ):
        body = assert_problem(r, 503)
        assert body["type"].endswith("service-unavailable"), body  # type: ignore[union-attr]
        assert int(r.headers["retry-after"]) > 0


@pytest.mark.parametrize("worker", ["embedded", "standalone"])
def test_outage_answers_503_in_time_and_the_server_recovers(
    database: str, tmp_path: Path, worker: str
) -> None:
    direct = sa.make_url(database)
    proxy = Proxy((direct.host or "127.0.0.1", direct.port or 5432))
    proxy.open()
    via_proxy = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    env = {"READINESS_EMBEDDED_WORKER": str(worker == "embedded").lower()}
    launched = launch(via_proxy, "postgres-proxy", tmp_path, env)
    server = launched.server
    jobs: subprocess.Popen[bytes] | None = None
    if worker == "standalone":  # a `readiness worker` process through the same proxy
        with (tmp_path / "worker.log").open("wb") as out:
            jobs = subprocess.Popen(
                [sys.executable, "-m", "readiness.api.cli", "worker"],
                env=server_env(via_proxy, env),
                cwd=tmp_path,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60  # started (its database checked) before any outage
        while "job worker(s)" not in (tmp_path / "worker.log").read_text():
            assert jobs.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline
            time.sleep(0.1)
    try:
        a = server.athlete()
        csv = daily_csv(a.today(), days=30)
        with server.client(a.key) as c, httpx.Client(base_url=server.url) as health:
            assert upload(c, csv, "before.csv").status_code == 201
            assert c.get("/v1/readiness/today").status_code == 200
            rows, files = _counts(database), _files(tmp_path / "readiness-data")

            for outage in (proxy.close, proxy.black_hole):
                outage()
                _assert_unavailable(c, health, csv)
                assert _counts(database) == rows, outage.__name__
                assert _files(tmp_path / "readiness-data") == files, outage.__name__
                proxy.open()
                # the same process serves again: no restart
                assert _timed(lambda: health.get("/healthz")).status_code == 200
                assert c.get("/v1/readiness/today").status_code == 200

            # a write and a background job after both outages: the worker survived them
            assert upload(c, daily_csv(a.today(), days=30, seed=3), "after.csv").status_code == 201
            big = upload(c, daily_csv(a.today(), days=600, pad=500, seed=4), "job.csv")
            assert big.status_code == 202, big.text
            deadline = time.monotonic() + 60
            while (body := c.get(f"/v1/uploads/{big.json()['id']}").json())["status"] not in (
                "done",
                "failed",
            ):
                assert time.monotonic() < deadline, body
                time.sleep(0.1)
            assert body["status"] == "done", body
        assert launched.proc.poll() is None
        assert jobs is None or jobs.poll() is None
    finally:
        if jobs is not None:
            jobs.terminate()
            jobs.wait(20)
        launched.stop()
        proxy.close()


class Partition:
    """iptables rules that drop every packet to or from a loopback ``port`` (no reset, no close:
    the peers' kernels never hear of each other again until :meth:`heal`)."""

    def __init__(self, port: int) -> None:
        self.tag = f"readiness-test-{uuid.uuid4().hex[:12]}"
        self.rules = [
            ["INPUT", "-i", "lo", "-p", "tcp", side, str(port), "-j", "DROP"]
            for side in ("--dport", "--sport")
        ]
        self.iptables = self._usable_iptables()
        self._on = False

    @staticmethod
    def _usable_iptables() -> str:
        """The first iptables that can list the filter table here, or skip with the reason."""
        if os.geteuid() != 0:
            pytest.skip("dropping packets needs root (iptables)")
        tried = []
        for name in ("iptables", "iptables-legacy"):
            path = shutil.which(name)
            if path is None:
                tried.append(f"{name}: not installed (make iptables)")
                continue
            done = subprocess.run([path, "-w", "-S", "INPUT"], capture_output=True, text=True)
            if done.returncode == 0:
                return path
            tried.append(f"{name}: {done.stderr.strip()}")
        pytest.skip("no usable iptables (no netfilter here?): " + "; ".join(tried))

    def _run(self, action: str, rule: list[str]) -> subprocess.CompletedProcess[str]:
        comment = ["-m", "comment", "--comment", self.tag]
        return subprocess.run(
            [self.iptables, "-w", action, *rule[:-2], *comment, *rule[-2:]],
            capture_output=True,
            text=True,
        )

    def cut(self) -> None:
        self._on = True
        for rule in self.rules:
            done = self._run("-I", rule)
            assert done.returncode == 0, done.stderr

    def heal(self) -> None:
        """Remove the rules (safe to call twice)."""
        if self._on:
            self._on = False
            for rule in self.rules:
                while self._run("-D", rule).returncode == 0:
                    pass

    @contextlib.contextmanager
    def cut_off(self) -> Iterator[None]:
        self.cut()
        try:
            yield
        finally:
            self.heal()


def _assert_503(r: httpx.Response) -> None:
    body = assert_problem(r, 503)
    assert body["type"].endswith("service-unavailable"), body  # type: ignore[union-attr]
    assert int(r.headers["retry-after"]) > 0


def _waiting_on(direct: sa.Connection, table: str) -> int:
    """How many lock requests on ``table`` (of this schema) are waiting."""
    return direct.execute(
        sa.text(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = CAST(:t AS regclass)"
        ),
        {"t": table},
    ).scalar_one()


def test_a_network_partition_answers_503_in_time_and_the_server_recovers(
    database: str, tmp_path: Path
) -> None:
    direct = sa.make_url(database)
    proxy = Proxy((direct.host or "127.0.0.1", direct.port or 5432))
    partition = Partition(proxy.port)  # skips here when packets cannot be dropped
    proxy.open()
    via_proxy = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    env = {"READINESS_EMBEDDED_WORKER": "false"}
    launched = launch(via_proxy, "postgres-partition", tmp_path, env)
    server = launched.server
    locker = sa.create_engine(database)
    times: dict[str, list[float]] = {}
    try:
        a = server.athlete()
        with (
            server.client(a.key) as c,
            httpx.Client(base_url=server.url, timeout=30) as health,
        ):
            assert upload(c, daily_csv(a.today(), days=30), "before.csv").status_code == 201
            for _ in range(5):  # connections established and back in the pool
                assert c.get("/v1/readiness/today").status_code == 200
            rows = _counts(database)

            # 1. the packets vanish between two requests: the next one meets a pooled
            #    connection that is silent (its ping and then a new connection time out)
            with partition.cut_off():
                cut = time.monotonic()
                _assert_503(_unavailable_within_bound(lambda: c.get("/v1/readiness/today"), cut))
                times.setdefault("next", []).append(time.monotonic() - cut)
                r = _timed(lambda: health.get("/healthz"), times.setdefault("healthz", []))
                assert_problem(r, 503)
            assert _timed(lambda: health.get("/healthz")).status_code == 200
            assert c.get("/v1/readiness/today").status_code == 200

            # 2. the packets vanish while a statement waits for its answer (a lock this test
            #    holds): only keepalives can tell the server's side the connection is dead
            answer: list[httpx.Response | BaseException] = []

            def in_flight() -> None:
                try:
                    # /v1/me always reads the key's row (a daily endpoint may answer a key
                    # verified in the last second from memory, without the database)
                    answer.append(c.get("/v1/me"))
                except BaseException as exc:  # reported by the assertion below
                    answer.append(exc)

            with locker.connect() as hold:
                hold.execute(sa.text("LOCK TABLE athletes, api_keys IN ACCESS EXCLUSIVE MODE"))
                request = threading.Thread(target=in_flight, daemon=True)
                request.start()
                deadline = time.monotonic() + 20
                while _waiting_on(hold, "athletes") + _waiting_on(hold, "api_keys") == 0:
                    assert time.monotonic() < deadline, "the request never reached the database"
                    time.sleep(0.05)
                with partition.cut_off():
                    cut = time.monotonic()
                    request.join(BOUND_S + 10)
                    times["in_flight"] = [time.monotonic() - cut]
                    assert answer, "no answer"
                    assert isinstance(answer[0], httpx.Response), answer
                    assert times["in_flight"][0] < BOUND_S, times
                    _assert_503(answer[0])
                    r = _timed(lambda: health.get("/healthz"), times["healthz"])
                    assert_problem(r, 503)
                    hold.rollback()  # the lock goes; the server still hears nothing

            # the rule is gone: the same process serves again, and nothing was written
            assert _timed(lambda: health.get("/healthz")).status_code == 200
            assert c.get("/v1/readiness/today").status_code == 200
            assert _counts(database) == rows
        assert launched.proc.poll() is None
        print("partition timings (s):", {k: [round(t, 2) for t in v] for k, v in times.items()})
    finally:
        partition.heal()
        launched.stop()
        proxy.close()
        locker.dispose()
