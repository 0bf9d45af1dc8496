"""The ingest fuzz corpus: seeded mutations of the real shared fixtures, and a harness.

Seeds are the real files beside the clone (``../shared/fixtures``: FIT, CSV, JSON, XML, zip) up
to :data:`MAX_SEED_BYTES`. Inputs take the kinds of seed in turn, then their files. Each
input is one seed with one to three mutations: bit flips, a
truncation, an insertion (random bytes or a token that matters to some parser: NUL, quotes,
brackets, a zip signature, deep nesting), a deleted or duplicated slice; zip seeds are also
mutated member by member and re-zipped, so the archive stays readable while its content breaks.
The same ``seed`` and ``count`` always build the same inputs.

Run longer than CI does with ``make fuzz`` (``python -m tests.ingest.fuzz.corpus COUNT``).
"""

from __future__ import annotations

import io
import random
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from readiness.ingest import IngestError, read_bytes

from tests.conftest import SHARED

#: Larger fixtures are left out: each input must be read in well under a second.
MAX_SEED_BYTES = 256 * 1024
#: An input read slower than this is a failure, like an exception that is no IngestError.
MAX_SECONDS = 2.0
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
            dst.writestr(info.filename, content, compress_type=zipfile.ZIP_DEFLATED)
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


def run(seed: int, count: int) -> tuple[int, float, list[Failure]]:
    """Feed the inputs to ``read_bytes``: (inputs read, slowest seconds, failures)."""
    failures: list[Failure] = []
    slowest = 0.0
    done = 0
    for base, index, data in inputs(seed, count):
        started = time.perf_counter()
        try:
            read_bytes(data, base.name)
        except IngestError:
            pass
        except Exception as exc:  # the point: anything else is a bug
            failures.append(Failure(base.name, index, f"{type(exc).__name__}: {exc}"[:300]))
        elapsed = time.perf_counter() - started
        slowest = max(slowest, elapsed)
        if elapsed > MAX_SECONDS:
            failures.append(Failure(base.name, index, f"took {elapsed:.2f} s"))
        done += 1
    return done, slowest, failures


def main(argv: list[str]) -> int:
    count = int(argv[1]) if len(argv) > 1 else 100_000
    seed = int(argv[2]) if len(argv) > 2 else 1
    started = time.perf_counter()
    done, slowest, failures = run(seed, count)
    for f in failures:
        print(f"{f.seed} #{f.index}: {f.problem}")
    print(
        f"{done} inputs from {len(seeds())} seeds (seed {seed}) in "
        f"{time.perf_counter() - started:.1f} s; slowest {slowest:.3f} s; "
        f"{len(failures)} failure(s)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
