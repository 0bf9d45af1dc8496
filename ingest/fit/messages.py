"""The contract between FIT decoders (backends) and the FIT extraction layer.

A backend turns a FIT file's bytes into :class:`FitMessages`: for each wanted message type, one
column (numpy array) per wanted field, in file order. Every backend must give **identical**
``FitMessages`` for the same file (tests compare them), so the representation is fixed here:

* Messages are keyed by their profile name (``"session"``, ``"monitoring_hr_data"`` …).
* Only the messages and fields listed in :data:`WANTED` are decoded. A wanted field the file
  does not define is an all-invalid column (NaN / ``None``), so every wanted field is always
  present for every decoded message.
* ``"_index"`` (int64) is the message's position among *all data messages* of the file, so
  the extraction can interleave message types in file order (e.g. ``timestamp_16`` rolls
  forward from the last full ``timestamp`` of any message).
* Numeric fields: float64, the **parent field's** scale and offset applied (subfields are not
  resolved; e.g. ``monitoring.cycles`` is raw/2 whatever ``activity_type`` says), the base
  type's invalid value → NaN.
* ``date_time`` fields (``timestamp``, ``start_time``, ``time_created`` …): float64 Unix seconds
  UTC (FIT epoch + 631065600); invalid → NaN. A record with a compressed-timestamp header gets
  its ``timestamp`` from the header. ``local_date_time`` fields: float64 seconds in the same
  "Unix-like" scale (local wall clock as if it were UTC), invalid → NaN.
* Enum fields: object arrays of the profile's value name (``"running"``), the decimal string
  of the raw value when the profile has no name for it, ``None`` when invalid.
* String fields: object arrays of ``str`` (``None`` when empty/invalid).
* Array fields (e.g. ``hrv.time``): 2-D float64 ``(n_messages, max_len)``, padded with NaN;
  invalid elements (e.g. 0xFFFF → 65.535 s) → NaN.
* Developer fields are skipped (never decoded), but must be stepped over correctly.
* Components are **not** expanded (except the compressed-timestamp header above): a value that
  a device only writes inside a container field is read from that container, which
  :data:`WANTED` lists (e.g. ``monitoring.current_activity_type_intensity``: activity type in
  bits 0–4, intensity in bits 5–7; the extraction splits it).
* Which fields count as what, from the profile's field type: ``date_time`` /
  ``local_date_time`` → time; any other named profile type with value names (``sport``,
  ``manufacturer``, ``device_index`` …) → enum; base types → numeric. ``byte`` fields → numeric
  (the bytes as a little-endian unsigned int; all 0xFF → NaN). Only the fields in
  :data:`ARRAY_FIELDS` are 2-D; any other field written with several elements keeps its first.

A decoder raises :class:`~readiness.ingest.errors.IngestError` subclasses for broken files
(header, CRC, truncation), carrying the byte offset. It may instead return what was valid and
add an :class:`~readiness.ingest.findings.IngestWarning` when the damage is only at the end of
the file (truncation after complete messages), saying so; it never returns a partial result
silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
from readiness.ingest.findings import IngestWarning

__all__ = ["ARRAY_FIELDS", "FIT_EPOCH_OFFSET", "WANTED", "FitDecoder", "FitMessages"]

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
FIT_EPOCH_OFFSET = 631_065_600

#: Message name -> field names the extraction layer reads. Extend as the extraction needs.
WANTED: Mapping[str, tuple[str, ...]] = {
    "file_id": ("type", "manufacturer", "product", "serial_number", "time_created"),
    "device_info": ("timestamp", "device_index", "manufacturer", "product", "product_name"),
    "user_profile": ("gender", "resting_heart_rate", "default_max_heart_rate"),
    "zones_target": ("max_heart_rate", "threshold_heart_rate"),
    "activity": ("timestamp", "local_timestamp", "num_sessions"),
    "timestamp_correlation": ("timestamp", "local_timestamp"),
    "session": (
        "timestamp",
        "start_time",
        "sport",
        "sub_sport",
        "total_elapsed_time",
        "total_timer_time",
        "avg_heart_rate",
        "max_heart_rate",
        "training_stress_score",
        "training_load_peak",
        "total_training_effect",
    ),
    "record": ("timestamp", "heart_rate"),
    "hrv": ("time",),
    "monitoring_info": ("timestamp", "local_timestamp"),
    "monitoring": (
        "timestamp",
        "timestamp_16",
        "heart_rate",
        "activity_type",
        "intensity",
        "cycles",
        "active_time",
        "duration_min",
        "current_activity_type_intensity",
    ),
    "monitoring_hr_data": ("timestamp", "resting_heart_rate", "current_day_resting_heart_rate"),
    "stress_level": ("stress_level_time", "stress_level_value"),
    "respiration_rate": ("timestamp", "respiration_rate"),
    "sleep_level": ("timestamp", "sleep_level"),
    "sleep_assessment": ("overall_sleep_score", "average_stress_during_sleep"),
    "hrv_status_summary": ("timestamp", "weekly_average", "last_night_average", "status"),
    "hrv_value": ("timestamp", "value"),
}

#: (message, field) pairs decoded as 2-D arrays (see the module docstring).
ARRAY_FIELDS: frozenset[tuple[str, str]] = frozenset({("hrv", "time")})

Column = npt.NDArray[np.float64] | npt.NDArray[np.object_] | npt.NDArray[np.int64]


@dataclass(frozen=True)
class FitMessages:
    """The decoded wanted messages of one FIT file (see the module docstring)."""

    file: str
    messages: dict[str, dict[str, Column]]
    warnings: tuple[IngestWarning, ...] = field(default=())

    def count(self, name: str) -> int:
        """Number of decoded messages of that type (0 when the file has none)."""
        cols = self.messages.get(name)
        if not cols:
            return 0
        return len(cols["_index"])


class FitDecoder(Protocol):
    """A FIT backend: bytes in, :class:`FitMessages` out, or a typed ``IngestError``."""

    name: str

    def decode(self, data: bytes, file: str) -> FitMessages: ...
