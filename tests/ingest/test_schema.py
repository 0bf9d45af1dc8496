from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from readiness.ingest import (
    CHECKINS,
    DAILY,
    SESSIONS,
    normalize,
)
from readiness.ingest.schema.casting import BOOL_FALSE, BOOL_TRUE, parse_bool
from readiness.ingest.schema.tables import describe

from tests.conftest import ROOT


def test_readme_nomenclature_mirrors_schema() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- nomenclature:start -->\n(.*?)\n<!-- nomenclature:end -->", readme, re.S
    )
    assert block is not None
    assert block.group(1).strip() == describe().strip()


def test_contract_column_names() -> None:
    assert DAILY.names[:3] == ["date", "hrv_rmssd_ms", "hrv_sdnn_ms"]
    for name in [
        "hrv_context",
        "resting_hr_bpm",
        "sleep_total_min",
        "sleep_in_bed_min",
        "sleep_efficiency_pct",
        "sleep_deep_min",
        "sleep_rem_min",
        "sleep_score",
        "sleep_start",
        "sleep_end",
        "respiratory_rate_bpm",
        "skin_temp_dev_c",
        "steps",
        "active_min",
        "sedentary_min",
        "longest_sedentary_bout_min",
        "monitoring_coverage_min",
        "stress_avg",
        "source",
        "device",
    ]:
        assert name in DAILY.names
    assert SESSIONS.names[:4] == ["start", "end", "date", "sport"]
    assert set(CHECKINS.names) >= {
        "date",
        "soreness",
        "stress",
        "stiffness",
        "pain",
        "pain_site",
        "sick",
        "fatigue",
        "mood",
        "sleep_quality",
    }


def test_normalize_drops_out_of_range_with_warning() -> None:
    raw = pd.DataFrame(
        {
            "date": ["2026-01-01", "2026-01-02", None],
            "resting_hr_bpm": [50, 400, 60],
            "hrv_context": ["nocturnal", "noon", None],
        }
    )
    frame, warnings = normalize(DAILY, raw, file="x.csv")
    assert list(frame.columns[: len(DAILY.names)]) == DAILY.names
    assert len(frame) == 2  # the keyless row is dropped
    assert frame["resting_hr_bpm"].tolist()[0] == 50
    assert np.isnan(frame["resting_hr_bpm"].tolist()[1])
    assert frame["hrv_context"].isna().tolist() == [False, True]
    messages = " | ".join(w.message for w in warnings)
    assert (
        "resting_hr_bpm" in messages and "hrv_context" in messages and "without a valid" in messages
    )
    assert str(frame["date"].dtype) == "datetime64[s]"
    assert str(frame["sleep_start"].dtype) == "datetime64[s, UTC]"


def test_one_boolean_parser_for_tables_and_vendor_cells() -> None:
    for text in ["true", "Yes", " y ", "T", "1"]:
        assert parse_bool(text) is True
    for text in ["FALSE", "no", "n", "f", " 0"]:
        assert parse_bool(text) is False
    for text in ["", "maybe", "2", "sick"]:
        with pytest.raises(ValueError, match=f"^{re.escape(text)}$"):
            parse_bool(text)
    spellings = sorted(BOOL_TRUE | BOOL_FALSE)
    frame = pd.DataFrame(
        {"date": ["2026-01-01"] * (len(spellings) + 1), "sick": [*spellings, "maybe"]}
    )
    out, _ = normalize(CHECKINS, frame, file="c.csv")
    assert out["sick"].tolist()[:-1] == [s in BOOL_TRUE for s in spellings]
    assert out["sick"].isna().tolist()[-1]


@pytest.mark.parametrize("fast", [True, False], ids=["numpy-str-column", "general-path"])
def test_normalize_removes_control_characters_from_text_cells(fast: bool) -> None:
    cells = ["left\x00 knee\x1b", "a\tb\r\nc", "\x00\x7f", "calm", None]
    raw = np.array(cells, dtype=object) if fast else pd.Series([*cells[:-1], 3.0]).astype(object)
    frame = {"date": pd.Series(pd.date_range("2026-03-01", periods=5)), "pain_site": raw}
    out, warnings = normalize(CHECKINS, pd.DataFrame(frame), file="c.csv")
    got = list(out["pain_site"].astype(object).where(out["pain_site"].notna(), None))
    assert got == ["left knee", "a b c", None, "calm", None if fast else "3.0"]
    dirty = [w for w in warnings if w.column == "pain_site"]
    assert [(w.message, w.count) for w in dirty] == [
        ("removed control characters from 3 value(s) of checkins.pain_site", 3)
    ]
