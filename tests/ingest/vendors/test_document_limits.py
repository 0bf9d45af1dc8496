"""Hostile documents: JSON nested 100k deep and XML entity bombs are typed errors, not crashes."""

from __future__ import annotations

import pytest
from readiness.ingest import CorruptFileError, read_bytes
from readiness.ingest.vendors.json_documents import MAX_JSON_DEPTH, json_depth, load_json

DEEP = 100_000


def _nest(inner: str) -> str:
    return "[" * DEEP + inner + "]" * DEEP


# Each shaped like the vendor file it imitates, so the sniffer hands it to that vendor's reader.
DEEP_DOCUMENTS = {
    "fitbit": (
        '[{"logId": 1, "activityName": "Walk", "startTime": ' + _nest("1") + "}]",
        "exercise-0.json",
    ),
    "garmin": (
        '[{"calendarDate": "2024-01-01", "restingHeartRate": ' + _nest("50") + "}]",
        "UDSFile_2024.json",
    ),
    "oura": ('{"sleep": [{"summary_date": "2024-01-01", "x": ' + _nest("1") + "}]}", "oura.json"),
}


@pytest.mark.parametrize("vendor", sorted(DEEP_DOCUMENTS))
def test_json_nested_100k_deep_is_a_typed_error(vendor: str) -> None:
    text, name = DEEP_DOCUMENTS[vendor]
    with pytest.raises(CorruptFileError, match=f"cap MAX_JSON_DEPTH {MAX_JSON_DEPTH}") as info:
        read_bytes(text.encode(), name)
    assert info.value.file == name


def test_the_depth_cap_is_named() -> None:
    text = '[{"dateTime": "03/09/20 00:00:00", "value": ' + _nest("1") + "}]"
    with pytest.raises(CorruptFileError, match=f"cap MAX_JSON_DEPTH {MAX_JSON_DEPTH}"):
        load_json(text.encode(), "hr.json", "a Fitbit export")


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert json_depth('{"a": [1, {"b": "[[[[{{"}], "c\\"[": [[]]}') == 3
    assert json_depth("") == 0
    assert json_depth('"unterminated [[[') == 0


_LOLS = "".join(
    f' <!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">\n' for i in range(1, 10)
).replace("&lol0;", "&lol;")
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE HealthData [\n <!ENTITY lol "lol">\n' + _LOLS + "]>\n"
    '<HealthData locale="en_US">\n'
    ' <Record type="HKQuantityTypeIdentifierRestingHeartRate" value="&lol9;"\n'
    '  startDate="2024-01-01 07:00:00 +0100" endDate="2024-01-01 07:00:00 +0100"/>\n'
    "</HealthData>\n"
).encode()

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE HealthData [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<HealthData><Record type="HKQuantityTypeIdentifierRestingHeartRate" value="&x;"/></HealthData>
"""


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, EXTERNAL], ids=["billion-laughs", "external"])
def test_xml_entity_declarations_are_refused(doc: bytes) -> None:
    with pytest.raises(CorruptFileError, match="declares entities"):
        read_bytes(doc, "export.xml")
