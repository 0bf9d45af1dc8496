"""The bulk FIT decoder gives exactly what the fitparse reference gives.

* Every shared real FIT file (and files built with tests/ingest/fit/builders.py): identical
  :class:`FitMessages` (same messages, fields, dtypes, shapes, values with NaN == NaN, same
  ``_index``) or the same error class; and identical ``daily``/``sessions`` tables.
* Hand-built byte streams (``struct.pack``) for the hard parts of the format: compressed
  timestamps, big-endian definitions, developer fields, invalid values per base type, array
  padding, CRCs, truncation, chained files, odd field sizes, strings.

fitparse is slow (~30 s CPU over the shared corpus; the whole module takes ~33 s on 2 cores),
so each real file is decoded by it once per session (``_reference``) and its tables are
extracted from that decode (``read_fit(backend="reference")`` is exactly that; pinned below).
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from fitparse.records import Crc
from readiness.ingest.errors import (
    ChecksumError,
    CorruptFileError,
    EmptyFileError,
    IngestError,
    TruncatedFileError,
    UnsupportedFormatError,
)
from readiness.ingest.fit.bulk.decoder import BulkDecoder
from readiness.ingest.fit.bulk.walk import crc16
from readiness.ingest.fit.messages import FIT_EPOCH_OFFSET, WANTED, FitMessages
from readiness.ingest.fit.profile import wanted_messages
from readiness.ingest.fit.reading import extract, read_fit
from readiness.ingest.fit.reference import ReferenceDecoder
from readiness.ingest.options import ReadOptions

from tests.conftest import SAMPLE_DATA, SHARED, shared_dir

FIT_DIR = SHARED / "fit"
OPTIONS = ReadOptions(tz=ZoneInfo("Europe/Berlin"))


# --------------------------------------------------------------------------- comparison


def assert_same(ref: FitMessages, bulk: FitMessages) -> None:
    """Same message names, same fields, same dtype/shape, equal values (NaN == NaN)."""
    assert sorted(bulk.messages) == sorted(ref.messages)
    for name, rcols in ref.messages.items():
        bcols = bulk.messages[name]
        assert sorted(bcols) == sorted(rcols), name
        for field, rc in rcols.items():
            bc = bcols[field]
            where = f"{ref.file}: {name}.{field}"
            assert bc.dtype == rc.dtype, where
            assert bc.shape == rc.shape, where
            if rc.dtype == object:
                assert bc.tolist() == rc.tolist(), where
            else:
                np.testing.assert_array_equal(bc, rc, err_msg=where)


def decode_both(data: bytes, name: str = "t.fit") -> tuple[Any, Any]:
    """Each backend's FitMessages, or the IngestError it raised."""
    out: list[Any] = []
    for decoder in (ReferenceDecoder(), BulkDecoder()):
        try:
            out.append(decoder.decode(data, name))
        except IngestError as exc:
            out.append(exc)
    return out[0], out[1]


def same_outcome(data: bytes, name: str = "t.fit") -> FitMessages:
    """Assert both backends agree on ``data``; return the bulk result (it must decode)."""
    ref, bulk = decode_both(data, name)
    if isinstance(ref, IngestError) or isinstance(bulk, IngestError):
        raise AssertionError(f"reference: {ref!r}; bulk: {bulk!r}")
    assert_same(ref, bulk)
    return bulk  # type: ignore[no-any-return]


def same_error(data: bytes, expected: type[IngestError]) -> IngestError:
    """Assert both backends raise ``expected`` (exactly that class); return the bulk error."""
    ref, bulk = decode_both(data)
    assert type(ref) is expected, repr(ref)
    assert type(bulk) is expected, repr(bulk)
    assert bulk.file == "t.fit"
    assert bulk.offset is not None
    return bulk  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- real files


def _real_files() -> list[Path]:
    if not FIT_DIR.is_dir():
        return []
    return sorted(p for p in FIT_DIR.iterdir() if p.suffix.lower() == ".fit")


@cache
def _reference(path: Path) -> FitMessages | IngestError:
    """fitparse's decode of one real file, once per session (it is the slow part)."""
    try:
        return ReferenceDecoder().decode(path.read_bytes(), path.name)
    except IngestError as exc:
        return exc


