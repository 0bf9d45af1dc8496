"""NUL and other control characters in stored text, on both databases: refused with 422 naming
the field where a client typed it (athlete name, ``pain_site``, feedback ``note``), removed
where a file carries it (CSV cells, the upload's file name); never a 500, nothing written."""

from __future__ import annotations

import httpx

from tests.api.builders import assert_problem, daily_csv, upload
from tests.api.conftest import ADMIN_TOKEN, Server


def _field_error(response: httpx.Response, field: str) -> None:
    body = assert_problem(response, 422)
    errors = body["errors"]
    assert isinstance(errors, list)
    assert [e["loc"] for e in errors] == [["body", field]], errors
    assert "control character U+0000" in errors[0]["msg"]


def test_an_athlete_name_with_a_nul_is_refused(server: Server) -> None:
    with server.client(ADMIN_TOKEN) as c:
        r = c.post("/v1/athletes", json={"name": "Ing\x00rid", "timezone": "Europe/Oslo"})
        _field_error(r, "name")
        r = c.post("/v1/athletes", json={"name": "Ingrid\x1b[31m", "timezone": "Europe/Oslo"})
        assert_problem(r, 422)


def test_control_characters_in_checkins_and_feedback(server: Server) -> None:
    a = server.athlete("hygiene")
    day = a.today()
    with server.client(a.key) as c:
        assert upload(c, daily_csv(day, days=30)).status_code == 201
        span = {"start": str(day), "end": str(day)}

        _field_error(
            c.post("/v1/checkins", json={"date": str(day), "pain": 4, "pain_site": "knee\x00"}),
            "pain_site",
        )
        r = c.post("/v1/checkins", json={"date": str(day), "pain": 4, "pain_site": "a\tb"})
        assert_problem(r, 422)  # one line: not even a tab
        assert c.get("/v1/checkins", params=span).json()["count"] == 0

        action = c.get(f"/v1/readiness/{day}").json()["recommendation"]["action"]
        fb = {"date": str(day), "action": action, "helped": 4}
        _field_error(c.post("/v1/feedback", json={**fb, "note": "slept\x00 well"}), "note")
        assert_problem(c.post("/v1/feedback", json={**fb, "note": "bell\x07"}), 422)
        assert c.get("/v1/feedback", params=span).json()["count"] == 0
        # a note may have several lines and tabs
        note = "slept well\n\tthen ran"
        assert c.post("/v1/feedback", json={**fb, "note": note}).status_code == 201
        assert c.get("/v1/feedback", params=span).json()["data"][0]["note"] == note


def test_control_characters_in_a_csv_are_removed_with_a_warning(server: Server) -> None:
    a = server.athlete("csv hygiene")
    day = a.today()
    csv = (
        "date,pain,pain_site,sick,ex\x00tra\n"
        f"{day},4,left\x00 knee\x1b,no,1\n"
        f"{day.replace(day=1) if day.day > 1 else day},2,\x00\x00,n\x00o,2\n"
    ).encode()
    with server.client(a.key) as c:
        r = upload(c, csv, "checkins.csv")
        assert r.status_code == 201, r.text
        messages = [w["message"] for w in r.json()["warnings"]]
        assert "removed control characters from 2 value(s) of checkins.pain_site" in messages
        got = c.get("/v1/checkins", params={"start": str(day), "end": str(day)}).json()
        assert got["data"][0]["pain_site"] == "left knee"


def test_an_upload_file_name_loses_its_control_characters(server: Server) -> None:
    a = server.athlete("file name hygiene")
    data = daily_csv(a.today(), days=5)
    body = (
        b"--bnd\r\n"
        b'Content-Disposition: form-data; name="file"; filename="ev\x00il\x1b.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + data + b"\r\n--bnd--\r\n"
    )
    headers = {"Content-Type": "multipart/form-data; boundary=bnd"}
    with server.client(a.key) as c:
        r = c.post("/v1/uploads", content=body, headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["filename"] == "evil.csv"
        assert c.get(f"/v1/uploads/{r.json()['id']}").json()["filename"] == "evil.csv"
        assert_problem(c.get("/v1/uploads/ab%00cd"), 422)
