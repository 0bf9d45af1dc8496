"""The ``readiness`` command line: one module per sub-command group (``ingest``, ``score``,
``service``, ``athletes``, ``data``), their shared helpers (``common``) and the entry point
(``main``)."""

from readiness.api.cli.main import main

__all__ = ["main"]
