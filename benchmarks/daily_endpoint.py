"""Benchmark: the daily endpoints against a bare FastAPI endpoint, with wrk, on one worker.

Usage::

    .venv/bin/python benchmarks/daily_endpoint.py   # --seconds 5 --connections 32 --repeat 3

Two real processes on loopback, each one uvicorn worker with the same options: the baseline
(``benchmarks/bare_app.py``: one ``async`` endpoint returning a small JSON object) and
``readiness serve`` on SQLite with the sample athlete of ``make demo`` loaded (4 months of a
Garmin watch's FIT files and check-ins) and the clock pinned to its last day. Then wrk (Debian's
``wrk``, ``make wrk``) loads, in turn, the bare endpoint, ``/healthz``,
``GET /v1/readiness/today`` and ``GET /v1/readiness/{date}`` (the last sample day) with
``--connections`` connections for ``--seconds`` each (after a 2 s warm-up), ``--repeat`` rounds
interleaved; the script prints req/s, p50 and p99 of each, the ratios against the bare endpoint
of the same round, and the median ratios over the rounds; last, what a cache miss costs (the
first read of today after a write).

Targets (issue 10): both readiness endpoints ≥ 50 % of the bare endpoint's req/s with p99 ≤ 3×
its p99; ``/healthz`` ≥ 80 %.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from uploads import free_port  # the port helper of the upload benchmark

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
READINESS = str(BIN / "readiness")
ADMIN = "bench-admin-token"
TARGETS = {"/healthz": (0.8, None), "today": (0.5, 3.0), "date": (0.5, 3.0)}


@dataclass(frozen=True)
class Load:
    """What wrk measured for one URL."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _wait(url: str, logs: Path) -> None:
    for _ in range(300):
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer; see {logs}")