def _tables_equal(a: Any, b: Any, where: str) -> None:
    pd.testing.assert_frame_equal(a.daily, b.daily, obj=f"{where} daily")
    pd.testing.assert_frame_equal(a.sessions, b.sessions, obj=f"{where} sessions")


@pytest.mark.slow
@pytest.mark.parametrize("path", _real_files(), ids=lambda p: p.name)
def test_real_file_same_messages_and_tables(path: Path) -> None:
    shared_dir("fit")
    data = path.read_bytes()
    ref = _reference(path)
    try:
        bulk: FitMessages | IngestError = BulkDecoder().decode(data, path.name)
    except IngestError as exc:
        bulk = exc
    if isinstance(ref, IngestError) or isinstance(bulk, IngestError):
        assert type(bulk) is type(ref), f"reference: {ref!r}; bulk: {bulk!r}"
        return
    assert_same(ref, bulk)
    try:
        via_bulk = read_fit(io.BytesIO(data), path.name, OPTIONS, backend="bulk")
    except IngestError as exc:
        with pytest.raises(type(exc)):
            extract(ref, OPTIONS)
        return
    _tables_equal(extract(ref, OPTIONS), via_bulk, path.name)


def test_real_corpus_is_present_and_large() -> None:
    """Guard: the parametrized test above really ran over the corpus."""
    shared_dir("fit")
    assert len(_real_files()) >= 90


def test_read_fit_reference_backend_is_extract_of_reference_decode() -> None:
    """Pins what the corpus test relies on: read_fit(reference) == extract(ReferenceDecoder)."""
    path = shared_dir("fit") / "fitdatawhiz__sleep1.fit"
    if not path.is_file():
        pytest.skip(f"{path.name} not in the shared fixtures")
    data = path.read_bytes()
    direct = read_fit(io.BytesIO(data), path.name, OPTIONS, backend="reference")
    ref = _reference(path)
    assert isinstance(ref, FitMessages)
    _tables_equal(extract(ref, OPTIONS), direct, path.name)
    assert len(direct.daily) >= 1


def _generated() -> list[tuple[str, bytes]]:
    from tests.ingest.fit.builders import (
        Activity,
        MonitoringDay,
        hrv_status_file,
        sleep_file,
    )

    t0 = 1_700_000_000.0
    records = [(t0 + i, 120 + i % 30 if i % 7 else None) for i in range(0, 600, 5)]
    activity = Activity(start=t0, records=records, rr_s=[0.5 + 0.01 * i for i in range(23)])
    monitoring = MonitoringDay(
        start=t0,
        local_offset_s=3600,
        states=[(0, 8, 0, None, None), (30, 6, 2, 200.0, 600.0), (90, 1, 3, 900.0, 1500.0)],
        hr=[(m, 50 + m % 20) for m in range(0, 600, 3)],
        stress=[(m, (m % 90) - 2) for m in range(0, 600, 3)],
        respiration=[(m, 12.5 + (m % 5)) for m in range(0, 600, 3)],
        rhr=(48, 50),
        summary=[("walking", 5000.0, 3600.0), ("running", 2000.0, 900.0)],
    )
    night = [(t0 + 60 * i, ("light", "deep", "rem", "awake")[i % 4]) for i in range(12)]
    return [
        ("activity.fit", activity.build()),
        ("monitoring.fit", monitoring.build()),
        ("sleep.fit", sleep_file(night, 81)),
        ("hrv_status.fit", hrv_status_file(t0, 62.0, 58.5, [60.0, 64.5, 61.25])),
    ]


def _sample_data() -> list[tuple[str, bytes]]:
    """The first two files of each kind in sample_data/fit (generated by the project)."""
    root = SAMPLE_DATA / "fit"
    if not root.is_dir():
        return []
    out = []
    for kind in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(kind.glob("*.fit"))[:2]:
            out.append((path.name, path.read_bytes()))
    return out


