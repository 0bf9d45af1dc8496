"""The reference FIT backend: python-fitparse (profile 21.x), turned into :class:`FitMessages`.

It is slow (pure Python, one object per field) but independent of the bulk decoder, so tests
can compare the two. Values follow the contract in :mod:`readiness.ingest.fit.messages`:
fitparse's *raw* values are converted here with the **parent** field's profile entry, so
subfields (``garmin_product``, ``steps``) and components never change a value, and fitparse's
naive datetimes are never used (the raw FIT seconds are).

fitparse's exceptions become typed :class:`~readiness.ingest.errors.IngestError` subclasses with
the byte offset where reading failed.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
from fitparse.base import FitFileDecoder
from fitparse.profile import MESSAGE_TYPES
from fitparse.utils import FitCRCError, FitEOFError, FitHeaderError, FitParseError
from readiness.ingest.errors import (
    ChecksumError,
    CorruptFileError,
    EmptyFileError,
    IngestError,
    TruncatedFileError,
    UnsupportedFormatError,
)
from readiness.ingest.findings import IngestWarning
from readiness.ingest.fit.messages import (
    FIT_EPOCH_OFFSET,
    WANTED,
    Column,
    FitMessages,
)
from readiness.ingest.fit.profile import field_kind

__all__ = ["ReferenceDecoder", "check_header"]


#: What fitparse raises on damaged bytes: its own errors, and (fitparse bugs on odd definitions,
#: e.g. an unknown field with a bad size) plain Python errors from inside its parser.
_FITPARSE_FAILURES = (
    FitParseError,
    ValueError,
    struct.error,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    ZeroDivisionError,
    OverflowError,
)

# Per wanted field: (kind, scale, offset, value names). kind: time | enum | num | str | array.
_Spec = tuple[str, float, float, dict[int, str] | None]


@lru_cache(maxsize=1)
def _specs() -> dict[int, tuple[str, dict[str, _Spec]]]:
    """Global message number -> (message name, wanted field name -> conversion spec)."""
    out: dict[int, tuple[str, dict[str, _Spec]]] = {}
    for num, mtype in MESSAGE_TYPES.items():
        wanted = WANTED.get(mtype.name)
        if not wanted:
            continue
        fields: dict[str, _Spec] = {}
        for f in mtype.fields.values():
            if f.name not in wanted:
                continue
            values = getattr(f.type, "values", None)
            scale = f.scale[0] if isinstance(f.scale, tuple) else f.scale
            offset = f.offset[0] if isinstance(f.offset, tuple) else f.offset
            kind = field_kind(mtype.name, f)
            fields[f.name] = (kind, float(scale or 1), float(offset or 0), values or None)
        out[num] = (mtype.name, fields)
    return out


def _number(raw: Any) -> float | None:
    """A raw fitparse value as one number: byte tuples little-endian, other tuples' first."""
    if raw is None:
        return None
    if isinstance(raw, tuple):
        if not raw:
            return None
        if isinstance(raw[0], int) and all(isinstance(b, int) for b in raw) and len(raw) <= 8:
            # fitparse gives ``byte`` fields (and fields whose size does not fit their base type)
            # as a tuple of bytes; it already made all-0xFF None.
            return float(int.from_bytes(bytes(raw), "little"))
        raw = raw[0]
        if raw is None:
            return None
    if isinstance(raw, bool | int | float):
        return float(raw)
    return None


def _convert(spec: _Spec, raw: Any, is_byte: bool) -> Any:
    kind, scale, offset, values = spec
    if kind == "array":
        items = raw if isinstance(raw, tuple) else (raw,)
        return [np.nan if v is None else float(v) / scale - offset for v in items]
    if kind == "str":
        return raw if isinstance(raw, str) and raw else None
    if kind == "enum":
        if isinstance(raw, tuple) and not is_byte:
            raw = raw[0] if raw else None
        num = _number(raw)
        if num is None:
            return None
        key = int(num)
        return values.get(key, str(key)) if values else str(key)
    if not is_byte and isinstance(raw, tuple):
        raw = raw[0] if raw else None
    num = _number(raw)
    if num is None:
        return np.nan
    if kind == "time":
        return num + FIT_EPOCH_OFFSET
    return num / scale - offset


class _Walker(FitFileDecoder):  # type: ignore[misc]
    """fitparse's plain decoder (no data processors), remembering where each message began."""

    def __init__(self, raw: io.BytesIO) -> None:
        self.msg_start = 0
        super().__init__(raw, check_crc=True, check_developer_data=False)

    def _parse_message(self) -> Any:
        if self._file is not None:
            self.msg_start = self._file.tell()
        return super()._parse_message()


def check_header(data: bytes, file: str) -> int:
    """Check the 12/14-byte FIT header; return its size or raise the matching typed error."""
    if not data:
        raise EmptyFileError(file, "the file is empty", offset=0, expected="a FIT file header")
    if len(data) < 12:
        raise TruncatedFileError(
            file,
            f"the file ends after {len(data)} bytes, inside the FIT header",
            offset=len(data),
            expected="a 12- or 14-byte FIT header",
        )
    if data[8:12] != b".FIT":
        raise UnsupportedFormatError(
            file, "not a FIT file", offset=8, expected="the signature '.FIT' at bytes 8–11"
        )
    header_size = data[0]
    if header_size not in (12, 14):
        raise CorruptFileError(
            file,
            f"FIT header size {header_size}",
            offset=0,
            expected="a header size of 12 or 14",
        )
    data_size = struct.unpack_from("<I", data, 4)[0]
    if len(data) <= header_size + 2:
        raise EmptyFileError(
            file,
            "the FIT file has a header but no data messages",
            offset=min(len(data), header_size),
            expected=f"{data_size} bytes of data after the header" if data_size else "data",
        )
    if data_size == 0:
        raise CorruptFileError(
            file,
            f"the FIT header says the file holds no data, but {len(data) - header_size} bytes "
            "follow (a recording that was never closed?)",
            offset=4,
            expected="the data size in the header",
        )
    return header_size


