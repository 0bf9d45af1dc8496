"""Helpers shared by the CLI commands: timezone parsing, error printing, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from readiness.ingest import IngestError

__all__ = ["EXIT_BAD_INPUT", "print_error", "print_json", "tz_arg"]

EXIT_BAD_INPUT = 2


def tz_arg(value: str) -> ZoneInfo:
    """argparse type for ``--tz``: an IANA zone name."""
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"unknown timezone {value!r} (e.g. Europe/Oslo)") from exc


def print_error(exc: IngestError) -> None:
    """One short line per bad file on stderr, never a traceback."""
    print(f"readiness: {exc.message}", file=sys.stderr)


def print_json(payload: Any) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")