def test_generated_files_same_messages_and_tables() -> None:
    for name, data in _generated() + _sample_data():
        bulk = same_outcome(data, name)
        ref = ReferenceDecoder().decode(data, name)
        assert sum(bulk.count(m) for m in bulk.messages) > 3
        _tables_equal(
            extract(ref, OPTIONS), read_fit(io.BytesIO(data), name, OPTIONS, backend="bulk"), name
        )


def test_crc_matches_fitparse_on_real_bytes() -> None:
    """anycrc's CRC-16/ARC is the FIT CRC: same value as fitparse's nibble table."""
    assert crc16(b"123456789") == 0xBB3D  # the CRC-16/ARC check value
    rng = np.random.default_rng(7)
    blobs = [rng.integers(0, 256, n, dtype=np.uint8).tobytes() for n in (1, 2, 13, 4096)]
    for path in _real_files()[:6]:
        blobs.append(path.read_bytes()[:20_000])
    for blob in blobs:
        assert crc16(blob) == Crc.calculate(blob)


def test_every_wanted_field_is_in_the_profile() -> None:
    specs = {s.name: s for s in wanted_messages().values()}
    assert set(specs) == set(WANTED)
    for name, fields in WANTED.items():
        assert tuple(f.name for f in specs[name].fields) == fields


# --------------------------------------------------------------------------- hand-built bytes

# Base type numbers (FIT spec).
ENUM, SINT8, UINT8, SINT16, UINT16, SINT32, UINT32, STRING = 0, 1, 2, 0x83, 0x84, 0x85, 0x86, 7
FLOAT32, FLOAT64, UINT8Z, UINT16Z, UINT32Z, BYTE = 0x88, 0x89, 0x0A, 0x8B, 0x8C, 0x0D
SINT64, UINT64, UINT64Z = 0x8E, 0x8F, 0x90
FMT = {ENUM: "B", SINT8: "b", UINT8: "B", SINT16: "h", UINT16: "H", SINT32: "i", UINT32: "I"}
FMT |= {FLOAT32: "f", FLOAT64: "d", UINT8Z: "B", UINT16Z: "H", UINT32Z: "I", BYTE: "B"}
FMT |= {SINT64: "q", UINT64: "Q", UINT64Z: "Q"}

T0 = 1_000_000_000  # a FIT timestamp (2021-09-09)


def definition(
    local: int,
    mesg: int,
    fields: Sequence[tuple[int, int, int]],
    *,
    big: bool = False,
    dev: Sequence[tuple[int, int, int]] = (),
) -> bytes:
    """A definition record: fields are (number, size, base type); dev are (number, size, index)."""
    header = 0x40 | local | (0x20 if dev else 0)
    out = struct.pack(">BBBHB" if big else "<BBBHB", header, 0, int(big), mesg, len(fields))
    out += b"".join(struct.pack("BBB", *f) for f in fields)
    if dev:
        out += bytes([len(dev)]) + b"".join(struct.pack("BBB", *f) for f in dev)
    return out


def data(local: int, payload: bytes) -> bytes:
    return bytes([local]) + payload


def compressed(local: int, offset: int, payload: bytes) -> bytes:
    return bytes([0x80 | (local << 5) | offset]) + payload


def fit_file(*records: bytes, header_crc: bool = True, zero_header_crc: bool = False) -> bytes:
    """A complete FIT file (14-byte header, file CRC) around the records."""
    body = b"".join(records)
    head = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    hcrc = 0 if zero_header_crc else Crc.calculate(head)
    if not header_crc:
        hcrc ^= 0x5555
    head += struct.pack("<H", hcrc)
    return head + body + struct.pack("<H", Crc.calculate(head + body))


FILE_ID = definition(0, 0, [(0, 1, ENUM), (1, 2, UINT16), (4, 4, UINT32)])
FILE_ID_DATA = data(0, struct.pack("<BHI", 4, 1, T0))  # activity, garmin


