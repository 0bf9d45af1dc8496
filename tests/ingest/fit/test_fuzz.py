"""Damaged FIT files whose CRCs were fixed up: the damage reaches the decoders and extraction,
which must still give rows or a typed IngestError (never another exception)."""

from __future__ import annotations

import random
import struct
import warnings

import pytest
from garmin_fit_sdk import CrcCalculator
from readiness.ingest.errors import IngestError
from readiness.ingest.fit.reading import available_backends, decode_fit, extract
from readiness.ingest.options import ReadOptions

from tests.ingest.fit.builders import Activity, MonitoringDay, sleep_file

BACKENDS = available_backends()


def _seeds() -> list[bytes]:
    start = 1_717_200_000.0
    act = Activity(
        start=start,
        records=[(start + i, 100 + i % 40) for i in range(200)],
        rr_s=[0.6 + 0.01 * (i % 5) for i in range(60)],
        profile=(50, 190, "male"),
        local_offset_s=3600,
    ).build()
    mon = MonitoringDay(
        start=start,
        local_offset_s=3600,
        states=[(0, 8, 0, None, None), (300, 6, 2, 400.0, 300.0), (320, 8, 5, None, None)],
        hr=[(m, 55) for m in range(0, 600, 15)],
        stress=[(m, 30) for m in range(0, 600, 3)],
        respiration=[(m, 14.0) for m in range(0, 400, 2)],
        rhr=(50, 51),
        summary=[("walking", 500.0, 400.0)],
    ).build()
    night = sleep_file([(start + 600 * i, ("light", "deep", "rem")[i % 3]) for i in range(40)], 70)
    return [act, mon, night]


def _fix_crcs(data: bytearray) -> bytes:
    header = data[0]
    if header == 14:
        struct.pack_into("<H", data, 12, CrcCalculator.calculate_crc(data, 0, 12))
    struct.pack_into("<H", data, len(data) - 2, CrcCalculator.calculate_crc(data, 0, len(data) - 2))
    return bytes(data)


@pytest.mark.parametrize("backend", BACKENDS)
def test_damaged_files_give_rows_or_typed_errors(backend: str) -> None:
    rng = random.Random(20240601)
    ok = 0
    errors: list[IngestError] = []
    for seed in _seeds():
        for _ in range(60):
            data = bytearray(seed)
            for _ in range(rng.randint(1, 4)):
                pos = rng.randrange(14, len(data) - 2)
                data[pos] = rng.randrange(256)
            damaged = _fix_crcs(data)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error")
                    extract(decode_fit(damaged, "fuzz.fit", backend), ReadOptions())
                ok += 1
            except IngestError as exc:
                errors.append(exc)
    assert ok and errors  # both outcomes occur
    assert all(e.file == "fuzz.fit" for e in errors)
