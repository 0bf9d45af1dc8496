"""JSON vendor exports (Garmin Connect, Fitbit, Oura) parsed whole, with typed, located errors.

Nesting is capped at :data:`MAX_JSON_DEPTH` before :func:`json.loads` runs: the stdlib parser
(and every reader that walks the document) recurses per level, so a file nested 100k deep would
otherwise end in ``RecursionError``. The pre-scan drops string literals with one regular
expression and sums the remaining brackets in C (:func:`itertools.accumulate`), a few ms per MB.
No vendor file we read nests deeper than ~6 levels.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from readiness.ingest.errors import CorruptFileError, TruncatedFileError

__all__ = ["MAX_JSON_DEPTH", "check_json_depth", "json_depth", "load_json"]

#: Deepest nesting of arrays and objects accepted in a JSON document.
MAX_JSON_DEPTH = 64
#: A string literal, or an unterminated one to the end; possessive, so it never backtracks.
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in ``text`` (brackets inside strings do not count)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def check_json_depth(text: str, name: str, expected: str) -> None:
    """Refuse a document nested deeper than :data:`MAX_JSON_DEPTH` with a CorruptFileError."""
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise CorruptFileError(
            name,
            f"JSON nested {depth} levels deep (cap MAX_JSON_DEPTH {MAX_JSON_DEPTH})",
            expected=expected,
        )


def load_json(data: bytes, name: str, expected: str) -> Any:
    """Parse JSON bytes; errors name the line and column (truncation is told apart)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorruptFileError(name, "not UTF-8 text", offset=exc.start, expected=expected) from exc
    check_json_depth(text, name, expected)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip()) or (
            exc.msg.startswith("Unterminated string") and text.find('"', exc.pos + 1) < 0
        )
        cls = TruncatedFileError if truncated else CorruptFileError
        raise cls(
            name,
            f"broken JSON at character {exc.colno}: {exc.msg}"
            + (" (the file ends too early)" if truncated else ""),
            offset=exc.pos,
            line=exc.lineno,
            expected=expected,
        ) from exc
