"""The bulk FIT backend: one record walk, then numpy decodes each definition's records at once.

``BulkDecoder().decode(data, file)`` gives the same :class:`FitMessages` as the fitparse
reference (:mod:`readiness.ingest.fit.reference`), tens of times faster:

1. :func:`~readiness.ingest.fit.bulk.walk.walk` checks headers and CRCs (CRC-16/ARC via ``anycrc``)
   and notes, per data message, the offset of its content and its interned definition;
2. for each definition of a wanted message, :func:`~readiness.ingest.fit.bulk.columns.decode_group`
   gathers each wanted field's bytes with one fancy index and converts them with fitparse's
   profile (scale, offset, enum names, invalid values per base type);
3. compressed-timestamp headers are resolved with fitparse's rolling accumulator, and the
   per-definition columns are merged into file order.

The first FIT header is judged by the same rules as the reference
(:func:`readiness.ingest.fit.reference.check_header`), so both accept and refuse the same files.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from readiness.ingest.errors import CorruptFileError
from readiness.ingest.findings import IngestWarning
from readiness.ingest.fit.bulk.columns import (
    TupleTimestampError,
    assemble,
    compressed_timestamps,
    decode_group,
    timestamps_of,
)
from readiness.ingest.fit.bulk.walk import Resolved, Walk, walk
from readiness.ingest.fit.messages import FIT_EPOCH_OFFSET, Column, FitMessages
from readiness.ingest.fit.profile import wanted_messages
from readiness.ingest.fit.reference import check_header

__all__ = ["BulkDecoder"]

_TIMESTAMP = 253


class BulkDecoder:
    """FIT bytes → :class:`FitMessages` with a record walk and numpy (see the module docstring)."""

    name = "bulk"

    def decode(self, data: bytes, file: str) -> FitMessages:
        check_header(data, file)
        w = walk(data, file)
        if w.error is not None:
            # fitparse decodes as it walks: a timestamp it cannot roll forward before the
            # damage is what it reports (raises); otherwise the damage itself.
            cut = w.partial
            if cut is not None and data[cut - 1] & 0x80:  # it had a compressed header
                _stamps(w, *_layout(w), file, cut=(len(w.offsets), data[cut - 1] & 0x1F))
            else:
                _stamps(w, *_layout(w), file)
            raise w.error
        return FitMessages(file=file, messages=_messages(w, file), warnings=_warnings(w, file))


Layout = tuple[npt.NDArray[np.uint8], Resolved, dict[int, npt.NDArray[np.int64]]]


def _layout(w: Walk) -> Layout:
    """The file as numpy bytes, the resolved walk, and each definition's message indexes."""
    buf = np.frombuffer(w.data, dtype=np.uint8)
    r = w.resolve()
    order = np.argsort(r.dids, kind="stable")
    dids, starts = np.unique(r.dids[order], return_index=True)
    bounds = [*starts.tolist(), len(order)]
    members = {int(d): order[bounds[i] : bounds[i + 1]] for i, d in enumerate(dids.tolist())}
    return buf, r, members


def _stamps(
    w: Walk,
    buf: npt.NDArray[np.uint8],
    r: Resolved,
    members: dict[int, npt.NDArray[np.int64]],
    file: str,
    cut: tuple[int, int] | None = None,
) -> dict[int, float]:
    """Raw FIT timestamps of the compressed-header messages, by message index.

    ``cut``: (index, time offset) of a compressed-header record the file ends inside; fitparse
    still applies its header before it notices the end.
    """
    compressed = np.flatnonzero(r.time_offset >= 0)
    if not len(compressed) and cut is None:
        return {}
    explicit = []
    for did, index in members.items():
        got = timestamps_of(buf, r.offsets[index], w.definitions[did])
        if got is not None:
            explicit.append((index, *got))
    pairs = list(zip(compressed.tolist(), r.time_offset[compressed].tolist(), strict=True))
    if cut is not None:
        pairs.append(cut)
    try:
        return compressed_timestamps(explicit, pairs, w.segment_starts)
    except TupleTimestampError as exc:
        raise CorruptFileError(
            file,
            "a compressed-timestamp header follows a timestamp field that is not one number",
            offset=int(r.offsets[exc.index] if exc.index < len(r.offsets) else w.partial or 0) - 1,
            expected="a 4-byte timestamp before compressed-timestamp records",
        ) from None


def _messages(w: Walk, file: str) -> dict[str, dict[str, Column]]:
    specs = wanted_messages()
    buf, r, members = _layout(w)
    offsets = r.offsets
    stamps = _stamps(w, buf, r, members, file)
    parts: dict[int, list[tuple[Any, dict[str, Any]]]] = {}
    for did, index in members.items():
        definition = w.definitions[did]
        spec = specs.get(definition.global_number)
        if spec is None:
            continue
        offs = offsets[index]
        cols: dict[str, Any] = {}
        for field in spec.fields:
            column = decode_group(buf, offs, definition, field)
            if field.number == _TIMESTAMP and field.kind == "time" and stamps:
                column = _apply_stamps(column, index, stamps)
            if column is not None:
                cols[field.name] = column
        parts.setdefault(definition.global_number, []).append((index, cols))
    return {specs[num].name: assemble(specs[num], p) for num, p in parts.items()}


def _apply_stamps(got: Any, index: Any, stamps: dict[int, float]) -> Any:
    """Timestamps of compressed-header messages override whatever the record holds."""
    hits = [(row, stamps[int(i)]) for row, i in enumerate(index) if int(i) in stamps]
    if not hits:
        return got
    column = np.full(len(index), np.nan) if got is None else np.array(got, dtype=np.float64)
    rows, raws = zip(*hits, strict=True)
    column[list(rows)] = np.asarray(raws) + FIT_EPOCH_OFFSET
    return column


def _warnings(w: Walk, file: str) -> tuple[IngestWarning, ...]:
    """One warning per definition field read as bytes because its size did not fit its type."""
    out = []
    for d in w.definitions:
        if not d.fallback:
            continue
        for fd in d.fields:
            if fd.fallback:
                out.append(
                    IngestWarning(
                        file=file,
                        message=(
                            f"FIT field {fd.number} of message {d.global_number} has size "
                            f"{fd.size}, not a multiple of its base type: read as bytes"
                        ),
                    )
                )
    return tuple(out)
