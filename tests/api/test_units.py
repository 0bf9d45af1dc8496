"""Small pieces: settings from the environment, keys, error mapping, request models."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError
from readiness.api.errors import UnprocessableExportError, UnsupportedExportError, from_ingest_error
from readiness.api.schemas import (
    AthleteCreate,
    CheckinIn,
    FeedbackIn,
    Timezone,
)
from readiness.api.security import hash_key, new_key, tokens_equal
from readiness.api.settings import Settings
from readiness.ingest import ChecksumError, SchemaError, UnsupportedFormatError


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5432/readiness")
    monkeypatch.setenv("READINESS_ADMIN_TOKEN", "s3cret")
    monkeypatch.setenv("READINESS_MAX_UPLOAD_MB", "2.5")
    monkeypatch.setenv("READINESS_CORS_ORIGINS", "https://a.example, https://b.example")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.database_url == "postgresql+psycopg://u:p@db.example:5432/readiness"
    assert s.admin_token == "s3cret"
    assert s.max_upload_bytes == int(2.5 * 1024 * 1024)
    assert s.cors_origins == ["https://a.example", "https://b.example"]


def test_settings_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "READINESS_ADMIN_TOKEN", "READINESS_CORS_ORIGINS"):
        monkeypatch.delenv(name, raising=False)
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.database_url == "sqlite:///./readiness.db" and s.is_sqlite
    assert s.admin_token is None and s.cors_origins == []
    with pytest.raises(ValidationError):
        Settings(_env_file=None, max_upload_mb=0)  # type: ignore[call-arg]


def test_keys_are_random_and_stored_hashed() -> None:
    keys = {new_key() for _ in range(100)}
    assert len(keys) == 100
    key = keys.pop()
    assert key.startswith("rdy_") and len(key) - 4 >= 43  # 256 bits in base64url
    assert hash_key(key) == hash_key(key) and key not in hash_key(key)
    assert tokens_equal("abc", "abc") and not tokens_equal("abc", "abd")


def test_ingest_errors_map_to_415_and_422() -> None:
    unsupported = from_ingest_error(UnsupportedFormatError("a.png", "not a supported export"))
    assert isinstance(unsupported, UnsupportedExportError) and unsupported.status == 415
    corrupt = from_ingest_error(ChecksumError("b.fit", "file CRC mismatch", offset=1234))
    assert isinstance(corrupt, UnprocessableExportError) and corrupt.status == 422
    body = corrupt.body("/v1/uploads")
    assert body["detail"] == "b.fit at byte 1234: file CRC mismatch"
    assert body["ingest"]["offset"] == 1234 and body["instance"] == "/v1/uploads"
    schema = from_ingest_error(SchemaError("c.csv", "no 'date' column", line=1))
    assert schema.status == 422


def test_request_models() -> None:
    assert TypeAdapter(Timezone).validate_python("Europe/Oslo") == "Europe/Oslo"
    with pytest.raises(ValidationError):
        TypeAdapter(Timezone).validate_python("Mars/Olympus")
    with pytest.raises(ValidationError):
        AthleteCreate(name="", timezone="UTC")
    with pytest.raises(ValidationError):
        CheckinIn(date=date(2026, 1, 1), pain=6)
    with pytest.raises(ValidationError):
        CheckinIn.model_validate({"date": "2026-01-01", "unknown": 1})
    with pytest.raises(ValidationError):
        FeedbackIn(date=date(2026, 1, 1), action="Rest!", helped=3)
    assert FeedbackIn(date=date(2026, 1, 1), action="rest", helped=5).helped == 5
