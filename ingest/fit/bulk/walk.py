"""The sequential part of the bulk FIT decoder: headers, CRCs and one walk over the records.

A record's length depends on its header and the current local definition, so the walk is
sequential. It is kept minimal: a 256-entry table maps each record header byte to the record's
length, and each data message costs one lookup and one list append (its content offset).
Definitions are interned by their bytes; which definition each message used is recovered
afterwards from the header bytes and the definition events (:meth:`Walk.resolve`), and values
are decoded later, one numpy operation per definition and field
(:mod:`readiness.ingest.fit.bulk.columns`).

Error policy (matches python-fitparse, the reference backend):

* 0 bytes → :class:`EmptyFileError`.
* fewer bytes than a header, a definition, a record or a CRC needs → :class:`TruncatedFileError`.
* no ``.FIT`` signature in a chained file's header, a header size of 13 →
  :class:`CorruptFileError` (the first header is judged by
  :func:`readiness.ingest.fit.reference.check_header`).
* header CRC (``0x0000`` allowed) or file CRC mismatch → :class:`ChecksumError`.
* a data message for an undefined local message, or a definition with a field of size 0 →
  :class:`CorruptFileError`.
* a field the profile does not know (or of an unknown message) whose size is not a multiple of
  its base type → :class:`CorruptFileError`: fitparse fails on it (a bug in its warning
  message), so the reference refuses the file and the bulk decoder must too. A *known* field
  with such a size is read as bytes, as fitparse does (with a warning).
* after a segment's CRC, any further bytes must be another (chained) FIT file.

The walk does not raise at once: it stops at the first error and keeps it as ``Walk.error``
(with everything read before it), and the caller raises it.

Developer fields are stepped over the way the reference (fitparse with
``check_developer_data=False``) reads them; see :mod:`readiness.ingest.fit.bulk.developer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import anycrc
import numpy as np
import numpy.typing as npt
from readiness.ingest.errors import (
    ChecksumError,
    CorruptFileError,
    EmptyFileError,
    IngestError,
    TruncatedFileError,
)
from readiness.ingest.fit.bulk.definitions import (
    Definition,
    FieldDef,
    cut_definition,
    parse_definition,
    reject,
)
from readiness.ingest.fit.bulk.developer import DEVELOPER_MESSAGES, DevRegistry

__all__ = ["Definition", "FieldDef", "Resolved", "Walk", "crc16", "walk"]


@lru_cache(maxsize=1)
def _crc_model() -> Any:
    """The FIT CRC: polynomial 0x8005 reflected, initial value 0, i.e. CRC-16/ARC."""
    return anycrc.Model("CRC16-ARC")


def crc16(data: bytes | memoryview) -> int:
    """FIT CRC-16 of ``data`` (same as fitparse's nibble-table ``Crc``)."""
    return int(_crc_model().calc(data))


#: A definition as the walk uses it: (did, step-table entries ×4 and ×32, record length, content
#: offset of an unreadable field, volatile). The length is 1 + what fitparse reads (0 when it
#: cannot read such a record); the step entries are 0 for developer-data messages, which the
#: walk reads as it goes. Volatile hits (developer fields) depend on the developer-data book.
_Hit = tuple[int, list[int], list[int], int, int, bool]


@dataclass(slots=True)
class Walk:
    """What one pass over the file found (lists are filled in file order)."""

    data: bytes
    definitions: list[Definition] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # content offset of each data message
    segment_starts: list[int] = field(default_factory=list)  # message index at each header
    definition_events: list[tuple[int, int, int]] = field(default_factory=list)  # (n, k, did)
    error: IngestError | None = None
    partial: int | None = None  # content offset of a data record the file ends inside
    _intern: dict[bytes, _Hit] = field(default_factory=dict)
    _dids: dict[bytes, int] = field(default_factory=dict)
    dev: DevRegistry = field(default_factory=DevRegistry)

    def resolve(self) -> Resolved:
        """Per data message: offset, definition id, and compressed-header time offset (or -1)."""
        offsets = np.asarray(self.offsets, dtype=np.int64)
        headers = np.frombuffer(self.data, dtype=np.uint8)[offsets - 1].astype(np.int64)
        compressed = headers >= 0x80
        local = np.where(compressed, (headers >> 5) & 0x03, headers & 0x0F)
        dids = np.zeros(len(offsets), dtype=np.int64)
        by_local: dict[int, list[tuple[int, int]]] = {}
        for count, k, did in self.definition_events:
            by_local.setdefault(k, []).append((count, did))
        index: npt.NDArray[np.int64] | None = None
        for k, events in by_local.items():
            mask = local == k
            if len(events) == 1:
                dids[mask] = events[0][1]
                continue
            if index is None:
                index = np.arange(len(offsets), dtype=np.int64)
            ev = np.asarray(events, dtype=np.int64)
            at = np.searchsorted(ev[:, 0], index[mask], side="right") - 1
            dids[mask] = ev[at, 1]
        time_offset = np.where(compressed, headers & 0x1F, -1)
        return Resolved(offsets, dids, time_offset)


@dataclass(frozen=True, slots=True)
class Resolved:
    """Numpy views of a finished walk (see :meth:`Walk.resolve`)."""

    offsets: npt.NDArray[np.int64]
    dids: npt.NDArray[np.int64]
    time_offset: npt.NDArray[np.int64]  # -1 unless the message had a compressed-timestamp header


def walk(data: bytes, file: str) -> Walk:
    """Walk every FIT segment of ``data``; see the module docstring for the error policy."""
    if not data:
        raise EmptyFileError(file, "the file is empty", offset=0, expected="a FIT file header")
    w = Walk(data=data)
    n = len(data)
    pos = 0
    try:
        while True:
            seg_start = pos
            pos, end = _header(data, pos, file)
            w.segment_starts.append(len(w.offsets))
            pos = _records(w, pos, end, file)
            if pos + 2 > n:
                raise TruncatedFileError(
                    file, "the file ends inside its CRC", offset=min(pos, n), expected="2 CRC bytes"
                )
            _check_crc(data, seg_start, pos, file, "file", "the header and records")
            pos += 2
            if pos >= n:
                break
    except IngestError as exc:
        w.error = exc
    return w


def _check_crc(data: bytes, start: int, stop: int, file: str, what: str, covers: str) -> None:
    """The little-endian CRC-16 at ``stop`` must be that of ``data[start:stop]``."""
    read = data[stop] | (data[stop + 1] << 8)
    computed = crc16(memoryview(data)[start:stop])
    if read != computed:
        raise ChecksumError(
            file,
            f"{what} CRC mismatch: computed 0x{computed:04X}, read 0x{read:04X}",
            offset=stop,
            expected=f"the CRC-16 of {covers}",
        )


def _header(data: bytes, pos: int, file: str) -> tuple[int, int]:
    """Check a FIT header at ``pos``; return (first record offset, end of the records)."""
    n = len(data)
    if n - pos < 12:
        raise TruncatedFileError(
            file,
            "the file ends inside a FIT header",
            offset=pos,
            expected="a 12- or 14-byte header",
        )
    if data[pos + 8 : pos + 12] != b".FIT":
        raise CorruptFileError(
            file, "not a FIT file header", offset=pos, expected="'.FIT' at bytes 8-11 of a header"
        )
    header_size = data[pos]
    data_size = int.from_bytes(data[pos + 4 : pos + 8], "little")
    start = pos + 12
    extra = header_size - 12
    if extra > 0:
        if extra < 2:
            raise CorruptFileError(
                file, f"irregular header size {header_size}", offset=pos, expected="12 or ≥ 14"
            )
        if start + 2 > n:
            raise TruncatedFileError(
                file, "the file ends inside a FIT header", offset=start, expected="a header CRC"
            )
        if data[start] | data[start + 1]:  # 0x0000: no header CRC written
            _check_crc(data, pos, start, file, "header", "the first 12 header bytes, or 0x0000")
        start += extra
        if start > n:
            raise TruncatedFileError(
                file, "the file ends inside a FIT header", offset=n, expected=f"{header_size} bytes"
            )
    return start, start + data_size


def _records(w: Walk, pos: int, end: int, file: str) -> int:
    """The hot loop: walk the records of one segment, return the offset after the last one.

    ``step[header byte]`` is the length of a data record (header included) with that header
    byte, 0 for definitions and undefined local messages; each data message costs one table
    lookup and one list append.
    """
    data = w.data
    step = [0] * 256
    current = [-1] * 16  # definition id per local message
    lengths = [0] * 16  # record length per local message (see _Hit)
    unreadable = [0] * 16  # content offset of an unreadable field per local message
    offsets = w.offsets
    add_offset = offsets.append
    add_event = w.definition_events.append
    intern = w._intern.get
    try:
        while pos < end:
            s = step[data[pos]]
            if s:
                add_offset(pos + 1)
                pos += s
                continue
            h = data[pos]
            if h & 0xC0 != 0x40:  # developer-data message, or no usable definition
                k = (h >> 5) & 0x03 if h & 0x80 else h & 0x0F
                if current[k] < 0:
                    raise CorruptFileError(
                        file,
                        f"data message for undefined local message {k}",
                        offset=pos,
                        expected="a definition message before its data",
                    )
                length = lengths[k]
                if length:  # developer_data_id / field_description: read it now
                    w.dev.message(data, pos + 1, w.definitions[current[k]], file)
                    if pos + length > len(data):
                        raise IndexError
                    add_offset(pos + 1)
                    pos += length
                    continue
                if pos + 1 + unreadable[k] > len(data):
                    raise IndexError  # fitparse reads up to the empty field: the end comes first
                raise CorruptFileError(
                    file,
                    f"local message {k} has a field fitparse reads as 0 values",
                    offset=pos,
                    expected="fields of at least one value",
                )
            k = h & 0x0F
            stop = pos + 6 + 3 * data[pos + 5]
            if stop > len(data) or (
                h & 0x20 and (stop >= len(data) or stop + 1 + 3 * data[stop] > len(data))
            ):
                cut_definition(data, pos, file)
            if h & 0x20:
                stop += 1 + 3 * data[stop]
            key = data[pos + 1 : stop]  # the field count fixes where developer fields begin
            hit = intern(key)
            if hit is None:
                hit = _intern(w, key, pos, file)
            pos = stop
            did = hit[0]
            if current[k] != did or hit[5]:
                current[k] = did
                lengths[k] = hit[3]
                unreadable[k] = hit[4]
                add_event((len(offsets), k, did))
                step[k:64:16] = hit[1]  # header bytes k, k|0x10, k|0x20, k|0x30
                if k < 4:  # compressed-timestamp headers for local message k
                    first = 0x80 | (k << 5)
                    step[first : first + 32] = hit[2]
    except IndexError:  # a header byte beyond the end of the file
        if pos > len(data) and offsets:
            w.partial = offsets.pop()
            pos = w.partial - 1
        raise TruncatedFileError(
            file,
            "the file ends before its header's data size",
            offset=pos,
            expected=f"records up to byte {end}",
        ) from None
    if pos > len(data):
        w.partial = offsets.pop()
        start = w.partial - 1
        raise TruncatedFileError(
            file, "the file ends inside a record", offset=start, expected="a complete record"
        )
    return pos


def _intern(w: Walk, key: bytes, pos: int, file: str) -> _Hit:
    """The hit for a definition not seen in this file (cached unless it is volatile)."""
    definition = parse_definition(key)
    if definition.rejected is not None:
        reject(file, pos, definition.global_number, *definition.rejected)
    did = w._dids.get(key)
    if did is None:
        did = w._dids[key] = len(w.definitions)
        w.definitions.append(definition)
    regular = sum(fd.size for fd in definition.fields)
    volatile = bool(definition.dev_fields)
    if volatile:
        dev_size, dev_unreadable = w.dev.layout(definition)
        unreadable = definition.zero_size_field or dev_unreadable is not None
        zero_at = definition.zero_offset if definition.zero_size_field else dev_unreadable
    else:
        dev_size, unreadable, zero_at = 0, definition.zero_size_field, definition.zero_offset
    length = 0 if unreadable else 1 + regular + dev_size
    entry = 0 if definition.global_number in DEVELOPER_MESSAGES else length
    hit = (did, [entry] * 4, [entry] * 32, length, zero_at or 0, volatile)
    if not volatile:
        w._intern[key] = hit
    return hit
