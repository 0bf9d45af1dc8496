"""Read watch, ring and strap exports into the ``daily``, ``sessions`` and ``checkins`` tables.

Pure: no web framework, no database, no network.
"""

from .errors import (
    ArchiveError,
    ChecksumError,
    CorruptFileError,
    EmptyFileError,
    IngestError,
    SchemaError,
    TruncatedFileError,
    UnsupportedFormatError,
)
from .options import ReadOptions
from .reader import ReadReport, expand_paths, read_bytes, read_path, read_paths, read_stream
from .result import IngestResult, merge
from .schema import CHECKINS, DAILY, SESSIONS, TABLES, Column, Table, normalize
from .warnings import IngestWarning

__all__ = [
    "CHECKINS",
    "DAILY",
    "SESSIONS",
    "TABLES",
    "ArchiveError",
    "ChecksumError",
    "Column",
    "CorruptFileError",
    "EmptyFileError",
    "IngestError",
    "IngestResult",
    "IngestWarning",
    "ReadOptions",
    "ReadReport",
    "SchemaError",
    "Table",
    "TruncatedFileError",
    "UnsupportedFormatError",
    "expand_paths",
    "merge",
    "normalize",
    "read_bytes",
    "read_path",
    "read_paths",
    "read_stream",
]
