"""The ingest fuzz corpus: seeded mutations of the real shared fixtures, and a harness.

Seeds are the real files beside the clone (``../shared/fixtures``: FIT, CSV, JSON, XML, zip) up
to :data:`MAX_SEED_BYTES`. Inputs take the kinds of seed in turn, then their files. Each
input is one seed with one to three mutations: bit flips, a
truncation, an insertion (random bytes or a token that matters to some parser: NUL, quotes,
brackets, a zip signature, deep nesting), a deleted or duplicated slice; zip seeds are also
mutated member by member and re-zipped, so the archive stays readable while its content breaks.
The same ``seed`` and ``count`` always build the same inputs.

Memory is bounded too: the run measures the growth of the process's peak resident set
(``VmHWM`` in ``/proc/self/status``, reset first through ``/proc/self/clear_refs``) and, for
every :data:`TRACE_EVERY`-th input, the peak of Python allocations while it is read
(``tracemalloc``); :data:`MAX_RSS_GROWTH` and :data:`MAX_INPUT_PEAK` are the bounds.

Run longer than CI does with ``make fuzz`` (``python -m tests.ingest.fuzz.corpus COUNT``).
"""

from __future__ import annotations

import contextlib
import io
import random
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from readiness.ingest import IngestError, read_bytes

from tests.conftest import SHARED

#: Larger fixtures are left out: each input must be read in well under a second.
MAX_SEED_BYTES = 256 * 1024
#: An input read slower than this is a failure, like an exception that is no IngestError.
MAX_SECONDS = 2.0
#: Bound on the growth of the process's peak resident set over a whole run.
MAX_RSS_GROWTH = 256 * 1024 * 1024
#: Bound on the Python allocations' peak while one (sampled) input is read.
MAX_INPUT_PEAK = 64 * 1024 * 1024
#: One input in this many is read under tracemalloc (it slows reading down ~3×).
TRACE_EVERY = 50
_TOKENS = (
    b"\x00",
    b'"',
    b"'",
    b"[",
    b"{",
    b"]}",
    b",",
    b";",
    b"\n",
    b"\r\n",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"<",
    b"&amp;",
    b"<!ENTITY x 'y'>",
    b"-1",
    b"1e309",
    b"NaN",
    b"99999999999999999999",
    b"2024-02-30",
    b"[" * 5000,
    b".FIT",
)


@dataclass(frozen=True, slots=True)
class Seed:
    """One real fixture: its file name (readers see it) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that raised something other than an IngestError, or took too long."""

    seed: str
    index: int
    problem: str


@dataclass(slots=True)
class Report:
    """What a run found: inputs read, the slowest one, failures and the memory figures."""

    done: int = 0
    slowest: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    #: Growth of the peak resident set over the run (bytes; ``None`` without ``/proc``).
    rss_growth: int | None = None
    #: Largest tracemalloc peak of one sampled input (bytes), and how many were sampled.
    input_peak: int = 0
    traced: int = 0

    def summary(self) -> str:
        rss = "n/a" if self.rss_growth is None else f"{self.rss_growth / 2**20:.1f} MiB"
        return (
            f"slowest {self.slowest:.3f} s; peak RSS growth {rss} "
            f"(bound {MAX_RSS_GROWTH / 2**20:.0f} MiB); largest traced peak of one input "
            f"{self.input_peak / 2**20:.1f} MiB over {self.traced} sampled "
            f"(bound {MAX_INPUT_PEAK / 2**20:.0f} MiB); {len(self.failures)} failure(s)"
        )


def _status_bytes(key: str) -> int | None:
    """A ``kB`` field of ``/proc/self/status`` (``VmRSS``, ``VmHWM``) in bytes, if there is one."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak_rss() -> None:
    """Start ``VmHWM`` again from the current resident set (Linux; a no-op elsewhere)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def seeds() -> list[Seed]:
    """Every real fixture small enough, sorted by path (an empty list without the fixtures)."""
    files = sorted(p for p in SHARED.rglob("*") if p.is_file() and p.suffix.lower() != ".md")
    return [Seed(p.name, p.read_bytes()) for p in files if 0 < p.stat().st_size <= MAX_SEED_BYTES]


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    kind = rng.randrange(6)
    if not buf:
        return bytes(rng.choice(_TOKENS))
    if kind == 0:  # flip a few bits
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
    elif kind == 1:  # truncate
        del buf[rng.randrange(len(buf)) :]
    elif kind == 2:  # insert a token
        i = rng.randrange(len(buf) + 1)
        buf[i:i] = rng.choice(_TOKENS)
    elif kind == 3:  # insert random bytes
        i = rng.randrange(len(buf) + 1)
        buf[i:i] = rng.randbytes(rng.randint(1, 64))
    elif kind == 4:  # delete a slice
        i = rng.randrange(len(buf))
        del buf[i : i + rng.randint(1, 256)]
    else:  # duplicate a slice
        i = rng.randrange(len(buf))
        buf[i:i] = buf[i : i + rng.randint(1, 256)]
    return bytes(buf)


