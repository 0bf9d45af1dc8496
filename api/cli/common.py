"""Helpers shared by the CLI commands: timezone parsing, error printing, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from readiness.ingest import IngestError

if TYPE_CHECKING:
    from readiness.api.settings import Settings

__all__ = ["EXIT_BAD_INPUT", "load_settings", "print_error", "print_json", "tz_arg"]

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


def load_settings() -> Settings:
    """The service settings from the environment; a bad variable is one line on stderr and
    exit 2 (``SystemExit``), never a traceback."""
    from pydantic import ValidationError
    from readiness.api.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        for err in exc.errors():
            name = ".".join(str(part) for part in err["loc"])
            print(f"readiness: bad configuration {name}: {err['msg']}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None