def test_compressed_timestamp_headers_roll_over() -> None:
    rec = definition(1, 20, [(253, 4, UINT32), (3, 1, UINT8)])
    hr_only = definition(2, 20, [(3, 1, UINT8)])
    t = T0 + 30  # T0 ≡ 0 (mod 32), so t & 31 = 30
    blob = fit_file(
        FILE_ID,
        FILE_ID_DATA,
        rec,
        data(1, struct.pack("<IB", t, 100)),
        hr_only,
        compressed(2, 31, b"\x65"),  # +1 s
        compressed(2, 3, b"\x66"),  # 3 < 31: rolls over to the next 32 s
        compressed(2, 3, b"\xff"),  # same second again, HR invalid
        data(1, struct.pack("<IB", t + 100, 104)),
        compressed(2, (t + 102) & 31, b"\x67"),
    )
    msgs = same_outcome(blob)
    rec_cols = msgs.messages["record"]
    expected = np.array([t, t + 1, t + 5, t + 5, t + 100, t + 102], dtype=float) + FIT_EPOCH_OFFSET
    np.testing.assert_array_equal(rec_cols["timestamp"], expected)
    np.testing.assert_array_equal(rec_cols["heart_rate"], [100, 101, 102, np.nan, 104, 103])
    assert rec_cols["_index"].tolist() == [1, 2, 3, 4, 5, 6]


def test_big_endian_definition() -> None:
    session = definition(
        1, 18, [(253, 4, UINT32), (7, 4, UINT32), (35, 2, UINT16), (168, 4, SINT32)], big=True
    )
    blob = fit_file(
        FILE_ID, FILE_ID_DATA, session, data(1, struct.pack(">IIHi", T0, 3_600_500, 1234, -65536))
    )
    cols = same_outcome(blob).messages["session"]
    assert cols["timestamp"].tolist() == [T0 + FIT_EPOCH_OFFSET]
    assert cols["total_elapsed_time"].tolist() == [3600.5]
    assert cols["training_stress_score"].tolist() == [123.4]
    assert cols["training_load_peak"].tolist() == [-1.0]


def test_developer_fields_are_stepped_over() -> None:
    dev_id = definition(1, 207, [(3, 1, UINT8)])
    descr = definition(2, 206, [(0, 1, UINT8), (1, 1, UINT8), (2, 1, UINT8), (3, 8, STRING)])
    rec = definition(3, 20, [(253, 4, UINT32)], dev=[(0, 2, 0), (1, 3, 0)])
    rec2 = definition(4, 20, [(3, 1, UINT8)], dev=[(7, 1, 0)])  # field 7 never described
    blob = fit_file(
        FILE_ID,
        FILE_ID_DATA,
        dev_id,
        data(1, b"\x00"),
        descr,
        data(2, bytes([0, 0, UINT16]) + b"power\x00\x00\x00"),
        data(2, bytes([0, 1, UINT8]) + b"three\x00\x00\x00"),
        rec,
        data(3, struct.pack("<I", T0) + b"\x10\x00" + b"\xaa\xbb\xcc"),
        data(3, struct.pack("<I", T0 + 1) + b"\x11\x00" + b"\xaa\xbb\xcc"),
        rec2,
        data(4, b"\x8c" + b"\x01"),
    )
    cols = same_outcome(blob).messages["record"]
    assert cols["timestamp"].tolist()[:2] == [T0 + FIT_EPOCH_OFFSET, T0 + 1 + FIT_EPOCH_OFFSET]
    np.testing.assert_array_equal(cols["heart_rate"], [np.nan, np.nan, 140])
    assert cols["_index"].tolist() == [4, 5, 6]


#: Base type → (a valid raw value, the invalid raw value) for record.heart_rate.
INVALID = {
    SINT8: (-5, 0x7F),
    UINT8: (200, 0xFF),
    ENUM: (7, 0xFF),
    SINT16: (-300, 0x7FFF),
    UINT16: (300, 0xFFFF),
    SINT32: (-70000, 0x7FFFFFFF),
    UINT32: (70000, 0xFFFFFFFF),
    UINT8Z: (9, 0),
    UINT16Z: (9, 0),
    UINT32Z: (9, 0),
    SINT64: (-(2**40), 2**63 - 1),
    UINT64: (2**40, 2**64 - 1),
    UINT64Z: (2**40, 0),
    FLOAT32: (1.5, math.nan),
    FLOAT64: (-2.25, math.nan),
}


