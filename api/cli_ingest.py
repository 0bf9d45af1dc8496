"""``readiness ingest PATH... [--tz ZONE] [--json]``: read exports, print the merged tables."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd
from readiness.ingest import CHECKINS, DAILY, SESSIONS, ReadOptions, read_paths
from readiness.ingest.records import to_records

from .cli_common import EXIT_BAD_INPUT, print_error, print_json, tz_arg

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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = read_paths(args.paths, ReadOptions(tz=args.tz))
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
