"""Format detection by content (never by file name) and the registry of readers.

Each :class:`Format` has a cheap ``sniff`` on the first bytes and a ``read`` that turns the
whole file into an :class:`~readiness.ingest.result.IngestResult`. The first format whose sniff
matches reads the file. Add a vendor by adding one entry to :data:`FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from . import fit, generic_csv
from .options import ReadOptions
from .result import IngestResult

__all__ = ["FORMATS", "HEAD_BYTES", "Format", "detect"]

#: Looks at the first :data:`HEAD_BYTES` bytes of a file.
Sniff = Callable[[bytes], bool]
#: Reads a whole file from a binary stream positioned at 0. Large formats stream; the others
#: may call ``stream.read()``.
Read = Callable[[BinaryIO, str, ReadOptions], IngestResult]

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Format:
    """One readable format."""

    name: str
    description: str
    sniff: Sniff
    read: Read


FORMATS: tuple[Format, ...] = (
    Format(
        "fit",
        "Garmin/ANT FIT file (activity, monitoring, sleep, HRV status)",
        fit.looks_like_fit,
        fit.read_fit,
    ),
    Format(
        "generic_csv",
        "readiness generic CSV (daily, sessions or check-ins)",
        generic_csv.looks_like_generic_csv,
        generic_csv.read_generic_csv,
    ),
)


def detect(head: bytes) -> Format | None:
    """The format of a file judged by its first bytes (its content), or ``None``."""
    for fmt in FORMATS:
        if fmt.sniff(head):
            return fmt
    return None
