"""FIT files: the adapter between FIT decoders and the daily/sessions tables.

(Implementation in progress: see issue 2.)
"""

from __future__ import annotations

from typing import BinaryIO

from .options import ReadOptions
from .result import IngestResult

__all__ = ["looks_like_fit", "read_fit"]


def looks_like_fit(data: bytes) -> bool:
    """A FIT file has a 12- or 14-byte header with ``.FIT`` at bytes 8–11."""
    return len(data) >= 12 and data[8:12] == b".FIT"


def read_fit(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    raise NotImplementedError
