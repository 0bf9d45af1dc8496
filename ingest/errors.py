"""Typed errors raised while reading an export.

Every error names the file it came from and, where it makes sense, where in the file
(byte offset, line, column) and what was expected there. The API maps each class to its own
problem response, the CLI to exit code 2 with a short message.

The tree::

    IngestError
    ├── UnsupportedFormatError      the bytes are no format we read
    ├── CorruptFileError            a known format, but broken
    │   ├── TruncatedFileError        ends before the header says it should
    │   ├── ChecksumError             header or file CRC does not match
    │   └── EmptyFileError            zero bytes, or a header with no data
    ├── SchemaError                 a CSV/JSON lacks required columns or has unparsable cells
    └── ArchiveError                a zip is unsafe (bomb, path escape) or unreadable
"""

from __future__ import annotations

__all__ = [
    "ArchiveError",
    "ChecksumError",
    "CorruptFileError",
    "EmptyFileError",
    "IngestError",
    "SchemaError",
    "TruncatedFileError",
    "UnsupportedFormatError",
]


class IngestError(Exception):
    """Base of every error raised by :mod:`readiness.ingest`.

    Attributes
    ----------
    file:
        The file's name as the user gave it (never a temporary path).
    offset:
        Byte offset where reading failed, if known.
    line, column:
        1-based line and the column name (CSV) where reading failed, if known.
    expected:
        What the reader expected to find there, in plain words.
    """

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        offset: int | None = None,
        line: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file = file
        self.problem = problem
        self.offset = offset
        self.line = line
        self.column = column
        self.expected = expected
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = []
        if self.offset is not None:
            where.append(f"byte {self.offset}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        at = f" at {', '.join(where)}" if where else ""
        text = f"{self.file}{at}: {self.problem}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready description, used by the API's problem+json body."""
        return {
            "error": type(self).__name__,
            "file": self.file,
            "problem": self.problem,
            "offset": self.offset,
            "line": self.line,
            "column": self.column,
            "expected": self.expected,
        }


class UnsupportedFormatError(IngestError):
    """The bytes are not a format this project reads."""


class CorruptFileError(IngestError):
    """The format is known but the file is broken."""


class TruncatedFileError(CorruptFileError):
    """The file ends before its header or a record says it should."""


class ChecksumError(CorruptFileError):
    """A header or file CRC does not match the bytes."""


class EmptyFileError(CorruptFileError):
    """The file has no bytes, or a header and no data."""


class SchemaError(IngestError):
    """A tabular export lacks required columns, or a cell cannot be parsed."""


class ArchiveError(IngestError):
    """A zip archive is unreadable or unsafe (too many members, too large, path escape)."""
