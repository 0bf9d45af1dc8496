"""The vectorised part of the bulk FIT decoder: one numpy gather per (definition, field).

After :func:`readiness.ingest.fit.bulk.walk.walk`, every data message of one definition is a record
of fixed layout at a known offset. For each wanted field the bytes of all those records are
gathered with one fancy index, viewed as the file's base type (with the definition's byte
order), masked where the base type's invalid value sits, scaled, and turned into the contract's
representation (:mod:`readiness.ingest.fit.messages`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from readiness.ingest.fit.bulk.definitions import Definition, FieldDef
from readiness.ingest.fit.messages import FIT_EPOCH_OFFSET, Column
from readiness.ingest.fit.profile import FieldSpec, MessageSpec

__all__ = [
    "TupleTimestampError",
    "assemble",
    "compressed_timestamps",
    "decode_group",
    "timestamps_of",
]

F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]


def _gather(buf: U8, offsets: I64, start: int, size: int) -> U8:
    """The ``size`` bytes at ``offsets + start`` of every record, as an (n, size) matrix."""
    index = offsets[:, None] + np.arange(start, start + size, dtype=np.int64)
    result: U8 = buf[index]
    return result


def _last_field(definition: Definition, number: int) -> FieldDef | None:
    """The field a message's dict ends up with when a definition repeats a number: the last."""
    found = None
    for fd in definition.fields:
        if fd.number == number:
            found = fd
    return found


