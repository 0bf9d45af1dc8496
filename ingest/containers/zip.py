"""Zip archives: every member is read through an injected format detector, nested zips too.

The caller (the format registry) passes a :class:`Detector`: how many leading bytes judge a
member and the function that maps them to a format with a ``read``. So this module never
imports the registry, and the registry can list zip among its formats.

Policy (also in the README):

* Members are judged by content like any file. ``__MACOSX/`` resource forks, hidden files
  (any path part starting with ``.``) and folders are ignored silently.
* Members of no supported format are skipped with **one** summary warning per archive.
* A member of a known format that turns out broken (an :class:`IngestError` or a bad CRC) is
  skipped with a warning naming the member; the other members are still read.
* The archive itself is refused with :class:`ArchiveError` when it is unreadable, when a member
  path escapes the archive (absolute, ``..``, drive letter), or when it exceeds a cap against
  zip bombs: :data:`MAX_MEMBERS` members, :data:`MAX_TOTAL_BYTES` expanded bytes (nested zips
  included), an expansion ratio above :data:`MAX_RATIO` for any member larger than
  :data:`RATIO_MIN_BYTES`, or nesting deeper than :data:`MAX_DEPTH`.
* An archive with no readable member at all raises :class:`UnsupportedFormatError`.

Members are streamed: a huge ``export.xml`` inside Apple's ``export.zip`` is decompressed
while it is parsed, never held whole in memory. Nested zips are spooled to a temporary file
(in memory up to 32 MiB) because zip reading needs to seek.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO, Protocol

from readiness.ingest.errors import ArchiveError, IngestError, UnsupportedFormatError
from readiness.ingest.findings import IngestWarning
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult, merge

__all__ = [
    "MAX_DEPTH",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "RATIO_MIN_BYTES",
    "Detector",
    "MemberFormat",
    "ReadMember",
    "looks_like_zip",
    "read_zip",
]

#: Members (files) over the whole archive tree.
MAX_MEMBERS = 100_000
#: Declared uncompressed bytes over the whole archive tree (real Apple exports reach 3 GB).
MAX_TOTAL_BYTES = 16 * 1024**3
#: Uncompressed / compressed size of one member. Apple's XML compresses ~20×, FIT ~3×.
MAX_RATIO = 200
#: Members smaller than this are not checked for their ratio (tiny files compress oddly).
RATIO_MIN_BYTES = 1024 * 1024
#: Zips inside zips inside … the top-level archive counts as depth 1.
MAX_DEPTH = 4
_SPOOL_BYTES = 32 * 1024 * 1024


#: Reads one member: a binary stream positioned at 0, the member's name, the read options.
ReadMember = Callable[[BinaryIO, str, ReadOptions], IngestResult]


class MemberFormat(Protocol):
    """A format the detector recognised in a member: what reads it."""

    @property
    def read(self) -> ReadMember: ...


@dataclass(frozen=True, slots=True)
class Detector:
    """How members are judged by content: their first ``head_bytes`` bytes go to ``detect``,
    which returns the member's format or ``None`` when it is no supported format."""

    detect: Callable[[bytes], MemberFormat | None]
    head_bytes: int


def looks_like_zip(head: bytes) -> bool:
    """A zip starts with a local file header, or is an empty archive's end record."""
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


@dataclass
class _Budget:
    """Caps shared by an archive and every zip nested in it."""

    members: int = 0
    total_bytes: int = 0


@dataclass
class _Walk:
    """How one archive tree's members are judged, and what reading them collected."""

    detector: Detector
    results: list[IngestResult] = field(default_factory=list)
    warnings: list[IngestWarning] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


class _UnreadableZip(ArchiveError):
    """The bytes start like a zip but its directory cannot be read."""


class _Guarded(io.RawIOBase):
    """A member stream that refuses to yield more bytes than the member declared."""

    def __init__(self, inner: BinaryIO, limit: int, archive: str, member: str) -> None:
        self._inner = inner
        self._limit = limit
        self._archive = archive
        self._member = member
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._inner.seekable()

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._pos = self._inner.seek(offset, whence)
        return self._pos

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        n = len(data)
        self._pos += n
        if self._pos > self._limit:
            raise ArchiveError(
                self._archive,
                f"member {self._member!r} expands beyond its declared size",
                expected="a member no larger than its header says",
            )
        buffer[:n] = data
        return n

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(1024 * 1024):
                chunks.append(chunk)
            return b"".join(chunks)
        buf = bytearray(size)
        n = self.readinto(memoryview(buf))
        return bytes(buf[:n])


def _unsafe(name: str) -> bool:
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return True
    parts = name.replace("\\", "/").split("/")
    return ".." in parts


