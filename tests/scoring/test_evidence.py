"""Evidence: every work a rule cites has a full citation and an entry in docs/evidence.md, and
every short citation of the scoring code and docs/scoring.md is given there in full."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from readiness.scoring import score_days
from readiness.scoring.decision.rules import RULES
from readiness.scoring.evidence import EVIDENCE, EVIDENCE_DOC, anchor

from tests.scoring import synthetic as sy

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / EVIDENCE_DOC).read_text("utf-8")
#: "Cheung 2003", "Diego & Field 2009", "Flatt, Esco & Nakamura 2018", "Williams et al. 2017"
SHORT_CITATION = re.compile(
    r"\b((?:Le |Van |van |de )?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
    r"(?: et al\.?)?(?:(?:,| &| and) [A-Z][a-z]+)* \(?((?:19|20)\d\d)\b"
)
#: Capitalised words before a year that are not authors.
NOT_AUTHORS = {"Medicine", "Sport", "Sports", "Sleep", "January", "June"}


def _entry(key: str) -> str:
    """The text of ``key``'s entry: from its anchor to the next anchor or section."""
    tag = f'<a id="{anchor(key)}"></a>\n### {key}\n'
    assert DOC.count(tag) == 1, f"{EVIDENCE_DOC} has no single entry {tag!r}"
    start = DOC.index(tag) + len(tag)
    ends = [i for i in (DOC.find("<a id=", start), DOC.find("\n## ", start)) if i >= 0]
    return DOC[start : min(ends)]


def test_every_cited_key_has_a_citation_and_an_entry() -> None:
    cited = {key for rule in RULES for key in rule.evidence}
    assert cited == set(EVIDENCE), "rules and scoring/evidence.py disagree"
    assert not any(key.startswith("seed") for key in cited)
    for key in sorted(cited):
        entry = _entry(key)
        assert EVIDENCE[key].citation in entry, f"{key}: citation differs from {EVIDENCE_DOC}"
        assert "**Supports:**" in entry, key
        rules = [rule.id for rule in RULES if key in rule.evidence]
        assert all(f"{rule_id} (`" in entry for rule_id in rules), (key, rules)


def test_anchors_are_unique_and_follow_the_documented_rule() -> None:
    anchors = [anchor(key) for key in EVIDENCE]
    assert len(set(anchors)) == len(anchors)
    assert anchor("Diego & Field 2009") == "diego-field-2009"
    assert anchor("Massage vs. Assisted Stretching") == "massage-vs-assisted-stretching"
    assert set(re.findall(r'<a id="([^"]+)"></a>', DOC)) == set(anchors)


def test_the_four_source_articles_are_cited_by_title_and_publisher() -> None:
    for publisher in ("Preferred Regen ATL", "Dynamic Physiotherapy", "BestyBesty"):
        assert sum(publisher in e.citation for e in EVIDENCE.values()) == 1, publisher
    assert (
        "Massage vs. Assisted Stretching: How to Choose"
        in EVIDENCE["Massage vs. Assisted Stretching"].citation
    )


def test_a_day_object_carries_each_work_as_key_citation_and_link() -> None:
    rows = [{"date": sy.day(39), "pain": 5, "pain_site": "knee"}]
    (day,) = score_days(sy.daily(40), sy.sessions(40), sy.checkins(rows))
    evidence = day.to_dict()["recommendation"]["evidence"]
    rule = next(r for r in RULES if r.id == day.recommendation.rule)
    assert [e["key"] for e in evidence] == list(rule.evidence)
    for item in evidence:
        assert set(item) == {"key", "citation", "url"}
        assert item["citation"] == EVIDENCE[item["key"]].citation
        path, _, fragment = item["url"].partition("#")
        assert path == EVIDENCE_DOC and (ROOT / path).is_file()
        assert f'<a id="{fragment}"></a>' in DOC


def _short_citations(text: str) -> set[tuple[str, str]]:
    return {
        (author, year) for author, year in SHORT_CITATION.findall(text) if author not in NOT_AUTHORS
    }


@pytest.mark.parametrize(
    "source",
    [
        *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "scoring").rglob("*.py")),
        "docs/scoring.md",
    ],
)
def test_every_short_citation_is_given_in_full(source: str) -> None:
    missing = [
        f"{author} {year}"
        for author, year in sorted(_short_citations((ROOT / source).read_text("utf-8")))
        if not re.search(rf"{re.escape(author)}\b[^\n]*\n?[^\n]*\({year}\)", DOC)
    ]
    assert not missing, f"{source}: not in {EVIDENCE_DOC}: {missing}"