def _mutate_zip(data: bytes, rng: random.Random) -> bytes:
    """Re-zip an archive with one member's content mutated (the zip itself stays valid)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        infos = src.infolist()
        victim = rng.randrange(len(infos)) if infos else -1
        for i, info in enumerate(infos):
            content = src.read(info)
            if i == victim:
                content = _mutate_bytes(content, rng)
            # the member's own timestamp, not the clock's: the same seed gives the same bytes
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            dst.writestr(member, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def inputs(seed: int, count: int) -> Iterator[tuple[Seed, int, bytes]]:
    """``count`` mutated inputs, round-robin over the kinds of seed (FIT, CSV, JSON, XML, zip)
    and over the files of each kind: (seed file, index, bytes)."""
    kinds: dict[str, list[Seed]] = {}
    for s in seeds():  # each kind gets an equal share, however many FIT files there are
        kinds.setdefault(s.name.rsplit(".", 1)[-1].lower(), []).append(s)
    groups = [kinds[k] for k in sorted(kinds)]
    rng = random.Random(seed)
    for index in range(count if groups else 0):
        group = groups[index % len(groups)]
        base = group[(index // len(groups)) % len(group)]
        data = base.data
        if data.startswith(b"PK\x03\x04") and rng.random() < 0.5:
            data = _mutate_zip(data, rng)
        else:
            for _ in range(rng.randint(1, 3)):
                data = _mutate_bytes(data, rng)
        yield base, index, data


def _read(data: bytes, name: str) -> None:
    with contextlib.suppress(IngestError):
        read_bytes(data, name)


def run(seed: int, count: int) -> Report:
    """Feed the inputs to ``read_bytes`` and measure time and memory (see :class:`Report`)."""
    report = Report()
    _reset_peak_rss()
    rss_before = _status_bytes("VmRSS")
    for base, index, data in inputs(seed, count):
        traced = index % TRACE_EVERY == 0 and not tracemalloc.is_tracing()
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        try:
            _read(data, base.name)
        except Exception as exc:  # the point: anything else is a bug
            report.failures.append(Failure(base.name, index, f"{type(exc).__name__}: {exc}"[:300]))
        elapsed = time.perf_counter() - started
        if traced:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            report.traced += 1
            report.input_peak = max(report.input_peak, peak)
            if peak > MAX_INPUT_PEAK:
                report.failures.append(
                    Failure(base.name, index, f"allocated {peak / 2**20:.1f} MiB at its peak")
                )
        elif elapsed > MAX_SECONDS:  # a traced input is slowed down: only untraced are timed
            report.failures.append(Failure(base.name, index, f"took {elapsed:.2f} s"))
        if not traced:
            report.slowest = max(report.slowest, elapsed)
        report.done += 1
    hwm = _status_bytes("VmHWM")
    if rss_before is not None and hwm is not None:
        report.rss_growth = max(0, hwm - rss_before)
        if report.rss_growth > MAX_RSS_GROWTH:
            report.failures.append(
                Failure("(run)", -1, f"peak RSS grew {report.rss_growth / 2**20:.1f} MiB")
            )
    return report


def main(argv: list[str]) -> int:
    count = int(argv[1]) if len(argv) > 1 else 100_000
    seed = int(argv[2]) if len(argv) > 2 else 1
    started = time.perf_counter()
    report = run(seed, count)
    for f in report.failures:
        print(f"{f.seed} #{f.index}: {f.problem}")
    print(
        f"{report.done} inputs from {len(seeds())} seeds (seed {seed}) in "
        f"{time.perf_counter() - started:.1f} s; {report.summary()}"
    )
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