@pytest.mark.parametrize("base", sorted(INVALID), ids=lambda b: f"0x{b:02X}")
def test_invalid_value_masking_per_base_type(base: int) -> None:
    valid, invalid = INVALID[base]
    fmt = FMT[base]
    size = struct.calcsize(fmt)
    rec = definition(1, 20, [(3, size, base)])
    blob = fit_file(
        FILE_ID,
        FILE_ID_DATA,
        rec,
        data(1, struct.pack("<" + fmt, valid)),
        data(1, struct.pack("<" + fmt, invalid)),
    )
    hr = same_outcome(blob).messages["record"]["heart_rate"]
    np.testing.assert_array_equal(hr, [float(valid), np.nan])


def test_byte_fields_and_sizes_that_do_not_fit_their_type() -> None:
    """COROS writes uint32 fields with size 1: read as bytes, like fitparse (and warned)."""
    rec = definition(1, 20, [(253, 1, UINT32), (3, 2, BYTE)])
    blob = fit_file(
        FILE_ID,
        FILE_ID_DATA,
        rec,
        data(1, b"\x05" + b"\x01\x02"),
        data(1, b"\xff" + b"\xff\xff"),
        data(1, b"\x07" + b"\xff\x00"),
    )
    bulk = same_outcome(blob)
    cols = bulk.messages["record"]
    np.testing.assert_array_equal(
        cols["timestamp"], [5 + FIT_EPOCH_OFFSET, np.nan, 7 + FIT_EPOCH_OFFSET]
    )
    np.testing.assert_array_equal(cols["heart_rate"], [0x0201, np.nan, 0x00FF])
    assert any("not a multiple" in w.message for w in bulk.warnings)


def test_array_fields_are_padded_with_nan() -> None:
    five = definition(1, 78, [(0, 10, UINT16)])
    three = definition(2, 78, [(0, 6, UINT16)])
    one = definition(3, 78, [(0, 2, UINT16)])
    blob = fit_file(
        FILE_ID,
        FILE_ID_DATA,
        five,
        data(1, struct.pack("<5H", 600, 610, 0xFFFF, 0xFFFF, 0xFFFF)),
        three,
        data(2, struct.pack("<3H", 700, 0xFFFF, 720)),
        one,
        data(3, struct.pack("<H", 800)),
        data(1, struct.pack("<5H", 601, 602, 603, 604, 605)),
    )
    time = same_outcome(blob).messages["hrv"]["time"]
    nan = np.nan
    expected = [
        [0.6, 0.61, nan, nan, nan],
        [0.7, nan, 0.72, nan, nan],
        [0.8, nan, nan, nan, nan],
        [0.601, 0.602, 0.603, 0.604, 0.605],
    ]
    np.testing.assert_array_equal(time, expected)


def test_strings_enums_and_absent_fields() -> None:
    info = definition(1, 23, [(253, 4, UINT32), (2, 2, UINT16), (27, 12, STRING), (0, 1, UINT8)])
    payload1 = struct.pack("<IH", T0, 1) + b"Edge 530\x00\x00\x00\x00" + b"\x00"
    payload2 = struct.pack("<IH", T0, 65000) + "Sonde ä".encode() + b"\x00" * 4 + b"\x07"
    payload3 = struct.pack("<IH", T0, 0xFFFF) + b"\x00" * 12 + b"\xff"
    blob = fit_file(
        FILE_ID, FILE_ID_DATA, info, data(1, payload1), data(1, payload2), data(1, payload3)
    )
    cols = same_outcome(blob).messages["device_info"]
    assert cols["manufacturer"].tolist() == ["garmin", "65000", None]
    assert cols["product_name"].tolist() == ["Edge 530", "Sonde ä", None]
    assert cols["device_index"].tolist() == ["creator", "7", None]
    assert np.isnan(cols["product"]).all()  # not defined in this file: all invalid


