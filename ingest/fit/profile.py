"""What the bulk FIT decoder needs from fitparse's profile, indexed for fast lookup.

Nothing here is hand-written: message numbers, field numbers, scales, offsets, enum names and
base types (with their invalid values) all come from ``fitparse.profile`` and
``fitparse.records.BASE_TYPES``, so the bulk decoder and the fitparse reference read the same
profile. The index is built once, on first use (no work at import time).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from readiness.ingest.fit.messages import ARRAY_FIELDS, WANTED

__all__ = [
    "BaseTypeSpec",
    "FieldSpec",
    "MessageSpec",
    "base_type",
    "field_kind",
    "fitparse_rejects",
    "known_base_type",
    "wanted_messages",
]

#: How a field's decoded values are represented (see :mod:`readiness.ingest.fit.messages`).
Kind = Literal["num", "time", "enum", "str", "array"]

_NUMPY_CODE = {"B": "u1", "b": "i1", "H": "u2", "h": "i2", "I": "u4", "i": "i4"}
_NUMPY_CODE |= {"f": "f4", "d": "f8", "q": "i8", "Q": "u8", "s": "S1"}
_TIME_TYPES = ("date_time", "local_date_time")


@dataclass(frozen=True, slots=True)
class BaseTypeSpec:
    """A FIT base type: numpy element code, element size and the raw value meaning "invalid"."""

    number: int
    name: str
    code: str  # numpy code without byte order, e.g. "u2"
    size: int
    invalid: int | float | None  # None for string/byte (handled specially); NaN for floats

    @property
    def is_string(self) -> bool:
        return self.name == "string"

    @property
    def is_byte(self) -> bool:
        return self.name == "byte"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One wanted field: where it comes from and how it is represented."""

    name: str
    number: int
    kind: Kind
    scale: float | None
    offset: float | None
    values: Mapping[int, str] | None


@dataclass(frozen=True, slots=True)
class MessageSpec:
    """One wanted message type and its wanted fields, in ``WANTED`` order."""

    name: str
    number: int
    fields: tuple[FieldSpec, ...]


def _invalid_of(bt: Any) -> int | float | None:
    """The raw value fitparse's ``parse`` maps to ``None`` (probed, not hand-written)."""
    if bt.name in ("string", "byte"):
        return None
    if bt.fmt in "fd":
        return math.nan
    size = bt.size
    signed = bt.fmt.islower()
    candidates = [0, (1 << (8 * size - 1)) - 1] if signed else [0, (1 << (8 * size)) - 1]
    for value in candidates:
        if bt.parse(value) is None:
            return int(value)
    raise RuntimeError(f"fitparse base type {bt.name} has no recognisable invalid value")


@lru_cache(maxsize=1)
def _base_types() -> dict[int, BaseTypeSpec]:
    from fitparse.records import BASE_TYPES

    out: dict[int, BaseTypeSpec] = {}
    for number, bt in BASE_TYPES.items():
        out[number] = BaseTypeSpec(
            number=number,
            name=bt.name,
            code=_NUMPY_CODE[bt.fmt],
            size=bt.size,
            invalid=_invalid_of(bt),
        )
    return out


def base_type(number: int) -> BaseTypeSpec:
    """The base type for a definition's base-type byte; unknown numbers read as ``byte``."""
    table = _base_types()
    spec = table.get(number)
    if spec is None:
        from fitparse.records import BASE_TYPE_BYTE

        spec = table[BASE_TYPE_BYTE.identifier]
    return spec


def _first(value: Any) -> float | None:
    """A profile scale/offset (some profile versions give tuples for components)."""
    if isinstance(value, tuple):
        value = value[0] if value else None
    return float(value) if value else None


def known_base_type(number: int) -> bool:
    """Whether fitparse's ``BASE_TYPES`` has this base type number."""
    return number in _base_types()


@lru_cache(maxsize=1)
def _profile_fields() -> dict[int, frozenset[int]]:
    from fitparse.profile import MESSAGE_TYPES

    return {num: frozenset(mt.fields) for num, mt in MESSAGE_TYPES.items()}


def fitparse_rejects(global_number: int, number: int, size: int, bt_number: int) -> bool:
    """Whether fitparse fails on this field definition (not a profile field, odd size).

    fitparse reads a field whose size is not a multiple of its base type as bytes and warns;
    building that warning needs the profile field's name, so for a field the profile does not
    know it raises ``AttributeError`` instead.
    """
    if size % base_type(bt_number).size == 0:
        return False
    return number not in _profile_fields().get(global_number, frozenset())


def field_kind(message: str, field: Any) -> Kind:
    """How a fitparse profile ``field`` of ``message`` is represented once decoded."""
    ftype = field.type
    if ftype.name in _TIME_TYPES:
        return "time"
    if (message, field.name) in ARRAY_FIELDS:
        return "array"
    if ftype.name == "string":
        return "str"
    if getattr(ftype, "values", None):
        return "enum"
    return "num"


def _field_spec(message: str, field: Any) -> FieldSpec:
    values = getattr(field.type, "values", None)
    kind = field_kind(message, field)
    return FieldSpec(
        name=field.name,
        number=field.def_num,
        kind=kind,
        scale=_first(field.scale),
        offset=_first(field.offset),
        values=dict(values) if values and kind == "enum" else None,
    )


@lru_cache(maxsize=1)
def wanted_messages() -> dict[int, MessageSpec]:
    """Global message number -> spec, for every message in ``WANTED``.

    Raises ``KeyError`` naming the message or field when ``WANTED`` lists something the
    profile does not know (a programming error, caught by the tests).
    """
    from fitparse.profile import MESSAGE_TYPES

    by_name = {mt.name: mt for mt in MESSAGE_TYPES.values()}
    out: dict[int, MessageSpec] = {}
    for mname, fnames in WANTED.items():
        mt = by_name.get(mname)
        if mt is None:
            raise KeyError(f"WANTED message {mname!r} is not in fitparse's profile")
        fields_by_name = {f.name: f for f in mt.fields.values()}
        specs = []
        for fname in fnames:
            if fname not in fields_by_name:
                raise KeyError(f"WANTED field {mname}.{fname} is not in fitparse's profile")
            specs.append(_field_spec(mname, fields_by_name[fname]))
        out[mt.mesg_num] = MessageSpec(name=mname, number=mt.mesg_num, fields=tuple(specs))
    return out
