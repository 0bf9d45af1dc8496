"""read_paths: files vs folders, unsupported vs broken files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from readiness.ingest import (
    DAILY,
    CorruptFileError,
    IngestResult,
    UnsupportedFormatError,
    merge,
    normalize,
    read_paths,
)


def test_folder_skips_unsupported_files_with_one_warning(tmp_path: Path) -> None:
    (tmp_path / "daily.csv").write_text("date,resting_hr_bpm\n2026-01-01,50\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("my training diary", encoding="utf-8")
    (tmp_path / "script.py").write_text("print('hi')\n", encoding="utf-8")
    (tmp_path / ".hidden.csv").write_text("garbage", encoding="utf-8")
    report = read_paths([tmp_path])
    assert report.errors == ()
    assert report.result.daily["resting_hr_bpm"].tolist() == [50.0]
    skipped = [w for w in report.result.warnings if "skipped 2 file(s)" in w.message]
    assert len(skipped) == 1


def test_named_unsupported_file_is_an_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my training diary", encoding="utf-8")
    report = read_paths([notes])
    assert len(report.errors) == 1
    assert isinstance(report.errors[0], UnsupportedFormatError)


def test_broken_known_format_in_a_folder_is_still_an_error(tmp_path: Path) -> None:
    # A FIT header (".FIT" at bytes 8-11) whose data size points past the end of the file.
    header = bytes([14, 0x20, 0x5C, 0x08, 0xFF, 0xFF, 0, 0]) + b".FIT" + b"\x00\x00"
    (tmp_path / "broken.fit").write_bytes(header + b"\x40\x00")
    report = read_paths([tmp_path])
    assert len(report.errors) == 1
    assert isinstance(report.errors[0], CorruptFileError)
    assert report.errors[0].file == "broken.fit"


def test_partial_monitoring_files_of_one_day_keep_the_largest_totals() -> None:
    """Garmin writes several monitoring files a day, each with the day's running totals."""

    def day(steps: int, bout: float) -> IngestResult:
        frame, _ = normalize(
            DAILY,
            pd.DataFrame(
                {
                    "date": ["2026-01-01"],
                    "steps": [steps],
                    "longest_sedentary_bout_min": [bout],
                    "source": ["fit"],
                    "device": ["garmin fenix 6s"],
                }
            ),
            file="x.fit",
        )
        return IngestResult(daily=frame)

    morning, evening = day(3_000, 95.0), day(11_000, 60.0)
    for order in ([morning, evening], [evening, morning]):
        merged = merge(order).daily
        assert merged["steps"].tolist() == [11_000]
        assert merged["longest_sedentary_bout_min"].tolist() == [95.0]
