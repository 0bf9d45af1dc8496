"""``merge`` gives the same tables whatever order the results (and their rows) come in, even
when rows of equal rank disagree."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from readiness.ingest import CHECKINS, DAILY, SESSIONS, IngestResult, merge, normalize

_SOURCES = ["csv", "fit", "oura", "hrv4training", "apple"]
_DEVICES = ["watch a", "watch b", None]


def _daily_rows() -> st.SearchStrategy[list[dict[str, object]]]:
    row = st.fixed_dictionaries(
        {
            "date": st.sampled_from(["2026-03-01", "2026-03-02", "2026-03-03"]),
            "hrv_rmssd_ms": st.one_of(st.none(), st.sampled_from([40.0, 55.5, 61.0])),
            "hrv_context": st.sampled_from([None, "nocturnal", "morning"]),
            "resting_hr_bpm": st.one_of(st.none(), st.sampled_from([48.0, 50.0, 51.0])),
            "steps": st.one_of(st.none(), st.sampled_from([3000, 9000])),
            "source": st.sampled_from(_SOURCES),
            "device": st.sampled_from(_DEVICES),
        }
    )
    return st.lists(row, min_size=1, max_size=6)


def _session_rows() -> st.SearchStrategy[list[dict[str, object]]]:
    row = st.fixed_dictionaries(
        {
            "start": st.sampled_from(
                ["2026-03-01T06:00:00Z", "2026-03-01T06:01:00Z", "2026-03-02T17:00:00Z"]
            ),
            "duration_s": st.one_of(st.none(), st.sampled_from([3000.0, 3100.0, 6000.0])),
            "avg_hr_bpm": st.one_of(st.none(), st.sampled_from([130.0, 141.0])),
            "source": st.sampled_from(_SOURCES),
            "device": st.sampled_from(_DEVICES),
        }
    )
    return st.lists(row, max_size=5)


def _checkin_rows() -> st.SearchStrategy[list[dict[str, object]]]:
    row = st.fixed_dictionaries(
        {
            "date": st.sampled_from(["2026-03-01", "2026-03-02"]),
            "soreness": st.one_of(st.none(), st.sampled_from([1.0, 3.0, 5.0])),
            "sick": st.sampled_from([None, True, False]),
            "source": st.sampled_from(_SOURCES),
        }
    )
    return st.lists(row, max_size=4)


def _result(
    daily: list[dict[str, object]],
    sessions: list[dict[str, object]],
    checkins: list[dict[str, object]],
) -> IngestResult:
    def table(t: object, rows: list[dict[str, object]]) -> pd.DataFrame:
        frame, _ = normalize(t, pd.DataFrame(rows), file="x")  # type: ignore[arg-type]
        return frame

    return IngestResult(
        daily=table(DAILY, daily) if daily else IngestResult().daily,
        sessions=table(SESSIONS, sessions) if sessions else IngestResult().sessions,
        checkins=table(CHECKINS, checkins) if checkins else IngestResult().checkins,
    )


def _same(a: IngestResult, b: IngestResult) -> None:
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.sessions, b.sessions)
    pd.testing.assert_frame_equal(a.checkins, b.checkins)


@settings(max_examples=60, deadline=None)
@given(
    files=st.lists(
        st.tuples(_daily_rows(), _session_rows(), _checkin_rows()), min_size=2, max_size=4
    ),
    order=st.randoms(use_true_random=False),
)
def test_merge_is_independent_of_file_and_row_order(files: list, order: object) -> None:
    results = [_result(*f) for f in files]
    shuffled = [
        _result(
            order.sample(d, len(d)),  # type: ignore[attr-defined]
            order.sample(s, len(s)),  # type: ignore[attr-defined]
            order.sample(c, len(c)),  # type: ignore[attr-defined]
        )
        for d, s, c in order.sample(files, len(files))  # type: ignore[attr-defined]
    ]
    _same(merge(results), merge(shuffled))


def test_equal_rank_disagreement_is_decided_by_content() -> None:
    a = _result([{"date": "2026-03-02", "resting_hr_bpm": 51.0, "source": "fit"}], [], [])
    b = _result([{"date": "2026-03-02", "resting_hr_bpm": 50.0, "source": "fit"}], [], [])
    assert merge([a, b]).daily["resting_hr_bpm"].tolist() == [50.0]
    assert merge([b, a]).daily["resting_hr_bpm"].tolist() == [50.0]
