"""Service configuration, read from the environment (and an optional ``.env`` file).

=============================  =======================================  ==========================
variable                       meaning                                  default
=============================  =======================================  ==========================
``DATABASE_URL``               SQLAlchemy URL (SQLite or PostgreSQL)    ``sqlite:///./readiness.db``
``READINESS_ADMIN_TOKEN``      bearer token that may create athletes    unset (admin API disabled)
``READINESS_MAX_UPLOAD_MB``    largest accepted upload, in MB           ``50``
``READINESS_BACKGROUND_MB``    uploads above this are parsed as a job   ``5``
``READINESS_CORS_ORIGINS``     comma-separated allowed browser origins  empty (same origin only)
=============================  =======================================  ==========================
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Everything the service reads from its environment. Immutable once built."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", frozen=True, populate_by_name=True
    )

    database_url: str = Field(
        default="sqlite:///./readiness.db",
        validation_alias=AliasChoices("DATABASE_URL", "READINESS_DATABASE_URL"),
    )
    admin_token: str | None = Field(
        default=None, validation_alias=AliasChoices("READINESS_ADMIN_TOKEN")
    )
    max_upload_mb: float = Field(
        default=50.0, gt=0, validation_alias=AliasChoices("READINESS_MAX_UPLOAD_MB")
    )
    background_mb: float = Field(
        default=5.0, ge=0, validation_alias=AliasChoices("READINESS_BACKGROUND_MB")
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=AliasChoices("READINESS_CORS_ORIGINS")
    )

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        """Accept Heroku-style ``postgres://`` URLs and use the psycopg 3 driver for them."""
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def background_bytes(self) -> int:
        return int(self.background_mb * 1024 * 1024)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