def test_chained_files_continue_the_message_index() -> None:
    rec = definition(1, 20, [(253, 4, UINT32), (3, 1, UINT8)])
    first = fit_file(FILE_ID, FILE_ID_DATA, rec, data(1, struct.pack("<IB", T0, 90)))
    second = fit_file(
        rec, data(1, struct.pack("<IB", T0 + 1, 91)), data(1, struct.pack("<IB", T0 + 2, 92))
    )
    cols = same_outcome(first + second).messages["record"]
    assert cols["heart_rate"].tolist() == [90.0, 91.0, 92.0]
    assert cols["_index"].tolist() == [1, 2, 3]


def test_header_crc_zero_is_allowed_and_a_wrong_one_is_not() -> None:
    rec = definition(1, 20, [(3, 1, UINT8)])
    same_outcome(fit_file(FILE_ID, FILE_ID_DATA, rec, data(1, b"\x50"), zero_header_crc=True))
    err = same_error(fit_file(FILE_ID, FILE_ID_DATA, header_crc=False), ChecksumError)
    assert err.offset == 12


def test_file_crc_mismatch() -> None:
    blob = bytearray(fit_file(FILE_ID, FILE_ID_DATA))
    blob[-1] ^= 0x01
    err = same_error(bytes(blob), ChecksumError)
    assert err.offset == len(blob) - 2
    blob = bytearray(fit_file(FILE_ID, FILE_ID_DATA))
    blob[20] ^= 0x40  # a data byte changed: same length, CRC no longer matches
    same_error(bytes(blob), ChecksumError)


def test_truncation_mid_record_and_mid_crc() -> None:
    rec = definition(1, 20, [(253, 4, UINT32), (3, 1, UINT8)])
    whole = fit_file(FILE_ID, FILE_ID_DATA, rec, data(1, struct.pack("<IB", T0, 90)))
    record_start = len(whole) - 2 - 6
    err = same_error(whole[: record_start + 3], TruncatedFileError)
    assert err.offset == record_start
    same_error(whole[:-1], TruncatedFileError)
    same_error(whole[:11], TruncatedFileError)
    same_error(whole[:16], EmptyFileError)  # a header and nothing after it
    same_error(b"", EmptyFileError)


def test_undefined_local_message_and_zero_size_field() -> None:
    err = same_error(fit_file(FILE_ID, FILE_ID_DATA, data(5, b"\x00")), CorruptFileError)
    assert err.offset == 14 + len(FILE_ID) + len(FILE_ID_DATA)
    zero = definition(1, 20, [(3, 0, UINT8)])
    same_error(fit_file(FILE_ID, FILE_ID_DATA, zero, data(1, b"")), CorruptFileError)


def test_not_fit_and_chained_garbage() -> None:
    same_error(b"\x0e\x20" + b"\x00" * 6 + b".TXT" + b"\x00" * 8, UnsupportedFormatError)
    good = fit_file(FILE_ID, FILE_ID_DATA)
    same_error(good + b"\x0e" + b"\x00" * 13, CorruptFileError)  # no '.FIT' in the 2nd header
    same_error(good + b"\x0e\x20", TruncatedFileError)


def test_zero_size_field_after_the_end_of_the_file_is_truncation() -> None:
    """fitparse reads fields in order: when the file ends first, that is what it reports."""
    zero = definition(1, 20, [(3, 1, UINT8), (4, 0, UINT8)])
    whole = fit_file(FILE_ID, FILE_ID_DATA, zero, data(1, b"\x50"))
    same_error(whole, CorruptFileError)
    same_error(whole[:-3], TruncatedFileError)  # cut after the record header


def test_compressed_header_after_a_timestamp_read_as_bytes_is_refused() -> None:
    """fitparse keeps a byte-typed timestamp as a tuple and cannot roll it forward."""
    rec = definition(1, 20, [(253, 3, UINT32)])  # size 3: read as bytes
    hr = definition(2, 20, [(3, 1, UINT8)])
    blob = fit_file(
        FILE_ID, FILE_ID_DATA, rec, data(1, b"\x01\x02\x03"), hr, compressed(2, 4, b"\x50")
    )
    same_error(blob, CorruptFileError)
    same_error(blob[:-3], CorruptFileError)  # fitparse fails there before it reaches the end
    # Without a compressed header the same file reads: the bytes as one little-endian number.
    cols = same_outcome(fit_file(FILE_ID, FILE_ID_DATA, rec, data(1, b"\x01\x02\x03")))
    assert cols.messages["record"]["timestamp"].tolist() == [0x030201 + FIT_EPOCH_OFFSET]