@contextmanager
def process(cmd: list[str], env: dict[str, str], probe: str, logs: Path) -> Iterator[None]:
    """Run ``cmd`` in the folder of ``logs`` (not the checkout: a ``.env`` there would apply)."""
    with logs.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=logs.parent, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait(probe, logs)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, *, seconds: int, connections: int, key: str | None) -> Load:
    """Run wrk against ``url`` and parse req/s and the latency percentiles."""
    header = ["-H", f"Authorization: Bearer {key}"] if key else []
    base = ["wrk", "-t", "1", "-c", str(connections), "--latency", *header]
    subprocess.run([*base, "-d", "2s", url], check=True, capture_output=True)  # warm-up
    out = subprocess.run(
        [*base, "-d", f"{seconds}s", url], check=True, capture_output=True, text=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    pct = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    lat = {k: re.fullmatch(r"([\d.]+)(us|ms|s)", v) for k, v in pct.items()}
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        print(f"  wrk {url}: socket errors {socket_errors.group(1)}", file=sys.stderr)
    return Load(
        rps=rps,
        p50_ms=_ms(*lat["50"].groups()),  # type: ignore[union-attr]
        p99_ms=_ms(*lat["99"].groups()),  # type: ignore[union-attr]
        errors=int(errors.group(1)) if errors else 0,
    )


def load_demo(env: dict[str, str], work: Path) -> tuple[str, str]:
    """``readiness demo --no-serve`` into the benchmark's database (run in ``work``, where it
    saves its pinned clock in ``.env``): the key and the pinned instant."""
    out = subprocess.run(
        [READINESS, "demo", "--no-serve", "--data", str(ROOT / "sample_data")],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    key = re.search(r"API key: (\S+)", out.stdout)
    dotenv = work / ".env"
    pin = re.search(r"^READINESS_NOW=(\S+)", dotenv.read_text(), re.M) if dotenv.exists() else None
    if key is None or pin is None:
        raise RuntimeError(f"unexpected demo output:\n{out.stdout}")
    return key.group(1), pin.group(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the four loads")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("daily_endpoint: wrk is not installed (run `make wrk`)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-daily-") as tmp:
        work = Path(tmp)
        env = {
            **{k: v for k, v in os.environ.items() if k != "READINESS_NOW"},
            "DATABASE_URL": f"sqlite:///{work / 'readiness.db'}",
            "READINESS_ADMIN_TOKEN": ADMIN,
            "READINESS_DATA_DIR": str(work / "data"),
        }
        started = time.perf_counter()
        key, pin = load_demo(env, work)
        day = pin[:10]
        print(f"sample athlete loaded in {time.perf_counter() - started:.1f} s; clock {pin}")
        env_pinned = {**env, "READINESS_NOW": pin}
        bare_port, api_port = free_port(), free_port()
        uvicorn = [str(BIN / "python"), "-m", "uvicorn", "--host", "127.0.0.1"]
        bare_cmd = [
            *uvicorn,
            "--port",
            str(bare_port),
            "--app-dir",
            str(ROOT / "benchmarks"),
            "bare_app:app",
        ]
        api_cmd = [READINESS, "serve", "--port", str(api_port)]
        bare = f"http://127.0.0.1:{bare_port}/bare"
        api = f"http://127.0.0.1:{api_port}"
        urls = {
            "bare": (bare, None),
            "/healthz": (api + "/healthz", None),
            "today": (api + "/v1/readiness/today", key),
            "date": (api + f"/v1/readiness/{day}", key),
        }
        with (
            process(bare_cmd, env, bare, work / "bare.log"),
            process(api_cmd, env_pinned, api + "/healthz", work / "api.log"),
        ):
            for url, k in urls.values():
                status = httpx.get(url, headers={"Authorization": f"Bearer {k}"} if k else {})
                if status.status_code != 200:
                    raise RuntimeError(f"{url}: {status.status_code} {status.text[:300]}")
            rounds = []
            for round_ in range(args.repeat):  # interleaved, so a busy spell hits every URL
                loads = {
                    name: wrk(url, seconds=args.seconds, connections=args.connections, key=k)
                    for name, (url, k) in urls.items()
                }
                report(loads, args, f"round {round_ + 1}")
                rounds.append(loads)
            ok = summary(rounds)
            cold(api, key, day)
    return 0 if ok else 1


def report(loads: dict[str, Load], args: argparse.Namespace, label: str) -> None:
    print(
        f"{label}: wrk -t1 -c{args.connections} -d{args.seconds}s, one uvicorn worker each, "
        "SQLite; baseline = bare FastAPI async endpoint"
    )
    base = loads["bare"]
    for name, load in loads.items():
        line = (
            f"  {name:<9} {load.rps:8.0f} req/s  p50 {load.p50_ms:6.2f} ms  "
            f"p99 {load.p99_ms:7.2f} ms"
        )
        if name != "bare":
            rps, p99 = load.rps / base.rps, load.p99_ms / base.p99_ms
            line += f"  | {rps:5.0%} of bare req/s, p99 {p99:4.1f}x"
        if load.errors:
            line += f"  [{load.errors} non-2xx]"
        print(line)


def summary(rounds: list[dict[str, Load]]) -> bool:
    """The median ratio of each URL over the rounds, against its target."""
    print(f"median of {len(rounds)} round(s), each against the bare endpoint of its own round:")
    ok = True
    for name, (need_rps, need_p99) in TARGETS.items():
        rps = statistics.median(r[name].rps / r["bare"].rps for r in rounds)
        p99 = statistics.median(r[name].p99_ms / r["bare"].p99_ms for r in rounds)
        met = rps >= need_rps and (need_p99 is None or p99 <= need_p99)
        met &= all(r[name].errors == 0 for r in rounds)
        ok &= met
        target = f"≥ {need_rps:.0%} req/s" + (f", p99 ≤ {need_p99:.0f}x" if need_p99 else "")
        print(
            f"  {name:<9} {rps:5.0%} of bare req/s, p99 {p99:4.1f}x "
            f"(target {target}: {'met' if met else 'NOT met'})"
        )
    return ok


def cold(api: str, key: str, day: str) -> None:
    """What a miss costs: the first read of today after a write (a check-in re-scores the
    athlete; the next read scores today again) — as after every write, or each new minute."""
    headers = {"Authorization": f"Bearer {key}"}
    times = []
    with httpx.Client(base_url=api, headers=headers, timeout=60) as c:
        for i in range(5):
            body = {"date": day, "mood": 1 + i % 5}
            c.post("/v1/checkins", json=body).raise_for_status()
            started = time.perf_counter()
            c.get("/v1/readiness/today").raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    print(
        f"a miss: the first GET /v1/readiness/today after a check-in, median of 5: "
        f"{statistics.median(times):.0f} ms (then served from the cache)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
