"""Read watch, ring and strap exports into the ``daily``, ``sessions`` and ``checkins`` tables.

Pure: no web framework, no database, no network.
"""

from readiness.ingest.errors import (
    ArchiveError,
    ChecksumError,
    CorruptFileError,
    EmptyFileError,
    IngestError,
    SchemaError,
    TruncatedFileError,
    UnsupportedFormatError,
)
from readiness.ingest.findings import IngestWarning
from readiness.ingest.options import ReadOptions
from readiness.ingest.physiology import (
    DEFAULT_HR_MAX_BPM,
    DEFAULT_HR_REST_BPM,
    AthleteProfile,
    trimp_exp,
)
from readiness.ingest.reader import (
    ReadReport,
    expand_paths,
    read_bytes,
    read_path,
    read_paths,
    read_stream,
)
from readiness.ingest.result import IngestResult, merge
from readiness.ingest.schema.tables import (
    CHECKINS,
    DAILY,
    SESSIONS,
    TABLES,
    Column,
    Table,
    normalize,
)

__all__ = [
    "CHECKINS",
    "DAILY",
    "DEFAULT_HR_MAX_BPM",
    "DEFAULT_HR_REST_BPM",
    "SESSIONS",
    "TABLES",
    "ArchiveError",
    "AthleteProfile",
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
    "trimp_exp",
]
