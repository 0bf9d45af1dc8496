"""Zips: recursion, caps against zip bombs, path escapes, ignored and broken members."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pytest
from readiness.api.cli import ingest as cli_ingest
from readiness.ingest import (
    ArchiveError,
    IngestResult,
    ReadOptions,
    UnsupportedFormatError,
    read_bytes,
    read_path,
)
from readiness.ingest.containers import zip as archive_mod

from tests.conftest import shared_dir

CSV = b"date,resting_hr_bpm,hrv_rmssd_ms\n2026-01-01,50,60\n2026-01-02,51,58\n"
HRV = b"timestamp,rmssd,nremhr,entropy\n2024-07-21T00:00:00,29.232,49.623,2.472\n"


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buf.getvalue()


def test_members_are_read_and_merged() -> None:
    res = read_bytes(make_zip({"a/daily.csv": CSV, "b/hrv.csv": HRV}), "x.zip")
    assert len(res.daily) == 3
    assert res.daily.set_index("date").loc["2024-07-21", "hrv_rmssd_ms"] == pytest.approx(29.232)


def test_members_are_judged_by_the_injected_detector() -> None:
    seen: list[bytes] = []

    class _Format:
        def read(self, stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
            return read_bytes(stream.read(), name, options)

    def detect(head: bytes) -> _Format | None:
        seen.append(head)
        return _Format() if head.startswith(b"date,") else None

    detector = archive_mod.Detector(detect=detect, head_bytes=5)
    data = make_zip({"inner.zip": make_zip({"a.csv": CSV}), "b.csv": HRV})
    res = archive_mod.read_zip(io.BytesIO(data), "x.zip", ReadOptions(), detector=detector)
    assert len(res.daily) == 2
    assert seen == [b"times", b"date,"]  # heads of head_bytes; the nested zip is walked
    assert any("1 member(s) of unsupported formats: b.csv" in w.message for w in res.warnings)


def test_nested_zips_are_read() -> None:
    inner = make_zip({"deep/hrv.csv": HRV})
    middle = make_zip({"inner.zip": inner, "daily.csv": CSV})
    res = read_bytes(make_zip({"middle.zip": middle}), "outer.zip")
    assert len(res.daily) == 3


def test_nesting_deeper_than_the_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_mod, "MAX_DEPTH", 2)
    data = make_zip({"a.zip": make_zip({"b.zip": make_zip({"c.csv": CSV})})})
    with pytest.raises(ArchiveError, match="nested"):
        read_bytes(data, "outer.zip")


def test_macosx_hidden_and_unsupported_members() -> None:
    data = make_zip(
        {
            "apple_health_export/.DS_Store": b"\x00\x00\x00\x01Bud1" + b"\0" * 100,
            "__MACOSX/apple_health_export/._daily.csv": b"\x00\x05\x16\x07" + b"\0" * 60,
            "daily.csv": CSV,
            "notes.txt": b"hello",
            "photo.jpg": b"\xff\xd8\xff\xe0" + b"\0" * 50,
        }
    )
    res = read_bytes(data, "x.zip")
    assert len(res.daily) == 2
    summary = [w for w in res.warnings if "unsupported" in w.message]
    assert len(summary) == 1 and summary[0].count == 2
    assert "notes.txt" in summary[0].message and "photo.jpg" in summary[0].message
    assert not any("DS_Store" in w.message or "MACOSX" in w.message for w in res.warnings)


def test_broken_known_member_is_a_warning_naming_it() -> None:
    broken = b'[{"logId": 1, "dateOfSleep": "2020-01-01", "startTime": "2020-'
    res = read_bytes(make_zip({"daily.csv": CSV, "Fitbit/sleep-2020-01-01.json": broken}), "t.zip")
    assert len(res.daily) == 2
    named = [w for w in res.warnings if "sleep-2020-01-01.json" in w.file]
    assert len(named) == 1 and "broken" in named[0].message


def test_only_unsupported_members_is_an_error() -> None:
    with pytest.raises(UnsupportedFormatError, match="no supported export"):
        read_bytes(make_zip({"a.txt": b"hello"}), "x.zip")


@pytest.mark.parametrize("bad", ["../evil.csv", "/etc/daily.csv", "a/../../evil.csv", "C:/x.csv"])
def test_paths_escaping_the_archive_are_refused(bad: str) -> None:
    with pytest.raises(ArchiveError, match="escapes") as info:
        read_bytes(make_zip({"ok.csv": CSV, bad: CSV}), "evil.zip")
    assert info.value.file == "evil.zip"


def test_zip_bomb_ratio_is_refused() -> None:
    bomb = make_zip({"daily.csv": CSV + b"0" * (4 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024  # it really is a bomb: >60× smaller than it expands
    with pytest.raises(ArchiveError, match="expands"):
        read_bytes(bomb, "bomb.zip")


def test_total_size_and_member_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_zip({f"d{i}.csv": CSV for i in range(5)})
    monkeypatch.setattr(archive_mod, "MAX_MEMBERS", 4)
    with pytest.raises(ArchiveError, match="members"):
        read_bytes(data, "many.zip")
    monkeypatch.setattr(archive_mod, "MAX_MEMBERS", 100)
    monkeypatch.setattr(archive_mod, "MAX_TOTAL_BYTES", 3 * len(CSV))
    with pytest.raises(ArchiveError, match="expands to more than"):
        read_bytes(data, "big.zip")


def test_nested_members_count_against_the_same_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_mod, "MAX_MEMBERS", 4)
    inner = make_zip({f"d{i}.csv": CSV for i in range(3)})
    with pytest.raises(ArchiveError, match="members"):
        read_bytes(make_zip({"a.zip": inner, "b.zip": inner}), "nested.zip")


def test_unreadable_zip_is_an_archive_error() -> None:
    with pytest.raises(ArchiveError, match="unreadable"):
        read_bytes(b"PK\x03\x04" + b"\x00" * 200, "broken.zip")


def test_broken_nested_zip_is_a_warning() -> None:
    res = read_bytes(make_zip({"daily.csv": CSV, "inner.zip": b"PK\x03\x04garbage"}), "x.zip")
    assert len(res.daily) == 2
    assert any("inner.zip" in w.file for w in res.warnings)


def test_member_larger_than_declared_is_refused() -> None:
    """A member whose header understates its size is cut off, never read past its claim."""
    data = bytearray(make_zip({"daily.csv": CSV}, method=zipfile.ZIP_STORED))
    # Shrink the declared uncompressed size in the central directory (and local header).
    for sig in (b"PK\x01\x02", b"PK\x03\x04"):
        at = data.index(sig)
        size_at = at + (24 if sig == b"PK\x01\x02" else 22)
        data[size_at : size_at + 4] = (10).to_bytes(4, "little")
    # Only the 10 declared bytes are ever handed to a reader: no format recognises them.
    with pytest.raises((ArchiveError, UnsupportedFormatError)):
        read_bytes(bytes(data), "liar.zip")


def test_real_apple_export_zip_equals_its_xml() -> None:
    base = shared_dir("exports", "apple_health") / "alxdrcirilo_apple-health-parser"
    z = read_path(base / "export.zip", ReadOptions())
    x = read_path(base / "export.xml", ReadOptions())
    pd.testing.assert_frame_equal(z.daily, x.daily)
    assert not z.warnings  # __MACOSX/ and .DS_Store are ignored silently


def test_cli_progress_bar_on_stderr_only(tmp_path: Path) -> None:
    """With --progress: a bar on stderr; stdout stays one JSON document."""
    for i in range(3):
        (tmp_path / f"d{i}.csv").write_bytes(
            f"date,resting_hr_bpm\n2026-01-0{i + 1},5{i}\n".encode()
        )
    (tmp_path / "export.zip").write_bytes(make_zip({"hrv.csv": HRV}))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "readiness.api.cli",
            "ingest",
            str(tmp_path),
            "--json",
            "--progress",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert len(body["daily"]) == 4
    assert "reading" in out.stderr and "B/s" in out.stderr


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(3):
        (tmp_path / f"d{i}.csv").write_bytes(f"date,steps\n2026-01-0{i + 1},{i}\n".encode())
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    monkeypatch.setattr(cli_ingest, "MANY_FILES", 1)
    report = cli_ingest._read_all([tmp_path], ReadOptions(), None)
    assert len(report.result.daily) == 3 and pipe.getvalue() == ""


def test_progress_bar_auto_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for i in range(3):
        (tmp_path / f"d{i}.csv").write_bytes(f"date,steps\n2026-01-0{i + 1},{i}\n".encode())
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.setattr(cli_ingest, "MANY_FILES", 3)
    report = cli_ingest._read_all([tmp_path], ReadOptions(), None)
    assert len(report.result.daily) == 3 and "reading" in term.getvalue()
    monkeypatch.setattr(cli_ingest, "MANY_FILES", 4)  # few small files: no bar
    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    cli_ingest._read_all([tmp_path], ReadOptions(), None)
    assert quiet.getvalue() == ""
