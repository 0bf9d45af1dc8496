"""FIT definition messages: their layout, and the definitions fitparse cannot read.

:func:`parse_definition` turns a definition's bytes into a :class:`Definition` (cached: a device
writes the same few definitions in every file). fitparse, the reference backend, fails on some
definitions the format allows; :func:`reject` and :func:`cut_definition` refuse exactly those,
so both backends accept and refuse the same files (see :mod:`readiness.ingest.fit.bulk.walk`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from readiness.ingest.errors import CorruptFileError, TruncatedFileError
from readiness.ingest.fit.profile import BaseTypeSpec, base_type, fitparse_rejects

__all__ = ["Definition", "FieldDef", "cut_definition", "parse_definition", "reject"]


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One field of a definition: number, size in bytes, base type and offset in the record."""

    number: int
    size: int
    base: BaseTypeSpec
    offset: int
    fallback: bool  # size was not a multiple of the base type: read as bytes (like fitparse)

    @property
    def count(self) -> int:
        return self.size // self.base.size


@dataclass(frozen=True, slots=True)
class Definition:
    """An interned definition message (identical definitions share one id)."""

    global_number: int
    big_endian: bool
    fields: tuple[FieldDef, ...]
    dev_fields: tuple[tuple[int, int, int], ...]  # (field number, size, developer data index)
    size: int  # bytes of a data record's content, without its 1-byte header
    zero_size_field: bool  # fitparse cannot read such a record (struct format of size 0)
    zero_offset: int  # content offset of the first field of size 0 (when there is one)
    fallback: bool  # some field's size is not a multiple of its base type (read as bytes)
    rejected: tuple[int, int] | None  # (number, size) of a field fitparse fails on, see below


def cut_definition(data: bytes, pos: int, file: str) -> None:
    """The file ends inside the definition at ``pos``: say so, unless fitparse fails earlier."""
    whole = min(data[pos + 5], (len(data) - pos - 6) // 3)  # complete (non-developer) fields
    complete = data[pos + 6 : pos + 6 + 3 * whole]
    global_number = int.from_bytes(data[pos + 3 : pos + 5], "big" if data[pos + 2] else "little")
    for j in range(0, len(complete), 3):
        number, size, bt_number = complete[j], complete[j + 1], complete[j + 2]
        if fitparse_rejects(global_number, number, size, bt_number):
            reject(file, pos, global_number, number, size)
    raise TruncatedFileError(
        file, "the file ends inside a definition", offset=pos, expected="its fields"
    )


def reject(file: str, pos: int, global_number: int, number: int, size: int) -> None:
    raise CorruptFileError(
        file,
        f"field {number} of unknown-to-the-profile layout in message {global_number} has size "
        f"{size}, not a multiple of its base type (the fitparse reference cannot read it)",
        offset=pos,
        expected="field sizes that are a multiple of their base type",
    )


@lru_cache(maxsize=4096)
def parse_definition(key: bytes) -> Definition:
    """A definition from its bytes after the record header (cached: devices repeat them).

    ``key`` = reserved, architecture, global number (2), field count, 3 bytes per field, and,
    when longer, the developer field count and 3 bytes per developer field.
    """
    big = key[1] != 0
    global_number = int.from_bytes(key[2:4], "big" if big else "little")
    num_fields = key[4]
    fields = []
    offset = 0
    zero = False
    zero_offset = 0
    rejected = None
    p = 5
    for _ in range(num_fields):
        number, size, bt_number = key[p], key[p + 1], key[p + 2]
        bt = base_type(bt_number)
        fallback = size % bt.size != 0
        if fallback:
            bt = base_type(0x0D)
            if rejected is None and fitparse_rejects(global_number, number, size, bt_number):
                rejected = (number, size)
        if size == 0 and not zero:
            zero, zero_offset = True, offset
        fields.append(FieldDef(number, size, bt, offset, fallback))
        offset += size
        p += 3
    dev_fields = []
    if len(key) > p:
        for _ in range(key[p]):
            q = p + 1
            number, size, ddi = key[q], key[q + 1], key[q + 2]
            if size == 0 and not zero:
                zero, zero_offset = True, offset
            dev_fields.append((number, size, ddi))
            offset += size
            p += 3
    fallback = any(f.fallback for f in fields)
    return Definition(
        global_number,
        big,
        tuple(fields),
        tuple(dev_fields),
        offset,
        zero,
        zero_offset,
        fallback,
        rejected,
    )