def _numbers(raw: U8, fd: FieldDef, big: bool, first_only: bool) -> tuple[F64, npt.NDArray[Any]]:
    """Raw values as float64 (n, k) and a same-shaped mask of invalid elements.

    ``byte`` fields (also fields whose size does not fit their base type) are one
    little-endian unsigned integer of up to 8 bytes (fitparse's byte tuple read as a number),
    or the first byte when longer; all 0xFF is invalid. Other base types give one column per
    element (``first_only``: just the first).
    """
    bt = fd.base
    if bt.is_byte:
        invalid = np.all(raw == 0xFF, axis=1, keepdims=True)
        if raw.shape[1] <= 8:
            weights = np.left_shift(np.uint64(1), np.arange(raw.shape[1], dtype=np.uint64) * 8)
            value = (raw.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
            return value.astype(np.float64)[:, None], invalid
        return raw[:, :1].astype(np.float64), invalid
    dtype = np.dtype(bt.code).newbyteorder(">" if big else "<")
    count = fd.count if not first_only else 1
    values = raw[:, : count * bt.size].copy().view(dtype)
    if bt.invalid is None:  # not reached: string/byte handled by callers
        raise TypeError(bt.name)
    invalid = np.isnan(values) if isinstance(bt.invalid, float) else values == bt.invalid
    return values.astype(np.float64), invalid


def _strings(raw: U8) -> npt.NDArray[np.object_]:
    """fitparse's ``parse_string``: up to the first NUL, UTF-8 with replacement, '' → None."""
    out = np.empty(raw.shape[0], dtype=object)
    cache: dict[bytes, str | None] = {}
    for i, row in enumerate(raw):
        b = row.tobytes()
        text = cache.get(b, "")
        if text == "":
            text = b.split(b"\x00", 1)[0].decode("utf-8", errors="replace") or None
            cache[b] = text
        out[i] = text
    return out


def _enum(values: F64, invalid: npt.NDArray[Any], names: Mapping[int, str] | None) -> Column:
    """Profile value names (decimal string when unnamed), ``None`` when invalid."""
    names = names or {}
    column = values[:, 0]
    out = np.empty(len(column), dtype=object)
    if len(column) <= 64:
        labels = {}
        for key in set(column[~invalid[:, 0]].tolist()):
            labels[key] = names.get(int(key), str(int(key))) if math.isfinite(key) else None
        flags = invalid[:, 0].tolist()
        out[:] = [None if bad else labels[v] for v, bad in zip(column.tolist(), flags, strict=True)]
        return out
    keys, inverse = np.unique(column, return_inverse=True)
    table = np.empty(len(keys), dtype=object)
    for i, key in enumerate(keys.tolist()):
        table[i] = names.get(int(key), str(int(key))) if math.isfinite(key) else None
    out[:] = table[inverse]
    out[invalid[:, 0]] = None
    return out


def decode_group(
    buf: U8, offsets: I64, definition: Definition, spec: FieldSpec
) -> Column | tuple[F64, I64] | None:
    """One wanted field for all messages of one definition; ``None`` when it is not defined.

    Array fields give ``(values, widths)``: values (n, k) and each row's own width (an invalid
    ``byte`` array counts as one NaN, like the reference's ``(None,)``).
    """
    fd = _last_field(definition, spec.number)
    if fd is None:
        return None
    n = len(offsets)
    kind = spec.kind
    bt = fd.base
    if bt.is_string or kind == "str":
        if kind == "str" and bt.is_string:
            return _strings(_gather(buf, offsets, fd.offset, fd.size))
        if kind in ("str", "enum"):
            return np.full(n, None, dtype=object)
        if kind == "array":
            return np.full((n, 1), np.nan), np.ones(n, dtype=np.int64)
        return np.full(n, np.nan)
    raw = _gather(buf, offsets, fd.offset, fd.size)
    if kind == "array":
        if bt.is_byte:
            values = raw.astype(np.float64)
            dead = np.all(raw == 0xFF, axis=1)
            values[dead] = np.nan
            widths = np.where(dead, 1, raw.shape[1]).astype(np.int64)
        else:
            values, invalid = _numbers(raw, fd, definition.big_endian, first_only=False)
            values[invalid] = np.nan
            widths = np.full(n, values.shape[1], dtype=np.int64)
        return _scaled(values, spec), widths
    values, invalid = _numbers(raw, fd, definition.big_endian, first_only=True)
    if kind == "enum":
        return _enum(values, invalid, spec.values)
    column = values[:, 0]
    column[invalid[:, 0]] = np.nan
    if kind == "time":
        result: F64 = column + FIT_EPOCH_OFFSET
        return result
    return _scaled(column, spec)


def _scaled(values: F64, spec: FieldSpec) -> F64:
    """``raw / scale - offset`` in float64, in fitparse's order (the profile's parent field)."""
    if spec.scale:
        values = values / spec.scale
    if spec.offset:
        values = values - spec.offset
    return values


def timestamps_of(
    buf: U8, offsets: I64, definition: Definition
) -> tuple[F64, npt.NDArray[np.bool_]] | None:
    """What fitparse's compressed-timestamp accumulator takes from each message of a definition.

    Every field numbered 253 that is not invalid overwrites it, in field order, so per message:
    the last valid one (NaN when none). The flag marks values fitparse holds as a tuple (a
    ``byte`` field, or several elements), which a later compressed header cannot add to.
    """
    fields = [fd for fd in definition.fields if fd.number == 253 and not fd.base.is_string]
    if not fields:
        return None
    column = np.full(len(offsets), np.nan)
    is_tuple = np.zeros(len(offsets), dtype=bool)
    for fd in fields:
        raw = _gather(buf, offsets, fd.offset, fd.size)
        values, invalid = _numbers(raw, fd, definition.big_endian, first_only=True)
        valid = ~invalid[:, 0]
        column[valid] = values[valid, 0]
        is_tuple[valid] = fd.base.is_byte or fd.count > 1
    return column, is_tuple


class TupleTimestampError(ValueError):
    """fitparse fails here: a compressed header after a timestamp it read as a tuple."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def compressed_timestamps(
    explicit: list[tuple[I64, F64, npt.NDArray[np.bool_]]],
    compressed: list[tuple[int, int]],
    segment_starts: list[int],
) -> dict[int, float]:
    """Raw FIT timestamps of compressed-header messages (fitparse's rolling accumulator).

    ``explicit``: (message indexes, raw field-253 values, NaN when invalid, tuple flags; see
    :func:`timestamps_of`) of every definition that has a timestamp field. The accumulator
    restarts at 0 at each chained header, takes every valid explicit timestamp, and each
    compressed header moves it forward by its 5-bit offset (rolling over every 32 s).
    """
    events: list[tuple[int, int, float]] = [(i, 0, 0.0) for i in segment_starts]
    for rows, values, tuples in explicit:
        keep = ~np.isnan(values)
        values = np.where(tuples, -1.0, values)  # -1: a tuple (see TupleTimestampError)
        pairs = zip(rows[keep].tolist(), values[keep].tolist(), strict=True)
        events.extend((i, 1, v) for i, v in pairs)
    events.extend((i, 2, float(off)) for i, off in compressed)
    events.sort()
    acc = 0
    out: dict[int, float] = {}
    for at, what, value in events:
        if what == 0:
            acc = 0
        elif what == 1:
            acc = int(value)
        elif acc < 0:
            raise TupleTimestampError(at)
        else:
            offset = int(value)
            base = offset + (acc & ~0x1F)
            if offset < (acc & 0x1F):
                base += 0x20
            acc = base
            out[at] = float(base)
    return out


def assemble(spec: MessageSpec, parts: list[tuple[I64, dict[str, Any]]]) -> dict[str, Column]:
    """Concatenate the per-definition columns of one message type, in file order."""
    if len(parts) == 1:
        index = parts[0][0]
        order = np.arange(len(index))  # one definition: already in file order
    else:
        index = np.concatenate([p[0] for p in parts])
        order = np.argsort(index, kind="stable")
    n = len(index)
    out: dict[str, Column] = {"_index": index[order].astype(np.int64)}
    starts = np.cumsum([0] + [len(p[0]) for p in parts])
    for field in spec.fields:
        kind = field.kind
        if kind == "array":
            width = 0
            for _idx, cols in parts:
                got = cols.get(field.name)
                if got is not None and len(got[1]):
                    width = max(width, int(got[1].max()))
            arr = np.full((n, width), np.nan)
            for (_idx, cols), s in zip(parts, starts, strict=False):
                got = cols.get(field.name)
                if got is not None and len(got[1]):
                    values = got[0]
                    arr[s : s + len(values), : values.shape[1]] = values[:, :width]
            out[field.name] = arr[order]
            continue
        obj = kind in ("enum", "str")
        col: Column = np.full(n, None, dtype=object) if obj else np.full(n, np.nan)
        for (_idx, cols), s in zip(parts, starts, strict=False):
            got = cols.get(field.name)
            if got is not None:
                col[s : s + len(got)] = got
        out[field.name] = col[order]
    return out
