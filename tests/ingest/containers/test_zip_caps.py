"""The issue's zip-bomb probes, built in code: refused from the central directory, at once."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable

import pytest
from readiness.ingest import ArchiveError, check_archive, read_bytes
from readiness.ingest.containers import zip as archive_mod

from tests.conftest import shared_dir

CSV = b"date,resting_hr_bpm,hrv_rmssd_ms\n2026-01-01,50,60\n2026-01-02,51,58\n"


def deflated(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def empty_members_zip(count: int) -> bytes:
    """A zip of ``count`` empty stored members, written directly (zipfile would take seconds)."""
    local, central = bytearray(), bytearray()
    for i in range(count):
        name = f"m{i}.csv".encode()
        offset = len(local)
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0)
        local += name
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    n = min(count, 0xFFFF)  # the classic end record's count saturates; zipfile counts entries
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(central), len(local), 0)
    return bytes(local + central + end)


class _Opened:
    """Counts members opened for inflating: a refusal from the directory opens none."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = zipfile.ZipFile.open

        def spy(zf: zipfile.ZipFile, *args: object, **kwargs: object) -> object:
            self.count += 1
            return real(zf, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(zipfile.ZipFile, "open", spy)


def test_200_small_highly_compressed_members_are_refused_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    member = CSV + b"0" * (1024 * 1024 - 1 - len(CSV))  # each under 1 MiB
    bomb = deflated({f"day{i:03}.csv": member for i in range(200)})
    assert len(bomb) < 600 * 1024  # the issue's ~545 KB probe, expanding to ~200 MiB
    opened = _Opened(monkeypatch)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ArchiveError, match=r"cap MAX_RATIO 100×") as info:
            read_bytes(bomb, "bomb.zip")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert opened.count == 0, "no member may be inflated before the caps are checked"
    assert info.value.file == "bomb.zip"
    assert elapsed < 1.0
    assert peak < 32 * 1024 * 1024  # nowhere near the 200 MiB it expands to


def test_a_small_member_that_expands_too_much_is_refused() -> None:
    """The ratio is checked for every member: 64 KiB of zeros is no real export."""
    with pytest.raises(ArchiveError, match="MAX_RATIO"):
        read_bytes(deflated({"daily.csv": CSV + b"0" * 64 * 1024}), "small-bomb.zip")


def test_100001_members_are_refused_from_the_central_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = empty_members_zip(100_001)
    opened = _Opened(monkeypatch)
    started = time.perf_counter()
    with pytest.raises(ArchiveError, match=r"more than 50000 members \(cap MAX_MEMBERS\)"):
        read_bytes(data, "many.zip")
    assert opened.count == 0
    assert time.perf_counter() - started < 1.5


def test_zips_nested_deeper_than_the_cap_are_refused() -> None:
    data = deflated({"daily.csv": CSV})
    for level in range(archive_mod.MAX_DEPTH):
        data = deflated({f"level{level}.zip": data})
    with pytest.raises(ArchiveError, match=f"nested deeper than {archive_mod.MAX_DEPTH}"):
        read_bytes(data, "deep.zip")
    # One level fewer is the deepest tree accepted.
    ok = deflated({"daily.csv": CSV})
    for level in range(archive_mod.MAX_DEPTH - 1):
        ok = deflated({f"level{level}.zip": ok})
    assert len(read_bytes(ok, "nested.zip").daily) == 2


def _understate(data: bytes, size: int) -> bytes:
    """Shrink a single-member zip's declared uncompressed size in both headers."""
    out = bytearray(data)
    for sig, at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        pos = out.index(sig) + at
        out[pos : pos + 4] = size.to_bytes(4, "little")
    return bytes(out)


def test_a_deflated_member_inflating_past_its_declared_size_is_refused_by_the_guard() -> None:
    real = CSV * 200  # ~14 KB of text that deflates well, but well under the ratio cap
    liar = _understate(deflated({"daily.csv": real}), 4096)
    compressed = zipfile.ZipFile(io.BytesIO(liar)).infolist()[0].compress_size
    assert 4096 / compressed < archive_mod.MAX_RATIO  # the directory looks innocent
    with pytest.raises(ArchiveError, match="beyond its declared size of 4096 bytes"):
        read_bytes(liar, "liar.zip")


def test_the_guard_caps_bytes_actually_inflated(monkeypatch: pytest.MonkeyPatch) -> None:
    data = deflated({"a.csv": CSV, "b.csv": CSV})
    # The directory's total passes; the streaming count is the second line.
    monkeypatch.setattr(archive_mod, "MAX_TOTAL_BYTES", len(CSV) + 10)
    monkeypatch.setattr(archive_mod, "_check_caps", lambda *args: None)
    with pytest.raises(ArchiveError, match="inflates to more than"):
        read_bytes(data, "two.zip")


# check_archive: the same caps, from the central directories only (the API's upload check).


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: empty_members_zip(100_001), "cap MAX_MEMBERS"),
        (lambda: deflated({"daily.csv": CSV + b"0" * 64 * 1024}), "cap MAX_RATIO"),
        (lambda: deflated({"../escape.csv": CSV}), "escapes the archive"),
    ],
    ids=["members", "ratio", "path"],
)
def test_check_archive_refuses_from_the_directory_without_inflating(
    monkeypatch: pytest.MonkeyPatch, build: Callable[[], bytes], match: str
) -> None:
    stream = io.BytesIO(build())
    opened = _Opened(monkeypatch)
    with pytest.raises(ArchiveError, match=match):
        check_archive(stream, "upload.zip")
    assert opened.count == 0
    assert stream.tell() == 0


def test_check_archive_finds_a_cap_in_a_nested_zip() -> None:
    deep = deflated({"daily.csv": CSV})
    for level in range(archive_mod.MAX_DEPTH):
        deep = deflated({f"level{level}.zip": deep})
    with pytest.raises(ArchiveError, match=f"nested deeper than {archive_mod.MAX_DEPTH}"):
        check_archive(io.BytesIO(deep), "deep.zip")
    inner_bomb = deflated({"bomb.csv": CSV + b"0" * 64 * 1024})
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as zf:  # stored: the outer ratio is innocent
        zf.writestr("UploadedFiles_0.zip", inner_bomb)
    with pytest.raises(ArchiveError, match=r"UploadedFiles_0\.zip.*cap MAX_RATIO"):
        check_archive(io.BytesIO(outer.getvalue()), "export.zip")


def test_check_archive_passes_what_read_bytes_reads() -> None:
    nested = deflated({"daily.csv": CSV})
    for level in range(archive_mod.MAX_DEPTH - 1):
        nested = deflated({f"level{level}.zip": nested, "notes.txt": b"hello"})
    for data in (nested, deflated({"a.csv": CSV, "b.csv": CSV}), CSV, b""):
        stream = io.BytesIO(data)
        check_archive(stream, "fine.zip")
        assert stream.tell() == 0
    assert len(read_bytes(nested, "nested.zip").daily) == 2
    # An unreadable archive is refused as reading it would be.
    with pytest.raises(ArchiveError, match="unreadable zip"):
        check_archive(io.BytesIO(b"PK\x03\x04junk"), "junk.zip")


def test_check_archive_passes_the_real_exports() -> None:
    zips = sorted(shared_dir("exports").rglob("*.zip"))
    assert zips
    for path in zips:
        with path.open("rb") as fh:
            check_archive(fh, path.name)
