"""Every ingest failure is an IngestError: a bounded slice of the fuzz corpus (``make fuzz``
runs the same harness much longer)."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from readiness.ingest import CorruptFileError, SchemaError, read_bytes

from tests.conftest import shared_dir
from tests.ingest.fuzz import corpus

#: Inputs in the CI slice (about 1 ms each on the real fixtures); FUZZ_COUNT overrides it.
CI_COUNT = int(os.environ.get("FUZZ_COUNT", "10000"))
CSV = b"date,resting_hr_bpm,hrv_rmssd_ms\n2026-01-01,50,60\n2026-01-02,51,58\n"


def test_no_exception_but_ingest_errors_escape_read_bytes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Only IngestErrors, no input slower than 2 s, and memory bounded: the peak RSS grows by
    at most MAX_RSS_GROWTH over the run, and no sampled input allocates more than
    MAX_INPUT_PEAK at its peak."""
    shared_dir("exports")  # skips without the real fixtures
    report = corpus.run(seed=1, count=CI_COUNT)
    with capsys.disabled():
        print(f"\nfuzz: {report.done} inputs; {report.summary()}")
    failures = report.failures
    assert report.done == CI_COUNT
    assert not failures, "\n".join(f"{f.seed} #{f.index}: {f.problem}" for f in failures[:20])
    assert report.slowest <= corpus.MAX_SECONDS
    assert report.traced >= CI_COUNT // corpus.TRACE_EVERY
    assert 0 < report.input_peak <= corpus.MAX_INPUT_PEAK
    if report.rss_growth is not None:
        assert report.rss_growth <= corpus.MAX_RSS_GROWTH


def test_the_corpus_is_reproducible_and_covers_every_kind_of_seed() -> None:
    shared_dir("exports")
    first = [(s.name, i, d) for s, i, d in corpus.inputs(7, 300)]
    assert first == [(s.name, i, d) for s, i, d in corpus.inputs(7, 300)]
    kinds = {s.name.rsplit(".", 1)[-1].lower() for s in corpus.seeds()}
    assert {"fit", "csv", "json", "xml", "zip"} <= kinds
    seeds = {s.name: s.data for s in corpus.seeds()}
    assert all(d != seeds[name] for name, _, d in first[:50])  # every input is mutated


@pytest.mark.parametrize("duration", ["inf", "nan", "1e309", "9999999999999:00:00"])
def test_garmin_activity_with_an_absurd_duration_is_read(duration: str) -> None:
    """Found by the fuzzer: ``inf`` seconds gave pandas' OutOfBoundsTimedelta (a 500)."""
    csv = (
        "Activity Type,Date,Title,Time,Avg HR,Max HR\n"
        f'Running,2022-04-18 10:31:59,"Run","{duration}","145","167"\n'
        'Running,2022-04-19 10:31:59,"Run","00:22:15","145","167"\n'
    )
    result = read_bytes(csv.encode(), "Activities.csv")
    assert len(result.sessions) == 2


def test_zip_member_with_an_offset_before_the_file_is_a_broken_member() -> None:
    """Found by the fuzzer: a header offset past the start gave zipfile's ValueError (a 500)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("daily.csv", CSV)
        zf.writestr("other.csv", CSV)
    data = bytearray(buf.getvalue())
    at = data.index(b"PK\x01\x02") + 42  # the first member's local header offset
    data[at : at + 4] = (0xF0000000).to_bytes(4, "little")
    result = read_bytes(bytes(data), "x.zip")
    assert len(result.daily) == 2
    assert any("daily.csv" in w.file and "broken" in w.message for w in result.warnings)


def test_xml_in_an_unknown_encoding_is_a_corrupt_file() -> None:
    """Found by the fuzzer: ``encoding="UTF-9"`` gave expat's LookupError (a 500)."""
    doc = b'<?xml version="1.0" encoding="UTF-9"?>\n<HealthData locale="en"></HealthData>\n'
    with pytest.raises(CorruptFileError, match="unknown encoding"):
        read_bytes(doc, "export.xml")


def test_garmin_activity_in_year_6018_is_a_schema_error() -> None:
    """Found by the fuzzer: a year pandas parses but cannot add nanoseconds to (a 500)."""
    csv = b'Activity Type,Date,Title,Time\nRunning,6018-03-16 10:39:57,"Run","00:22:15"\n'
    with pytest.raises(SchemaError, match="6018-03-16"):
        read_bytes(csv, "Activities.csv")
