"""Service configuration, read from the environment (and an optional ``.env`` file).

=============================  =======================================  ==========================
variable                       meaning                                  default
=============================  =======================================  ==========================
``DATABASE_URL``               SQLAlchemy URL (SQLite or PostgreSQL)    ``sqlite:///./readiness.db``
``READINESS_ADMIN_TOKEN``      bearer token that may create athletes    unset (admin API disabled)
``READINESS_MAX_UPLOAD_MB``    largest accepted upload, in MB           ``4096``
``READINESS_BACKGROUND_MB``    uploads above this are parsed as a job   ``5``
``READINESS_DATA_DIR``         uploaded files (content-addressed blobs) ``./readiness-data``
                               and their spool files; shared by every
                               API server and job worker
``READINESS_JOB_LEASE_S``      a job whose worker sent no heartbeat for ``30``
                               this long is taken by another worker
``READINESS_JOB_ATTEMPTS``     tries of one job before it is ``failed`` ``3``
``READINESS_EMBEDDED_WORKER``  run a job worker inside the API process  ``true``
                               (``readiness serve --no-worker``: false)
``READINESS_AUTH_FAILURES_``    wrong API keys / admin tokens one client ``20``
``PER_MINUTE``                 address may send in 60 s; then 429 with
                               ``Retry-After`` (see ``api/throttle.py``)
``READINESS_CORS_ORIGINS``     comma-separated allowed browser origins  empty (same origin only)
``READINESS_NOW``              pin the service's clock to this instant  unset (the real clock)
                               (ISO 8601 with an offset; demos, tests)
``READINESS_DB_CONNECT_S``     PostgreSQL: longest wait for a new       ``3``
                               connection (libpq ``connect_timeout``)
``READINESS_DB_STATEMENT_S``   PostgreSQL: server-side                  ``15``
                               ``statement_timeout`` of every statement
``READINESS_DB_POOL_S``        longest wait for a pooled connection     ``5``
``READINESS_DB_KEEPALIVES_``   PostgreSQL: seconds without traffic      ``2``
``IDLE_S``                     before a TCP keepalive probe
``READINESS_DB_KEEPALIVES_``   PostgreSQL: seconds between unanswered   ``1``
``INTERVAL_S``                 keepalive probes
``READINESS_DB_KEEPALIVES_``   PostgreSQL: unanswered probes that close ``2``
``COUNT``                      the connection (without the next one)
``READINESS_DB_TCP_USER_``     PostgreSQL: milliseconds data or probes  ``1500``
``TIMEOUT_MS``                 may stay unanswered before the kernel
                               closes the connection (libpq
                               ``tcp_user_timeout``; 0 = system default)
``READINESS_RETRY_AFTER_S``    ``Retry-After`` of a 503 answered while  ``5``
                               the database is unavailable
``READINESS_RATE_LIMIT_``      where failed authentications are counted ``memory://``
``STORAGE``                    (a ``limits`` storage URI): ``memory://``
                               per process, ``redis://host:6379/0``
                               shared by every process and machine
``READINESS_RATE_LIMIT_``      prefix of the shared store's keys (one   ``readiness``
``PREFIX``                     per deployment sharing a Redis)
``READINESS_WEBHOOK_ALLOW_``   webhook targets allowed on loopback,     empty (none: public
``PRIVATE``                    private, link-local or reserved          addresses only)
                               addresses: comma-separated addresses or
                               networks (``127.0.0.1,10.0.0.0/8``), or
                               ``true`` for all of them
``READINESS_WEBHOOK_ATTEMPTS`` tries of one webhook delivery            ``8``
``READINESS_WEBHOOK_BACKOFF_`` wait before the 2nd try; doubled each    ``30``
``S``                          time (with ±50 % jitter), at most 6 h
``READINESS_WEBHOOK_TIMEOUT_`` longest wait for a receiver (connect,    ``10``
``S``                          and each read)
``READINESS_WEBHOOK_SWEEP_S``  how often the webhook sender checks      ``300``
                               today's call of every athlete with a
                               webhook (a change with no write: stale
                               data, a new day)
=============================  =======================================  ==========================

``READINESS_NOW`` is what the service means by "now" when it decides the athlete's *today* and
evaluates warmth; timestamps of stored rows (``created``, ``finished``) always use the real clock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
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
        default=4096.0, gt=0, validation_alias=AliasChoices("READINESS_MAX_UPLOAD_MB")
    )
    background_mb: float = Field(
        default=5.0, ge=0, validation_alias=AliasChoices("READINESS_BACKGROUND_MB")
    )
    data_dir: Path = Field(
        default=Path("readiness-data"), validation_alias=AliasChoices("READINESS_DATA_DIR")
    )
    job_lease_s: float = Field(
        default=30.0, gt=0, validation_alias=AliasChoices("READINESS_JOB_LEASE_S")
    )
    job_attempts: int = Field(
        default=3, ge=1, validation_alias=AliasChoices("READINESS_JOB_ATTEMPTS")
    )
    embedded_worker: bool = Field(
        default=True, validation_alias=AliasChoices("READINESS_EMBEDDED_WORKER")
    )
    auth_failures_per_minute: int = Field(
        default=20, ge=1, validation_alias=AliasChoices("READINESS_AUTH_FAILURES_PER_MINUTE")
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=AliasChoices("READINESS_CORS_ORIGINS")
    )
    now: datetime | None = Field(default=None, validation_alias=AliasChoices("READINESS_NOW"))
    db_connect_s: int = Field(
        default=3, ge=1, validation_alias=AliasChoices("READINESS_DB_CONNECT_S")
    )
    db_statement_s: float = Field(
        default=15.0, gt=0, validation_alias=AliasChoices("READINESS_DB_STATEMENT_S")
    )
    db_pool_s: float = Field(
        default=5.0, gt=0, validation_alias=AliasChoices("READINESS_DB_POOL_S")
    )
    retry_after_s: int = Field(
        default=5, ge=1, validation_alias=AliasChoices("READINESS_RETRY_AFTER_S")
    )
    auth_cache_s: float = Field(
        default=1.0, ge=0, le=60, validation_alias=AliasChoices("READINESS_AUTH_CACHE_S")
    )
    read_cache_entries: int = Field(
        default=4096,
        ge=1,
        le=1_000_000,
        validation_alias=AliasChoices("READINESS_READ_CACHE_ENTRIES"),
    )
    db_keepalives_idle_s: int = Field(
        default=2, ge=1, validation_alias=AliasChoices("READINESS_DB_KEEPALIVES_IDLE_S")
    )
    db_keepalives_interval_s: int = Field(
        default=1, ge=1, validation_alias=AliasChoices("READINESS_DB_KEEPALIVES_INTERVAL_S")
    )
    db_keepalives_count: int = Field(
        default=2, ge=1, validation_alias=AliasChoices("READINESS_DB_KEEPALIVES_COUNT")
    )
    db_tcp_user_timeout_ms: int = Field(
        default=1500, ge=0, validation_alias=AliasChoices("READINESS_DB_TCP_USER_TIMEOUT_MS")
    )
    rate_limit_storage: str = Field(
        default="memory://", validation_alias=AliasChoices("READINESS_RATE_LIMIT_STORAGE")
    )
    rate_limit_prefix: str = Field(
        default="readiness",
        min_length=1,
        validation_alias=AliasChoices("READINESS_RATE_LIMIT_PREFIX"),
    )

    webhook_allow_private: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list, validation_alias=AliasChoices("READINESS_WEBHOOK_ALLOW_PRIVATE")
    )
    webhook_attempts: int = Field(
        default=8, ge=1, le=50, validation_alias=AliasChoices("READINESS_WEBHOOK_ATTEMPTS")
    )
    webhook_backoff_s: float = Field(
        default=30.0, gt=0, validation_alias=AliasChoices("READINESS_WEBHOOK_BACKOFF_S")
    )
    webhook_timeout_s: float = Field(
        default=10.0, gt=0, le=120, validation_alias=AliasChoices("READINESS_WEBHOOK_TIMEOUT_S")
    )
    webhook_sweep_s: float = Field(
        default=300.0, gt=0, validation_alias=AliasChoices("READINESS_WEBHOOK_SWEEP_S")
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

    @field_validator("webhook_allow_private", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        """``true`` (every address), or comma-separated addresses and networks."""
        if isinstance(value, bool):
            value = "true" if value else ""
        if not isinstance(value, str):
            return value
        words = [w.strip() for w in value.split(",") if w.strip()]
        if [w.lower() for w in words] in (["true"], ["*"], ["all"]):
            return [ip_network("0.0.0.0/0"), ip_network("::/0")]
        if [w.lower() for w in words] in (["false"], ["none"]):
            return []
        return [ip_network(w, strict=False) for w in words]

    @field_validator("now")
    @classmethod
    def _aware_instant(cls, value: datetime | None) -> datetime | None:
        """An instant needs an offset (``2026-06-01T20:00:00+02:00`` or ``...Z``); kept in UTC."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                "READINESS_NOW must be an ISO 8601 instant with an offset, "
                "e.g. 2026-06-01T20:00:00+02:00"
            )
        return value.astimezone(UTC)

    def current_time(self) -> datetime:
        """The service's "now" (aware UTC): ``READINESS_NOW`` when set, else the real clock."""
        return self.now if self.now is not None else datetime.now(UTC)

    @property
    def clock_pinned(self) -> bool:
        """Whether ``READINESS_NOW`` pins the clock."""
        return self.now is not None

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def background_bytes(self) -> int:
        return int(self.background_mb * 1024 * 1024)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
