"""Read watch, ring and strap exports into the ``daily``, ``sessions`` and ``checkins`` tables.

Pure: no web framework, no database, no network. The public API is this module's ``__all__``.
Inside: the entry points (``reader``), detection by content over the list of formats
(``registry``), the typed errors (``errors``), warnings (``findings``), read options
(``options``), the merged result (``result``), TRIMP and RR-interval RMSSD (``physiology``);
the tables (``schema/``), archives with injected format detection (``containers/``), FIT
decoding and extraction (``fit/``) and one reader per vendor export (``vendors/``).
"""

from readiness.ingest.containers.zip import check_zip as check_archive
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
from readiness.ingest.schema.records import is_missing, to_records, utc_timestamp
from readiness.ingest.schema.tables import (
    CHECKINS,
    DAILY,
    SESSIONS,
    TABLES,
    Column,
    Table,
    describe,
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
    "check_archive",
    "describe",
    "expand_paths",
    "is_missing",
    "merge",
    "normalize",
    "read_bytes",
    "read_path",
    "read_paths",
    "read_stream",
    "to_records",
    "trimp_exp",
    "utc_timestamp",
]
