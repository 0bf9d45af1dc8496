"""The ``readiness`` entry point: builds the parser from the sub-command modules of this package."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from readiness.api.cli import athletes, data, ingest, score, service, teams, webhooks, worker

__all__ = ["main"]

#: Sub-command modules: each has ``register(subparsers)`` which sets ``func`` on its parser.
COMMANDS = (ingest, score, service, worker, athletes, data, teams, webhooks)


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
    try:
        code: int = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`readiness today | head`): not an error of ours. Python would
        # complain again at exit while flushing, so stdout is pointed at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code
