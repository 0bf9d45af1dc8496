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
  included), an expansion ratio above :data:`MAX_RATIO` for **any** member whatever its size, or
  nesting deeper than :data:`MAX_DEPTH`. These caps are checked from each zip's central
  directory **before any member is decompressed** (a nested zip's directory is checked when that
  zip is reached, against the budget shared with its parents), so a refused archive fails at
  once; the message names the cap and its value.
* A streaming guard is the second line: bytes actually inflated are counted, and a member that
  yields more than its declared size, or a tree that inflates past :data:`MAX_TOTAL_BYTES`, is
  refused with :class:`ArchiveError` while it is read.

The caps and why real exports pass them: Apple Health's ``export.zip`` holds a 1–4 GB
``export.xml`` that deflates ~20–40× (the shared fixture: 34.5×); Garmin's account export holds a
few thousand JSON/FIT files in zips nested two deep (``UploadedFiles_*.zip`` inside the export).
Deflate tops out near 1032×, and zip bombs sit there; 100× leaves real XML and CSV 2.5× headroom.
* An archive with no readable member at all raises :class:`UnsupportedFormatError`.
* :func:`check_zip` applies the same caps without reading any member: the central directory
  of the archive and of every zip nested in it (found by content: only a member's first bytes
  are inflated, a nested zip under the streaming guard). The API runs it on an upload before
  it is stored for a background job, so a refused archive answers at once.