def test_odd_sized_field_unknown_to_the_profile_is_refused_like_fitparse() -> None:
    """fitparse crashes on it (its warning needs the field's name); both backends refuse."""
    odd = definition(1, 20, [(250, 3, UINT16), (3, 1, UINT8)])
    err = same_error(
        fit_file(FILE_ID, FILE_ID_DATA, odd, data(1, b"\x01\x02\x03\x50")), CorruptFileError
    )
    assert err.offset == 14 + len(FILE_ID) + len(FILE_ID_DATA)
    unknown_message = definition(1, 0xFF00, [(1, 3, UINT16)])
    same_error(fit_file(FILE_ID, FILE_ID_DATA, unknown_message), CorruptFileError)
    # The bad field is complete, the definition is not: fitparse still fails on the field first.
    whole = fit_file(FILE_ID, FILE_ID_DATA, odd)
    same_error(whole[: len(whole) - 2 - 1], CorruptFileError)  # the last field is cut
    same_error(whole[: len(whole) - 2 - 4], TruncatedFileError)  # the odd field is cut
    # A profile field with such a size is read as bytes instead (see the COROS test above).
    same_outcome(fit_file(FILE_ID, FILE_ID_DATA, definition(1, 20, [(3, 3, UINT16)])))


DEV_ID = definition(1, 207, [(3, 1, UINT8)])
DESCR = definition(2, 206, [(0, 1, UINT8), (1, 1, UINT8), (2, 1, UINT8)])


def test_developer_fields_are_read_as_their_description_says_like_fitparse() -> None:
    """A developer field described as uint16 but declared 3 bytes: fitparse reads 2 of them."""
    rec = definition(3, 20, [(3, 1, UINT8)], dev=[(0, 3, 0)])
    blob = fit_file(
        FILE_ID,
        FILE_ID_DATA,
        DEV_ID,
        data(1, b"\x00"),
        DESCR,
        data(2, bytes([0, 0, UINT16])),
        rec,
        data(3, b"\x50" + b"\x01\x02"),  # what fitparse reads: heart rate + one uint16
        data(3, b"\x51" + b"\x03\x04"),
    )
    cols = same_outcome(blob).messages["record"]
    assert cols["heart_rate"].tolist() == [80.0, 81.0]
    # A developer_data_id resets the descriptions: the field is read as its 3 declared bytes.
    reset = fit_file(
        FILE_ID,
        FILE_ID_DATA,
        DEV_ID,
        data(1, b"\x00"),
        DESCR,
        data(2, bytes([0, 0, UINT16])),
        data(1, b"\x00"),
        rec,
        data(3, b"\x50" + b"\x01\x02\x03"),
    )
    assert same_outcome(reset).messages["record"]["heart_rate"].tolist() == [80.0]


def test_developer_data_fitparse_cannot_read_is_refused() -> None:
    rec = definition(3, 20, [(3, 1, UINT8)], dev=[(0, 1, 0)])
    start = [FILE_ID, FILE_ID_DATA, DEV_ID, data(1, b"\x00"), DESCR]
    # A one-byte developer field described as uint32: fitparse reads 0 values and fails.
    too_small = fit_file(*start, data(2, bytes([0, 0, UINT32])), rec, data(3, b"\x50\x01"))
    same_error(too_small, CorruptFileError)
    # An unknown base type in a field_description.
    same_error(fit_file(*start, data(2, bytes([0, 0, 0x33]))), CorruptFileError)
    # No usable developer_data_index (0xFF is invalid).
    same_error(fit_file(*start, data(2, bytes([0xFF, 0, UINT8]))), CorruptFileError)
    # The file ends inside a field_description: fitparse applies what it read, and fails.
    cut = fit_file(*start, data(2, bytes([0, 0, UINT8])))
    same_error(cut[:-3], CorruptFileError)
