"""Broken FIT bytes → the right typed IngestError, naming the file and the byte offset."""

from __future__ import annotations

import struct

import pytest
from readiness.ingest.errors import (
    ChecksumError,
    CorruptFileError,
    EmptyFileError,
    IngestError,
    TruncatedFileError,
    UnsupportedFormatError,
)
from readiness.ingest.fit.reading import available_backends, decode_fit
from readiness.ingest.reader import read_bytes

from tests.ingest.fit.builders import Activity

BACKENDS = available_backends()


@pytest.fixture(scope="module")
def good() -> bytes:
    start = 1_714_804_200.0
    return Activity(start=start, records=[(start + i, 120 + i % 7) for i in range(120)]).build()


@pytest.mark.parametrize("backend", BACKENDS)
def test_good_file_decodes(good: bytes, backend: str) -> None:
    assert decode_fit(good, "ok.fit", backend).count("record") == 120


@pytest.mark.parametrize("backend", BACKENDS)
def test_truncated(good: bytes, backend: str) -> None:
    cut = good[:-40]
    with pytest.raises(TruncatedFileError) as info:
        decode_fit(cut, "cut.fit", backend)
    err = info.value
    assert err.file == "cut.fit"
    assert err.offset is not None and 14 <= err.offset <= len(cut)


@pytest.mark.parametrize("backend", BACKENDS)
def test_flipped_file_crc(good: bytes, backend: str) -> None:
    bad = good[:-1] + bytes([good[-1] ^ 0x5A])
    with pytest.raises(ChecksumError) as info:
        decode_fit(bad, "crc.fit", backend)
    assert info.value.file == "crc.fit"
    assert info.value.offset == len(good) - 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_flipped_header_crc(good: bytes, backend: str) -> None:
    bad = good[:12] + bytes([good[12] ^ 0x01]) + good[13:]
    with pytest.raises(ChecksumError) as info:
        decode_fit(bad, "hdr.fit", backend)
    assert info.value.offset == 12


@pytest.mark.parametrize("backend", BACKENDS)
def test_empty_and_header_only(good: bytes, backend: str) -> None:
    with pytest.raises(EmptyFileError) as info:
        decode_fit(b"", "empty.fit", backend)
    assert info.value.offset == 0 and info.value.file == "empty.fit"
    header = bytearray(good[:14])
    with pytest.raises(EmptyFileError) as info:
        decode_fit(bytes(header), "header.fit", backend)
    assert info.value.offset == 14
    struct.pack_into("<I", header, 4, 0)
    with pytest.raises(EmptyFileError):
        decode_fit(bytes(header), "header0.fit", backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_garbage(good: bytes, backend: str) -> None:
    with pytest.raises(UnsupportedFormatError) as info:
        decode_fit(b"PK\x03\x04 this is not a FIT file at all", "junk.fit", backend)
    assert info.value.offset == 8
    # a valid header followed by noise: some typed error, with an offset inside the file
    noise = bytes((i * 73 + 11) % 256 for i in range(400))
    with pytest.raises(CorruptFileError) as info2:
        decode_fit(good[:14] + noise, "noise.fit", backend)
    assert info2.value.offset is not None and 0 <= info2.value.offset <= 414


def test_reader_reports_typed_errors(good: bytes) -> None:
    for data, kind in (
        (b"", EmptyFileError),
        (good[:-1] + b"\x00", ChecksumError),
        (b"\x0e\x20" + b"\x00" * 20, UnsupportedFormatError),
    ):
        with pytest.raises(IngestError) as info:
            read_bytes(data, "x.fit")
        assert isinstance(info.value, kind)
        assert info.value.file == "x.fit"
