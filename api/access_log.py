"""The access log's query strings, redacted: ``/v1/x?token=abc`` is logged ``/v1/x?token=…``;
so is an invitation's code in its path (``/v1/invitations/…/accept``).

uvicorn's access log (logger ``uvicorn.access``) prints each request's path with its query
string, where an API key, a feed token or a date range would be recorded in the clear.
:class:`RedactQuery` keeps every parameter's name and replaces its value; an item without ``=``
(which could be a bare secret) is replaced whole. :func:`install` adds it to the logger once.
"""

from __future__ import annotations

import logging
import re

__all__ = ["ACCESS_LOGGER", "REDACTED", "RedactQuery", "install", "redact_query"]

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "…"
#: Where uvicorn's access record carries the path with its query (client, method, path, ...).
_PATH_ARG = 2
#: Paths that carry a secret: the one-time code of an invitation.
_SECRET_SEGMENT = re.compile(r"^(/v1/invitations/)[^/?]+")


def redact_query(target: str) -> str:
    """``target`` (a path with an optional query) with every query value (and an invitation's
    code) replaced."""
    target = _SECRET_SEGMENT.sub(rf"\g<1>{REDACTED}", target)
    path, sep, query = target.partition("?")
    if not sep:
        return target
    items = []
    for item in query.split("&"):
        name, eq, _ = item.partition("=")
        items.append(f"{name}={REDACTED}" if eq else REDACTED if item else "")
    return f"{path}?{'&'.join(items)}"


class RedactQuery(logging.Filter):
    """Rewrites the path argument of uvicorn's access records (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > _PATH_ARG:
            target = args[_PATH_ARG]
            if isinstance(target, str):
                record.args = (*args[:_PATH_ARG], redact_query(target), *args[_PATH_ARG + 1 :])
        return True


def install() -> None:
    """Add :class:`RedactQuery` to uvicorn's access logger (once per process)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactQuery) for f in logger.filters):
        logger.addFilter(RedactQuery())
