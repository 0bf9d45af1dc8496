"""``readiness ingest PATH... [--tz ZONE] [--json]``: read exports, print the merged tables."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
from readiness.api.cli.common import (
    EXIT_BAD_INPUT,
    print_error,
    print_json,
    tz_arg,
)
from readiness.ingest import (
    CHECKINS,
    DAILY,
    SESSIONS,
    ReadOptions,
    ReadReport,
    expand_paths,
    read_paths,
    to_records,
)
from tqdm import tqdm

__all__ = ["register"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "ingest",
        help="read exports (files or folders) and print the daily, sessions and check-ins tables",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument(
        "--tz", type=tz_arg, default=None, help="athlete's IANA timezone, e.g. Europe/Oslo"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: only on a terminal, for many files or big ones)",
    )
    p.set_defaults(func=run)


#: By default a progress bar is shown when stderr is a terminal and the import is this large.
MANY_FILES = 50
BIG_BYTES = 50 * 1024 * 1024


class _Progress(io.RawIOBase):
    """A file whose reads move a byte-progress bar (zips are read by seeking, so it follows the
    furthest position reached)."""

    def __init__(self, inner: BinaryIO, bar: Any) -> None:
        self._inner = inner
        self._bar = bar
        self._furthest = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        pos = self._inner.tell()
        if pos > self._furthest:
            self._bar.update(pos - self._furthest)
            self._furthest = pos
        return len(data)


def _read_all(paths: list[Path], options: ReadOptions, progress: bool | None) -> ReadReport:
    """:func:`readiness.ingest.read_paths` with a byte progress bar on long imports.

    ``progress=None`` shows the bar only when stderr is a terminal and there are many files or
    many bytes (a big zip), so logs and captured output stay clean.
    """
    files = list(expand_paths(paths))
    sizes = [p.stat().st_size if p.is_file() else 0 for p in files]
    total = sum(sizes)
    if progress is None:
        progress = sys.stderr.isatty() and (len(files) >= MANY_FILES or total >= BIG_BYTES)
    with tqdm(
        total=total,
        unit="B",
        unit_scale=True,
        desc="reading",
        file=sys.stderr,
        disable=not progress,
        leave=False,
    ) as bar:
        done = 0

        def wrap(fh: BinaryIO) -> BinaryIO:
            return io.BufferedReader(_Progress(fh, bar), 1024 * 1024)  # type: ignore[return-value]

        def on_file(path: Path, size: int) -> None:
            nonlocal done
            done += size
            bar.set_postfix_str(path.name[-40:], refresh=False)
            bar.update(done - bar.n)

        return read_paths(paths, options, on_file=on_file, wrap=wrap)


def run(args: argparse.Namespace) -> int:
    report = _read_all(args.paths, ReadOptions(tz=args.tz), args.progress)
    for err in report.errors:
        print_error(err)
    res = report.result
    if args.json:
        print_json(
            {
                "daily": to_records(DAILY, res.daily),
                "sessions": to_records(SESSIONS, res.sessions),
                "checkins": to_records(CHECKINS, res.checkins),
                "warnings": [w.to_dict() for w in res.warnings],
            }
        )
    else:
        _print_tables(res.daily, res.sessions, res.checkins, [str(w) for w in res.warnings])
    return EXIT_BAD_INPUT if report.errors else 0


def _print_tables(
    daily: pd.DataFrame, sessions: pd.DataFrame, checkins: pd.DataFrame, warnings: list[str]
) -> None:
    with pd.option_context(
        "display.width", 200, "display.max_columns", 40, "display.max_rows", 400
    ):
        for title, frame in (("daily", daily), ("sessions", sessions), ("checkins", checkins)):
            shown = frame.dropna(axis="columns", how="all")
            print(f"== {title}: {len(frame)} row(s)")
            if not frame.empty:
                print(shown.to_string(index=False))
            print()
    if warnings:
        print(f"== warnings: {len(warnings)}")
        for w in warnings:
            print(f"  {w}")
