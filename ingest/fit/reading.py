"""FIT files: pick a decoder backend, then turn its messages into ``daily`` and ``sessions`` rows.

Backends (all give the same :class:`~readiness.ingest.fit.messages.FitMessages`):

* ``"bulk"`` — :class:`readiness.ingest.fit.bulk.decoder.BulkDecoder`, the fast numpy decoder;
* ``"reference"`` — :class:`~readiness.ingest.fit.reference.ReferenceDecoder` (python-fitparse);
* ``"auto"`` — bulk when its module imports, else reference.

What is read from which message, and the day rules, are in the README ("FIT files") and in
:mod:`~readiness.ingest.fit.extract.activity`, :mod:`~readiness.ingest.fit.extract.monitoring`,
:mod:`~readiness.ingest.fit.extract.sleep` and :mod:`~readiness.ingest.fit.extract.clock`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import lru_cache
from typing import BinaryIO

import numpy as np
from readiness.ingest.errors import IngestError
from readiness.ingest.findings import IngestWarning
from readiness.ingest.fit.extract.activity import session_columns
from readiness.ingest.fit.extract.clock import resolve_clock
from readiness.ingest.fit.extract.frames import daily_frame, sessions_frame
from readiness.ingest.fit.extract.monitoring import monitoring_days
from readiness.ingest.fit.extract.sleep import hrv_status_days, sleep_days
from readiness.ingest.fit.messages import FitDecoder, FitMessages
from readiness.ingest.fit.reference import ReferenceDecoder
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult

__all__ = [
    "BACKENDS",
    "available_backends",
    "decode_fit",
    "device_name",
    "extract",
    "get_decoder",
    "looks_like_fit",
    "read_fit",
]

#: Every backend name ``decode_fit`` accepts besides ``"auto"``.
BACKENDS: tuple[str, ...] = ("reference", "bulk")


def looks_like_fit(data: bytes) -> bool:
    """A FIT file has a 12- or 14-byte header with ``.FIT`` at bytes 8–11."""
    return len(data) >= 12 and data[8:12] == b".FIT"


@lru_cache(maxsize=1)
def _bulk_decoder() -> FitDecoder | None:
    try:
        module = importlib.import_module("readiness.ingest.fit.bulk.decoder")
    except ImportError:
        return None
    decoder: FitDecoder = module.BulkDecoder()
    return decoder


def available_backends() -> tuple[str, ...]:
    """The backends that can run here (``bulk`` only when its module imports)."""
    return tuple(b for b in BACKENDS if b != "bulk" or _bulk_decoder() is not None)


def get_decoder(backend: str = "auto") -> FitDecoder:
    """The decoder for a backend name (``"auto"``, ``"reference"`` or ``"bulk"``)."""
    if backend == "reference":
        return ReferenceDecoder()
    if backend in ("bulk", "auto"):
        bulk = _bulk_decoder()
        if bulk is not None:
            return bulk
        if backend == "bulk":
            raise RuntimeError(
                "the bulk FIT decoder (readiness.ingest.fit.bulk.decoder) is not available"
            )
        return ReferenceDecoder()
    raise ValueError(f"unknown FIT backend {backend!r}; expected 'auto' or one of {BACKENDS}")


def decode_fit(data: bytes, name: str, backend: str = "auto") -> FitMessages:
    """Decode a FIT file's bytes with a backend; broken files raise a typed ``IngestError``.

    With ``"auto"``, an unexpected failure of the bulk decoder (a bug, not a broken file)
    falls back to the reference decoder and says so in a warning.
    """
    decoder = get_decoder(backend)
    if backend != "auto" or decoder.name == "reference":
        return decoder.decode(data, name)
    try:
        return decoder.decode(data, name)
    except IngestError:
        raise
    except Exception as exc:  # a decoder bug must not lose the user's file
        msgs = ReferenceDecoder().decode(data, name)
        note = IngestWarning(
            file=name,
            message=f"fast FIT decoder failed ({type(exc).__name__}: {exc}); "
            "read with the reference decoder",
        )
        return FitMessages(file=msgs.file, messages=msgs.messages, warnings=(note, *msgs.warnings))


@lru_cache(maxsize=1)
def _garmin_products() -> dict[int, str]:
    from fitparse.profile import FIELD_TYPES

    values: dict[int, str] = FIELD_TYPES["garmin_product"].values
    return values


_GARMIN_FAMILY = frozenset({"garmin", "dynastream", "dynastream_oem", "tacx"})


def device_name(msgs: FitMessages) -> str | None:
    """``"<manufacturer> <product>"`` in lower case, from file_id (and device_info)."""
    fid = msgs.messages.get("file_id", {})
    maker = next((m for m in fid.get("manufacturer", ()) if m), None)
    prods = [p for p in fid.get("product", ()) if np.isfinite(p)]
    product: str | None = None
    if prods and maker in _GARMIN_FAMILY:
        product = _garmin_products().get(int(prods[0]))
    if product is None:
        info = msgs.messages.get("device_info", {})
        names = [n for n in info.get("product_name", ()) if n]
        product = names[0] if names else (str(int(prods[0])) if prods else None)
    text = " ".join(x for x in (maker, product) if x)
    return text.lower() or None


def extract(msgs: FitMessages, options: ReadOptions) -> IngestResult:
    """Decoded messages → sessions and daily rows (the rules are in the modules above)."""
    clock, warnings = resolve_clock(msgs, options)
    warnings = [*msgs.warnings, *warnings]
    device = device_name(msgs)
    sessions, ses_warn = session_columns(msgs, clock, options)
    warnings.extend(ses_warn)
    days: dict[str, Mapping[np.datetime64, object]] = {}
    days.update(monitoring_days(msgs, clock))
    days.update(sleep_days(msgs, clock))
    days.update(hrv_status_days(msgs, clock))
    n_records = msgs.count("record")
    if not sessions and n_records:
        warnings.append(
            IngestWarning(
                file=msgs.file,
                message=f"activity without a session message: {n_records} records not summarised",
            )
        )
    if not sessions and not days:
        kinds = ", ".join(str(t) for t in msgs.messages.get("file_id", {}).get("type", ()))
        warnings.append(
            IngestWarning(
                file=msgs.file,
                message=f"no workout, monitoring, sleep or HRV data in this FIT file "
                f"(file type: {kinds or 'unknown'})",
            )
        )
        return IngestResult(warnings=tuple(warnings))
    daily, dw = daily_frame(days, file=msgs.file, device=device)
    ses, sw = sessions_frame(sessions, file=msgs.file, device=device)
    return IngestResult(daily=daily, sessions=ses, warnings=(*warnings, *dw, *sw))


def read_fit(
    stream: BinaryIO, name: str, options: ReadOptions, backend: str = "auto"
) -> IngestResult:
    """Read one FIT file: decode it, then extract the daily and sessions rows."""
    return extract(decode_fit(stream.read(), name, backend), options)