Members are streamed: a huge ``export.xml`` inside Apple's ``export.zip`` is decompressed
while it is parsed, never held whole in memory. Nested zips are spooled to a temporary file
(in memory up to 32 MiB) because zip reading needs to seek.
"""

from __future__ import annotations

import copy
import io
import lzma
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    "Detector",
    "MemberFormat",
    "ReadMember",
    "check_zip",
    "looks_like_zip",
    "read_zip",
]

#: Members (files) over the whole archive tree: a decade of Garmin activities is ~10–20k files.
MAX_MEMBERS = 50_000
#: Declared (and actually inflated) bytes over the whole archive tree: Apple's XML reaches ~4 GB.
MAX_TOTAL_BYTES = 8 * 1024**3
#: Uncompressed / compressed size of every member, whatever its size. Apple's XML compresses
#: ~20–40×, FIT ~3×; a deflate bomb ~1000×.
MAX_RATIO = 100
#: Zips inside zips inside … the top-level archive counts as depth 1 (Garmin needs 2).
MAX_DEPTH = 3
_SPOOL_BYTES = 32 * 1024 * 1024
#: What zipfile raises for a member whose header or data is broken: bad CRC or offsets (a
#: negative seek is a ValueError), corrupt deflate/bzip2/lzma data, an unknown method.
_BROKEN_MEMBER = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ValueError,
    NotImplementedError,
    OSError,
    lzma.LZMAError,
)


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
    inflated: int = 0


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

    def __init__(
        self, inner: BinaryIO, info: zipfile.ZipInfo, archive: str, member: str, budget: _Budget
    ) -> None:
        self._inner = inner
        self._limit = info.file_size
        self._crc = info.CRC
        self._running_crc = 0
        self._archive = archive
        self._member = member
        self._budget = budget
        self._pos = 0
        self._max_pos = 0

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
        if n == 0 and len(buffer) and self._pos >= self._max_pos and self._running_crc != self._crc:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {self._member!r}")
        self._pos += n
        if self._pos > self._limit:
            raise ArchiveError(
                self._archive,
                f"member {self._member!r} expands beyond its declared size of {self._limit} bytes",
                expected="a member no larger than its header says",
            )
        if self._pos > self._max_pos:  # bytes re-read after a seek back are not counted twice
            self._running_crc = zlib.crc32(
                data[n - (self._pos - self._max_pos) :], self._running_crc
            )
            self._budget.inflated += self._pos - self._max_pos
            self._max_pos = self._pos
            if self._budget.inflated > MAX_TOTAL_BYTES:
                raise ArchiveError(
                    self._archive,
                    f"inflates to more than {_gib(MAX_TOTAL_BYTES)} (cap MAX_TOTAL_BYTES)",
                    expected="a smaller archive",
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


def _gib(n: int) -> str:
    return f"{n / 1024**3:g} GiB"


def _check_caps(infos: list[zipfile.ZipInfo], archive: str, budget: _Budget) -> None:
    """Refuse the archive from its central directory, before any member is inflated."""
    for info in infos:
        budget.members += 1
        budget.total_bytes += info.file_size
        if budget.members > MAX_MEMBERS:
            raise ArchiveError(
                archive,
                f"more than {MAX_MEMBERS} members (cap MAX_MEMBERS)",
                expected="a smaller archive",
            )
        if budget.total_bytes > MAX_TOTAL_BYTES:
            raise ArchiveError(
                archive,
                f"expands to more than {_gib(MAX_TOTAL_BYTES)} (cap MAX_TOTAL_BYTES)",
                expected="a smaller archive",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            raise ArchiveError(
                archive,
                f"member {info.filename!r} expands {ratio:.0f}× (a zip bomb?)"
                f" (cap MAX_RATIO {MAX_RATIO}×)",
                expected=f"an expansion ratio of at most {MAX_RATIO}",
            )


def _precount_members(stream: BinaryIO, archive: str, budget: _Budget) -> None:
    """Count the central directory's entry signatures (a C-speed scan) before zipfile builds a
    ``ZipInfo`` per entry, which takes seconds for 100k entries. The end record's own count is
    not trusted (it saturates at 65,535 and can lie); zip64 directories are left to zipfile."""
    size = stream.seek(0, io.SEEK_END)
    tail_at = max(0, size - (22 + 0xFFFF))
    stream.seek(tail_at)
    tail = stream.read()
    stream.seek(0)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        return  # zipfile reports the unreadable zip
    (cd_size,) = struct.unpack_from("<L", tail, end + 12)
    cd_start = tail_at + end - cd_size
    if cd_size == 0xFFFFFFFF or cd_start < 0:
        return
    stream.seek(cd_start)
    entries, carry, left = 0, b"", cd_size
    while left > 0 and (chunk := stream.read(min(left, 8 * 1024 * 1024))):
        left -= len(chunk)
        block = carry + chunk
        entries += block.count(b"PK\x01\x02")
        carry = block[-3:] if not block.endswith(b"PK\x01\x02") else b""
        if budget.members + entries > MAX_MEMBERS:
            stream.seek(0)
            raise ArchiveError(
                archive,
                f"more than {MAX_MEMBERS} members (cap MAX_MEMBERS)",
                expected="a smaller archive",
            )
    stream.seek(0)


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


def _open(stream: BinaryIO, name: str, budget: _Budget, depth: int) -> zipfile.ZipFile:
    """Open one zip of the tree after the depth and member-count caps; ``_UnreadableZip`` when
    its directory cannot be read."""
    if depth > MAX_DEPTH:
        raise ArchiveError(name, f"zips nested deeper than {MAX_DEPTH}", expected="fewer levels")
    _precount_members(stream, name, budget)
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise _UnreadableZip(
            name, f"unreadable zip: {exc}", expected="a valid zip archive"
        ) from exc


def _members(zf: zipfile.ZipFile, name: str, budget: _Budget) -> list[zipfile.ZipInfo]:
    """The members to read, sorted by name, once the paths and the caps are checked."""
    infos = zf.infolist()
    for info in infos:
        if _unsafe(info.filename):
            raise ArchiveError(
                name,
                f"member path {info.filename!r} escapes the archive",
                expected="relative member paths",
            )
    members = sorted(
        (i for i in infos if not (i.is_dir() or _ignored(i.filename))),
        key=lambda i: i.filename,
    )
    _check_caps(members, name, budget)
    return members


def _walk(
    stream: BinaryIO,
    name: str,
    options: ReadOptions,
    budget: _Budget,
    walk: _Walk,
    depth: int,
) -> None:
    with _open(stream, name, budget, depth) as zf:
        for info in _members(zf, name, budget):
            _read_member(zf, info, name, options, budget, walk, depth)


def _loose(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """``info`` with room for one byte more than declared and no CRC check by zipfile.

    zipfile silently cuts a member off at its declared size and then fails its CRC; opened
    this way the guard sees a member that inflates past its claim (and checks the CRC itself).
    """
    loose = copy.copy(info)
    loose.file_size = info.file_size + 1
    loose.CRC = None  # type: ignore[assignment]
    return loose


def _guarded(raw: BinaryIO, info: zipfile.ZipInfo, archive: str, budget: _Budget) -> BinaryIO:
    return io.BufferedReader(  # type: ignore[return-value]
        _Guarded(raw, info, archive, info.filename, budget),  # type: ignore[arg-type]
        buffer_size=256 * 1024,
    )


@contextmanager
def _spooled(guarded: BinaryIO) -> Iterator[BinaryIO]:
    """A nested zip copied out of its member (zip reading needs to seek), positioned at 0."""
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
        while chunk := guarded.read(1024 * 1024):
            spool.write(chunk)
        spool.seek(0)
        yield spool  # type: ignore[misc]


def check_zip(stream: BinaryIO, name: str) -> None:
    """Refuse an archive that breaks a cap, without reading its members (``ArchiveError``).

    A no-op for bytes that are no zip. Members' paths, count, declared sizes and ratios are
    checked from the central directory of the archive and of every zip nested in it, and
    the nesting depth; a nested zip is recognised by its first bytes. An unreadable archive
    is refused as :func:`read_zip` refuses it; what only reading can tell (a broken member or
    nested zip, a member that inflates past its declared size) is left to the reader. The
    stream is left at 0.
    """
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    if looks_like_zip(head):
        try:
            _check_tree(stream, name, _Budget(), depth=1)
        finally:
            stream.seek(0)


def _check_tree(stream: BinaryIO, name: str, budget: _Budget, depth: int) -> None:
    with _open(stream, name, budget, depth) as zf:
        for info in _members(zf, name, budget):
            if info.flag_bits & 0x1:
                continue
            member = f"{name}/{info.filename}"
            try:
                with zf.open(info) as raw:
                    if not looks_like_zip(raw.read(4)):
                        continue
                with (
                    zf.open(_loose(info)) as raw,
                    _spooled(_guarded(raw, info, name, budget)) as spool,  # type: ignore[arg-type]
                ):
                    _check_tree(spool, member, budget, depth + 1)
            except _UnreadableZip:
                continue
            except ArchiveError:
                raise
            except _BROKEN_MEMBER:
                continue


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
        with zf.open(_loose(info)) as raw:
            guarded = _guarded(raw, info, archive, budget)  # type: ignore[arg-type]
            head = guarded.read(walk.detector.head_bytes)
            guarded.seek(0)
            if not head:
                return
            if looks_like_zip(head):
                with _spooled(guarded) as spool:
                    _walk(spool, member, options, budget, walk, depth + 1)
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
    except _BROKEN_MEMBER as exc:
        walk.warnings.append(IngestWarning(member, f"skipped a broken member: {exc}"))
