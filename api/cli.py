"""The ``readiness`` command line. Each sub-command lives in its own ``cli_*`` module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import cli_athletes, cli_ingest, cli_score, cli_service

__all__ = ["main"]

#: Sub-command modules: each has ``register(subparsers)`` which sets ``func`` on its parser.
COMMANDS = (cli_ingest, cli_score, cli_service, cli_athletes)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readiness",
        description="Explainable daily recovery call from watch, ring and strap exports. "
        "Not medical advice.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