def _map_error(
    exc: Exception, raw: io.BytesIO, walker: _Walker | None, file: str, size: int
) -> IngestError:
    """fitparse's exception → typed error with the byte offset fitparse was reading at."""
    pos = None if raw.closed else raw.tell()
    start = walker.msg_start if walker is not None else 0
    text = str(exc) or type(exc).__name__
    if isinstance(exc, FitCRCError):
        at = (pos - 2) if pos is not None else None
        return ChecksumError(
            file, f"CRC mismatch ({text})", offset=at, expected="the CRC of the bytes before it"
        )
    if isinstance(exc, FitEOFError):
        return TruncatedFileError(
            file,
            f"the file ends inside the message that starts at byte {start}",
            offset=size if pos is None else pos,
            expected="the rest of the message and the 2-byte file CRC",
        )
    if isinstance(exc, FitHeaderError):
        return CorruptFileError(
            file,
            f"broken FIT header ({text})",
            offset=pos - 12 if pos is not None and pos >= 12 else start,
            expected="a FIT header (a chained FIT file starts with one)",
        )
    return CorruptFileError(
        file, f"unreadable FIT message ({text})", offset=start, expected="a valid FIT message"
    )


def _columns(
    fields: dict[str, _Spec], rows: list[dict[str, Any]], index: list[int]
) -> dict[str, Column]:
    cols: dict[str, Column] = {"_index": np.asarray(index, dtype=np.int64)}
    n = len(rows)
    for name, spec in fields.items():
        kind = spec[0]
        if kind in ("enum", "str"):
            obj = np.empty(n, dtype=object)
            obj[:] = [r.get(name) for r in rows]
            cols[name] = obj
        elif kind == "array":
            lists = [r.get(name) or [] for r in rows]
            width = max((len(v) for v in lists), default=0)
            arr = np.full((n, width), np.nan)
            for i, v in enumerate(lists):
                arr[i, : len(v)] = v
            cols[name] = arr
        else:
            cols[name] = np.asarray([r.get(name, np.nan) for r in rows], dtype=np.float64)
    return cols


class ReferenceDecoder:
    """FIT bytes → :class:`FitMessages` with python-fitparse (see the module docstring)."""

    name = "reference"

    def decode(self, data: bytes, file: str) -> FitMessages:
        check_header(data, file)
        specs = _specs()
        rows: dict[int, list[dict[str, Any]]] = {}
        indexes: dict[int, list[int]] = {}
        walker: _Walker | None = None
        raw = io.BytesIO(data)
        caught: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                walker = _Walker(raw)
                self._walk(walker, specs, rows, indexes)
        except _FITPARSE_FAILURES as exc:
            raise _map_error(exc, raw, walker, file, len(data)) from exc
        messages: dict[str, dict[str, Column]] = {}
        for num, recs in rows.items():
            name, fields = specs[num]
            messages[name] = _columns(fields, recs, indexes[num])
        return FitMessages(file=file, messages=messages, warnings=_warnings(file, caught))

    @staticmethod
    def _walk(
        walker: _Walker,
        specs: dict[int, tuple[str, dict[str, _Spec]]],
        rows: dict[int, list[dict[str, Any]]],
        indexes: dict[int, list[int]],
    ) -> None:
        position = -1
        get: Callable[[int], tuple[str, dict[str, _Spec]] | None] = specs.get
        for message in walker.get_messages():
            position += 1
            num = message.def_mesg.mesg_num
            spec = get(num)
            if spec is None:
                continue
            fields = spec[1]
            rec: dict[str, Any] = {}
            for fd in message.fields:
                fdef = fd.field_def
                if fdef is None:
                    # Component expansions are skipped; the compressed-timestamp header is kept.
                    if (
                        message.header.time_offset is not None
                        and fd.field is not None
                        and fd.field.def_num == 253
                        and "timestamp" in fields
                    ):
                        rec["timestamp"] = float(fd.raw_value + FIT_EPOCH_OFFSET)
                    continue
                if fdef.field is None:
                    continue
                fspec = fields.get(fdef.field.name)
                if fspec is None:
                    continue
                rec[fdef.field.name] = _convert(fspec, fd.raw_value, fdef.base_type.name == "byte")
            rows.setdefault(num, []).append(rec)
            indexes.setdefault(num, []).append(position)


def _warnings(file: str, caught: list[warnings.WarningMessage]) -> tuple[IngestWarning, ...]:
    counts: dict[str, int] = {}
    for w in caught:
        if issubclass(w.category, DeprecationWarning):
            continue
        text = str(w.message)
        counts[text] = counts.get(text, 0) + 1
    return tuple(
        IngestWarning(file=file, message=f"FIT decoder: {text}", count=n)
        for text, n in counts.items()
    )
