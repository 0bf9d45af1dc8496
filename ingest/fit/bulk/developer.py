"""Developer data as the fitparse reference reads it: what it changes about record lengths.

Developer field *values* are never decoded, but fitparse (``check_developer_data=False``) reads
each developer field as ``size // base_size`` values of the base type its ``field_description``
gave (``byte`` when none did), so a field whose size does not fit that type makes fitparse read
fewer bytes than declared, and one smaller than its type is unreadable. To refuse and accept
exactly the files the reference does, the walk keeps the same book:

* ``developer_data_id`` (207) resets the field list of its ``developer_data_index``;
* ``field_description`` (206) records a field's base type; fitparse fails on one without a
  usable ``developer_data_index`` or with an unknown ``fit_base_type_id``;
* a definition naming an undescribed developer field adds it as ``byte`` (fitparse warns).
"""

from __future__ import annotations

import math
import struct
from typing import TYPE_CHECKING

from readiness.ingest.errors import CorruptFileError
from readiness.ingest.fit.profile import BaseTypeSpec, base_type, known_base_type

if TYPE_CHECKING:
    from readiness.ingest.fit.bulk.definitions import Definition, FieldDef

__all__ = ["DEVELOPER_MESSAGES", "DevRegistry"]

DEVELOPER_DATA_ID = 207
FIELD_DESCRIPTION = 206
#: Messages the walk must read as it goes (they change how later records are read).
DEVELOPER_MESSAGES = frozenset({DEVELOPER_DATA_ID, FIELD_DESCRIPTION})

_STRUCT = {"u1": "B", "i1": "b", "u2": "H", "i2": "h", "u4": "I", "i4": "i"}
_STRUCT |= {"f4": "f", "f8": "d", "i8": "q", "u8": "Q"}


class _Tuple:
    """Stands for a value fitparse holds as a tuple (unusable as a number or a type id)."""


_TUPLE = _Tuple()


def _raw(data: bytes, at: int, fd: FieldDef, big: bool) -> object:
    """fitparse's raw value of one field: number, ``None`` (invalid), str or a tuple marker."""
    chunk = data[at + fd.offset : at + fd.offset + fd.size]
    bt = fd.base
    if bt.is_string:
        return chunk.split(b"\x00", 1)[0].decode("utf-8", errors="replace") or None
    if bt.is_byte:
        return None if all(b == 0xFF for b in chunk) else _TUPLE
    if fd.count != 1:
        return _TUPLE
    (value,) = struct.unpack((">" if big else "<") + _STRUCT[bt.code], chunk)
    if isinstance(value, float):
        return None if math.isnan(value) else value
    return None if value == bt.invalid else value


def _first(data: bytes, at: int, definition: Definition, number: int) -> object:
    """``DataMessage.get_raw_value``: the first field with that number, else ``None``.

    A field the file ends inside is absent (fitparse stops reading the message there).
    """
    for fd in definition.fields:
        if fd.number == number:
            if at + fd.offset + fd.size > len(data):
                return None
            return _raw(data, at, fd, definition.big_endian)
    return None


class DevRegistry:
    """fitparse's ``dev_types``, reduced to each developer field's base type."""

    def __init__(self) -> None:
        self.types: dict[object, dict[object, BaseTypeSpec]] = {}

    def layout(self, definition: Definition) -> tuple[int, int | None]:
        """(bytes fitparse reads for the developer fields, content offset of an unreadable one).

        Like fitparse's ``get_dev_type``, an unknown index or field is added (as ``byte``).
        """
        regular = sum(fd.size for fd in definition.fields)
        total = 0
        unreadable = None
        for number, size, index in definition.dev_fields:
            fields = self.types.setdefault(index, {})
            bt = fields.setdefault(number, base_type(0x0D))
            count = size // bt.size
            if count == 0 and unreadable is None:
                unreadable = regular + total
            total += count * bt.size
        return total, unreadable

    def message(self, data: bytes, at: int, definition: Definition, file: str) -> None:
        """Apply one developer_data_id / field_description message (content at ``at``).

        Like fitparse, a message the file ends inside is applied with the fields it has (the
        caller then reports the truncation, unless this raised first).
        """
        if definition.global_number == DEVELOPER_DATA_ID:
            self.types[_first(data, at, definition, 3)] = {}
            return
        index = _first(data, at, definition, 0)
        number = _first(data, at, definition, 1)
        type_id = _first(data, at, definition, 2)
        if not isinstance(index, int | float):
            problem = "a field_description without a usable developer_data_index"
        elif not isinstance(type_id, int) or not known_base_type(type_id):
            problem = f"a field_description with unknown base type {type_id!r}"
        else:
            self.types.setdefault(index, {})[number] = base_type(type_id)
            return
        raise CorruptFileError(
            file,
            f"{problem} (the fitparse reference cannot read it)",
            offset=at - 1,
            expected="a developer data index and a FIT base type",
        )
