"""The daily endpoints serve from the process's cache: always the current data's object.

Through a real server on both databases: an object read, then a write of the athlete's data
(a check-in, an upload) — the next read is the new object, for today and for a past day; the
JSON served is exactly what the documented schema describes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
from readiness.api.schemas import DayReadinessPublic
from readiness.scoring import EVIDENCE

from tests.api.builders import checkins_csv, daily_csv, upload
from tests.api.conftest import Server
from tests.scoring.test_plain_words import _problems as problems

ROOT = Path(__file__).resolve().parents[3]
EVIDENCE_DOC = "docs/evidence.md"


def _gate(obj: dict[str, object]) -> object:
    rec = obj["recommendation"]
    assert isinstance(rec, dict)
    return rec["action"]


def test_a_write_is_seen_by_the_next_read(server: Server) -> None:
    a = server.athlete("served")
    today = a.today()
    end = today - timedelta(days=1)
    with server.client(a.key) as c:
        assert upload(c, daily_csv(end, days=40), "d.csv").status_code == 201
        past = end - timedelta(days=2)
        first_today = c.get("/v1/readiness/today").json()
        first_past = c.get(f"/v1/readiness/{past}").json()
        assert c.get("/v1/readiness/today").json() == first_today  # served again, unchanged
        assert _gate(first_today) != "physiotherapy_assessment"

        # pain that keeps returning, up to today: the gate must show at once
        for back in range(0, 6):
            day = today - timedelta(days=back)
            body = {"date": str(day), "pain": 4, "pain_site": "left knee"}
            assert c.post("/v1/checkins", json=body).status_code in (200, 201)
        assert _gate(c.get("/v1/readiness/today").json()) == "physiotherapy_assessment"

        # a past day changes when its data does (an upload with check-ins on that day)
        assert upload(c, checkins_csv(past, days=3), "c.csv").status_code == 201
        assert c.get(f"/v1/readiness/{past}").json() != first_past


def test_concurrent_first_reads_agree_and_match_the_schema(server: Server) -> None:
    a = server.athlete("served-many")
    end = a.today() - timedelta(days=1)
    with server.client(a.key) as c:
        assert upload(c, daily_csv(end, days=40), "d.csv").status_code == 201

    def get(path: str) -> httpx.Response:
        with server.client(a.key) as c:
            return c.get(path)

    paths = ["/v1/readiness/today", f"/v1/readiness/{end}"] * 12
    with ThreadPoolExecutor(24) as pool:
        answers = list(pool.map(get, paths))
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers][:2]
    assert all(r.headers["content-type"] == "application/json" for r in answers)
    for path in set(paths):
        bodies = [r.json() for p, r in zip(paths, answers, strict=True) if p == path]
        assert all(b == bodies[0] for b in bodies)
        # what the schema documents, field for field
        model = DayReadinessPublic.model_validate(bodies[0])
        assert model.model_dump(mode="json", exclude_unset=True) == bodies[0]


def test_a_rotated_or_deleted_key_stops_at_once_on_the_daily_endpoints(server: Server) -> None:
    a = server.athlete("served-keys")
    end = a.today() - timedelta(days=1)
    with server.client(a.key) as c:
        assert upload(c, daily_csv(end, days=20), "d.csv").status_code == 201
        for _ in range(3):  # verified and served from the process's cache
            assert c.get("/v1/readiness/today").status_code == 200
            assert c.get(f"/v1/readiness/{end}").status_code == 200
        rotated = c.post("/v1/me/keys")
        assert rotated.status_code == 201, rotated.text
        assert c.get("/v1/readiness/today").status_code == 401
        assert c.get(f"/v1/readiness/{end}").status_code == 401
    new_key = rotated.json()["api_key"]
    with server.client(new_key) as c:
        assert c.get("/v1/readiness/today").status_code == 200
        assert c.get(f"/v1/readiness/{end}").status_code == 200
        assert c.delete("/v1/me").status_code == 204
        assert c.get("/v1/readiness/today").status_code == 401
        assert c.get(f"/v1/readiness/{end}").status_code == 401


def test_served_objects_cite_their_evidence_and_speak_plainly(server: Server) -> None:
    """A day's object, today's and a range page (stored rows): every evidence item is
    ``{key, citation, url}`` with its entry in docs/evidence.md; every sentence is plain words."""
    a = server.athlete("served-words")
    today = a.today()
    end = today - timedelta(days=1)
    painful = end - timedelta(days=3)
    doc = (ROOT / EVIDENCE_DOC).read_text("utf-8")
    with server.client(a.key) as c:
        assert upload(c, daily_csv(end, days=40), "d.csv").status_code == 201
        body = {"date": str(painful), "pain": 5, "pain_site": "left knee"}
        assert c.post("/v1/checkins", json=body).status_code in (200, 201)
        span = {"start": str(end - timedelta(days=5)), "end": str(today)}
        page = c.get("/v1/readiness", params=span)
        assert page.status_code == 200, page.text
        day = c.get(f"/v1/readiness/{painful}").json()
        objects = [day, c.get("/v1/readiness/today").json(), *page.json()["data"]]
    assert day["recommendation"]["rule"] == "R0"
    for obj in objects:
        rec = obj["recommendation"]
        assert rec["evidence"], rec
        for item in rec["evidence"]:
            assert item == EVIDENCE[item["key"]].to_dict()
            path, _, fragment = item["url"].partition("#")
            assert path == EVIDENCE_DOC and f'<a id="{fragment}"></a>' in doc
        texts = [*rec["reasons"], *rec["notes"], *obj["calibration"]["reasons"]]
        for name in ("nervous_system_stress", "physical_stiffness"):
            for contributor in (obj[name] or {}).get("contributors", []):
                assert {"method", "direction", "sd"} <= set(contributor)
                texts.append(contributor["text"])
        assert [p for t in texts for p in problems(t)] == [], texts


def test_the_schema_documents_the_sign_of_sd_and_the_evidence_object() -> None:
    schema = DayReadinessPublic.model_json_schema()
    contributor = schema["$defs"]["ContributorPublic"]["properties"]
    assert "positive is the worrying direction" in contributor["sd"]["description"]
    assert {"method", "direction", "text"} <= set(contributor)
    evidence = schema["$defs"]["EvidencePublic"]
    assert set(evidence["required"]) == {"key", "citation", "url"}
    assert evidence["properties"]["url"]["examples"] == ["docs/evidence.md#cheung-2003"]
