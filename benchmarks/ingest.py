"""Benchmark: FIT ingest end to end vs. a raw fitparse decode of the same files, in one run.

Usage::

    .venv/bin/python benchmarks/ingest.py [--quick] [--repeat 3] [--breakdown]

Files: every ``*.fit`` under ``../shared/fixtures/fit`` (the real-device corpus, outside the
repository) and under ``sample_data/`` (generated); a folder that is absent is skipped with a
message. Three passes over the same bytes (read into memory first, so disk is not measured):

* **pipeline** — ``readiness.ingest.read_paths`` on the file list: format sniffing, the
  ``"auto"`` FIT backend, extraction into daily/sessions tables, the merge;
* **bulk decode** — ``BulkDecoder().decode`` alone (the numpy decoder);
* **raw fitparse** — ``FitFile(...).get_messages()`` + ``get_values()`` of every message, what
  a plain fitparse user does (no extraction at all).

The issue's target: pipeline ≥ 10× raw fitparse. The fast passes run ``--repeat`` times (best
time kept); fitparse runs once. Messages are the file's data messages (from the record walk).
``--breakdown`` times decode and extraction per file separately and lists the slowest files.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from readiness.ingest import IngestError, ReadOptions, read_paths
from readiness.ingest.fit.bulk.decoder import BulkDecoder
from readiness.ingest.fit.bulk.walk import walk
from readiness.ingest.fit.reading import decode_fit, extract

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = (ROOT.parent / "shared" / "fixtures" / "fit", ROOT / "sample_data")


@dataclass(frozen=True)
class Pass:
    """One timed pass over the corpus."""

    name: str
    seconds: float  # wall clock
    cpu: float  # this process's CPU time (stable when other jobs share the cores)
    failed: int


def find_files(quick: bool) -> list[Path]:
    """The ``*.fit`` files of each folder (``--quick``: every 4th, and none over 300 KB)."""
    files: list[Path] = []
    for folder in FOLDERS:
        if not folder.is_dir():
            print(f"skipped: {folder} is absent")
            continue
        found = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".fit")
        if quick:
            found = [p for p in found[::4] if p.stat().st_size <= 300_000]
        print(f"{folder}: {len(found)} FIT files")
        files.extend(found)
    return files


def count_messages(blobs: dict[Path, bytes]) -> int:
    """Data messages in all files (the walk's count; files it cannot read count 0)."""
    total = 0
    for path, data in blobs.items():
        try:
            w = walk(data, path.name)
        except IngestError:
            continue
        total += len(w.offsets)
    return total


def timed(name: str, body: Callable[[], int], repeat: int) -> Pass:
    best = best_cpu = float("inf")
    failed = 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        failed = body()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    return Pass(name, best, best_cpu, failed)


def run_pipeline(paths: list[Path]) -> int:
    report = read_paths(paths, ReadOptions())
    return len(report.errors)


def run_bulk(blobs: dict[Path, bytes]) -> int:
    decoder = BulkDecoder()
    failed = 0
    for path, data in blobs.items():
        try:
            decoder.decode(data, path.name)
        except IngestError:
            failed += 1
    return failed


def run_fitparse(blobs: dict[Path, bytes]) -> int:
    from fitparse import FitFile
    from fitparse.utils import FitParseError

    failed = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for data in blobs.values():
            try:
                for message in FitFile(io.BytesIO(data)).get_messages():
                    message.get_values()
            except FitParseError:
                failed += 1
    return failed


def breakdown(blobs: dict[Path, bytes]) -> None:
    """Decode vs. extraction time per file ("auto" backend), slowest files first."""
    rows = []
    options = ReadOptions()
    for path, data in blobs.items():
        t0 = time.perf_counter()
        try:
            msgs = decode_fit(data, path.name)
        except IngestError:
            continue
        t1 = time.perf_counter()
        with contextlib.suppress(IngestError):
            extract(msgs, options)
        t2 = time.perf_counter()
        rows.append((t2 - t0, t1 - t0, t2 - t1, len(data), path.name))
    dec = sum(r[1] for r in rows)
    ext = sum(r[2] for r in rows)
    print(f"\nbreakdown over {len(rows)} decodable files: decode {dec:.3f} s, extract {ext:.3f} s")
    print(f"{'total ms':>9} {'decode':>8} {'extract':>8} {'KB':>8}  file")
    for total, d, e, size, name in sorted(rows, reverse=True)[:12]:
        print(f"{total * 1e3:9.1f} {d * 1e3:8.1f} {e * 1e3:8.1f} {size / 1e3:8.1f}  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small subset (smoke test)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast passes (best)")
    parser.add_argument("--breakdown", action="store_true", help="decode vs extract per file")
    args = parser.parse_args(argv)

    paths = find_files(args.quick)
    if not paths:
        print("no FIT files found: nothing to benchmark")
        return 0
    blobs = {p: p.read_bytes() for p in paths}
    mb = sum(len(b) for b in blobs.values()) / 1e6
    messages = count_messages(blobs)
    print(f"corpus: {len(paths)} files, {mb:.2f} MB, {messages:,} data messages\n")

    passes = [
        timed("pipeline (read_paths, auto)", lambda: run_pipeline(paths), args.repeat),
        timed("bulk decode alone", lambda: run_bulk(blobs), args.repeat),
        timed("raw fitparse decode", lambda: run_fitparse(blobs), 1),
    ]
    head = f"{'pass':<30} {'wall s':>8} {'CPU s':>8} {'MB/s':>8} {'msgs/s':>12} {'failed':>7}"
    print(head)
    for p in passes:
        print(
            f"{p.name:<30} {p.seconds:8.3f} {p.cpu:8.3f} {mb / p.seconds:8.2f} "
            f"{messages / p.seconds:12,.0f} {p.failed:7d}"
        )
    pipeline, bulk, fitparse = passes
    print("(MB/s and msgs/s from wall time; failed = files that raised a typed error)")
    for label, p in (("pipeline", pipeline), ("bulk decode", bulk)):
        print(
            f"ratio {label} / raw fitparse: {fitparse.seconds / p.seconds:.1f}x wall, "
            f"{fitparse.cpu / p.cpu:.1f}x CPU"
        )
    if args.breakdown:
        breakdown(blobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