def _ignored(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(p == "__MACOSX" or p.startswith(".") for p in parts)


def _check_caps(info: zipfile.ZipInfo, archive: str, budget: _Budget) -> None:
    budget.members += 1
    budget.total_bytes += info.file_size
    if budget.members > MAX_MEMBERS:
        raise ArchiveError(
            archive, f"more than {MAX_MEMBERS} members", expected="a smaller archive"
        )
    if budget.total_bytes > MAX_TOTAL_BYTES:
        raise ArchiveError(
            archive,
            f"expands to more than {MAX_TOTAL_BYTES // 1024**3} GiB",
            expected="a smaller archive",
        )
    if info.file_size >= RATIO_MIN_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            raise ArchiveError(
                archive,
                f"member {info.filename!r} expands {ratio:.0f}× (a zip bomb?)",
                expected=f"an expansion ratio of at most {MAX_RATIO}",
            )


def read_zip(
    stream: BinaryIO, name: str, options: ReadOptions, *, detector: Detector
) -> IngestResult:
    """Read every supported member of a zip (see the module docstring for the policy)."""
    walk = _Walk(detector)
    _walk(stream, name, options, _Budget(), walk, depth=1)
    if not walk.results:
        raise UnsupportedFormatError(
            name,
            "the zip holds no supported export"
            + (
                f" ({len(walk.unsupported)} member(s) of other formats)" if walk.unsupported else ""
            ),
            expected="a zip with FIT, CSV, JSON or XML exports inside",
        )
    warnings = list(walk.warnings)
    if walk.unsupported:
        shown = ", ".join(walk.unsupported[:5])
        more = f" and {len(walk.unsupported) - 5} more" if len(walk.unsupported) > 5 else ""
        warnings.append(
            IngestWarning(
                name,
                f"skipped {len(walk.unsupported)} member(s) of unsupported formats: {shown}{more}",
                count=len(walk.unsupported),
            )
        )
    merged = merge(walk.results)
    return IngestResult(
        daily=merged.daily,
        sessions=merged.sessions,
        checkins=merged.checkins,
        warnings=(*merged.warnings, *warnings),
    )


def _walk(
    stream: BinaryIO,
    name: str,
    options: ReadOptions,
    budget: _Budget,
    walk: _Walk,
    depth: int,
) -> None:
    if depth > MAX_DEPTH:
        raise ArchiveError(name, f"zips nested deeper than {MAX_DEPTH}", expected="fewer levels")
    try:
        zf = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise _UnreadableZip(
            name, f"unreadable zip: {exc}", expected="a valid zip archive"
        ) from exc
    with zf:
        infos = zf.infolist()
        for info in infos:
            if _unsafe(info.filename):
                raise ArchiveError(
                    name,
                    f"member path {info.filename!r} escapes the archive",
                    expected="relative member paths",
                )
        for info in sorted(infos, key=lambda i: i.filename):
            if info.is_dir() or _ignored(info.filename):
                continue
            _check_caps(info, name, budget)
            _read_member(zf, info, name, options, budget, walk, depth)


def _read_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    archive: str,
    options: ReadOptions,
    budget: _Budget,
    walk: _Walk,
    depth: int,
) -> None:
    member = f"{archive}/{info.filename}"
    if info.flag_bits & 0x1:
        walk.warnings.append(IngestWarning(member, "skipped an encrypted member"))
        return
    try:
        with zf.open(info) as raw:
            guarded = io.BufferedReader(
                _Guarded(raw, info.file_size, archive, info.filename),  # type: ignore[arg-type]
                buffer_size=256 * 1024,
            )
            head = guarded.read(walk.detector.head_bytes)
            guarded.seek(0)
            if not head:
                return
            if looks_like_zip(head):
                with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
                    while chunk := guarded.read(1024 * 1024):
                        spool.write(chunk)
                    spool.seek(0)
                    _walk(spool, member, options, budget, walk, depth + 1)  # type: ignore[arg-type]
                return
            fmt = walk.detector.detect(head)
            if fmt is None:
                walk.unsupported.append(info.filename)
                return
            walk.results.append(fmt.read(guarded, member, options))
    except _UnreadableZip as exc:
        walk.warnings.append(IngestWarning(member, f"skipped a broken nested zip: {exc.problem}"))
    except ArchiveError:
        raise
    except IngestError as exc:
        walk.warnings.append(
            IngestWarning(member, f"skipped a broken member: {exc.message}", offset=exc.offset)
        )
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        walk.warnings.append(IngestWarning(member, f"skipped a broken member: {exc}"))
