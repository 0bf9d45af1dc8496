"""JSON vendor exports (Garmin Connect, Fitbit) parsed whole, with typed, located errors."""

from __future__ import annotations

import json
from typing import Any

from readiness.ingest.errors import CorruptFileError, TruncatedFileError

__all__ = ["load_json"]


def load_json(data: bytes, name: str, expected: str) -> Any:
    """Parse JSON bytes; errors name the line and column (truncation is told apart)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorruptFileError(name, "not UTF-8 text", offset=exc.start, expected=expected) from exc
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
