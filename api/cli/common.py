"""Helpers shared by the CLI commands: timezone parsing, error printing, JSON output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from readiness.ingest import IngestError

if TYPE_CHECKING:
    from readiness.api.settings import Settings
    from readiness.api.storage.engine import Database
    from readiness.api.storage.unit_of_work import UnitOfWork

__all__ = [
    "ENV_FILE",
    "EXIT_BAD_INPUT",
    "NOW_VARIABLE",
    "clock_note",
    "clock_pin",
    "in_unit",
    "load_settings",
    "port_arg",
    "print_error",
    "print_json",
    "tz_arg",
]

EXIT_BAD_INPUT = 2
#: The settings file every command reads (``Settings`` reads ``.env`` in the working folder).
ENV_FILE = Path(".env")
#: The variable that pins the service's clock.
NOW_VARIABLE = "READINESS_NOW"


def tz_arg(value: str) -> ZoneInfo:
    """argparse type for ``--tz``: an IANA zone name."""
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"unknown timezone {value!r} (e.g. Europe/Oslo)") from exc


def port_arg(value: str) -> int:
    """argparse type for ``--port``: a TCP port, 1–65535."""
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (1-65535)")
    return port


def _environment_now() -> str | None:
    """``READINESS_NOW`` as the environment spells it (any case, as the settings read it)."""
    return next((v for k, v in os.environ.items() if k.upper() == NOW_VARIABLE), None)


def clock_pin(settings: Settings) -> tuple[str, str] | None:
    """A pinned clock as written and where it is set (``the environment`` or ``.env``)."""
    if settings.now is None:
        return None
    value = _environment_now()
    if value is not None:
        return value, "the environment"
    from dotenv import dotenv_values

    return dotenv_values(ENV_FILE).get(NOW_VARIABLE) or settings.now.isoformat(), str(ENV_FILE)


def clock_note(settings: Settings) -> str | None:
    """One line naming a pinned clock and where the pin comes from; ``None`` on the real clock."""
    pin = clock_pin(settings)
    if pin is None:
        return None
    return f"readiness: clock pinned to {pin[0]} by {pin[1]} ({NOW_VARIABLE})"


def print_error(exc: IngestError) -> None:
    """One short line per bad file on stderr, never a traceback."""
    print(f"readiness: {exc.message}", file=sys.stderr)


def print_json(payload: Any) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")


def load_settings(*, clock: bool = False) -> Settings:
    """The service settings from the environment; a bad variable is one line on stderr and
    exit 2 (``SystemExit``), never a traceback. ``clock``: the command follows the service's
    clock, so a pinned one is named in one line on stderr (:func:`clock_note`)."""
    from pydantic import ValidationError
    from readiness.api.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            name = ".".join(str(part) for part in err["loc"])
            print(f"readiness: bad configuration {name}: {err['msg']}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None
    note = clock_note(settings) if clock else None
    if note:
        print(note, file=sys.stderr)
    return settings


def in_unit(action: Callable[[Database, UnitOfWork], list[str]], settings: Settings) -> int:
    """Run ``action`` in one unit of work on the settings' database and print its lines once
    that is committed; exit 2 with a one-line reason when the action refuses (a service error)
    or a file cannot be written."""
    from readiness.api.services.errors import ServiceError
    from readiness.api.storage.engine import open_database
    from readiness.api.storage.unit_of_work import unit_of_work

    db = open_database(settings)
    try:
        with unit_of_work(db.sessions) as work:
            lines = action(db, work)
    except ServiceError as exc:
        print(f"readiness: {exc.detail}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"readiness: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        db.dispose()
    for line in lines:
        print(line)
    return 0
