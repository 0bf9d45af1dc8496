"""An ingest result names the format it was read as; merged results keep every format."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from readiness.ingest import IngestResult, merge, read_bytes, read_paths

CSV = b"date,resting_hr_bpm\n2026-01-01,50\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_one_file_names_its_format() -> None:
    result = read_bytes(CSV, "daily.csv")
    assert result.format == "generic_csv" and result.formats == ("generic_csv",)


def test_an_archive_is_one_file_of_format_zip() -> None:
    result = read_bytes(_zip({"a.csv": CSV, "b.csv": CSV}), "export.zip")
    assert result.format == "zip" and result.formats == ("zip",)


def test_merged_results_keep_every_format(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(CSV)
    (tmp_path / "b.zip").write_bytes(_zip({"c.csv": CSV}))
    report = read_paths([tmp_path])
    assert report.result.formats == ("generic_csv", "zip")
    assert report.result.format is None  # many files: no one format
    assert merge([IngestResult(), read_bytes(CSV, "x.csv")]).format == "generic_csv"
    assert IngestResult().format is None
