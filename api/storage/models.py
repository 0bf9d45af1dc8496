"""SQLAlchemy 2.0 tables.

``athletes``, ``api_keys`` (hashed), ``uploads`` (one row per distinct file an athlete sent),
the merged timeline ``daily`` / ``sessions`` / ``checkins`` (the columns of
:mod:`readiness.ingest.schema.tables`), what each upload gave before merging (``upload_daily``
/ ``upload_sessions`` / ``upload_checkins``, the merge's input), ``feedback`` ("did it help?")
and ``readiness``
(the scored day objects, materialised per athlete and day); coaches and their keys, teams, their
coaches and members, invitations to join a team, and each athlete's calendar-feed token. The
schema is created and evolved by the Alembic migrations in ``api/storage/migrations``; a test
checks the migrations and these models agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ApiKey",
    "Athlete",
    "Base",
    "CalendarToken",
    "CheckinRow",
    "Coach",
    "CoachKey",
    "DailyRow",
    "Feedback",
    "Invitation",
    "ReadinessRow",
    "SessionRow",
    "Team",
    "TeamCoach",
    "TeamMember",
    "Upload",
    "UploadCheckinRow",
    "UploadDailyRow",
    "UploadSessionRow",
    "utcnow",
]


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: stored as ``TIMESTAMP WITH TIME ZONE``, always read back as aware UTC.

    SQLite keeps no zone, so values are converted to UTC on the way in and tagged UTC on the way
    out; a naive datetime is refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: instants must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base; ``type_annotation_map`` keeps column types explicit."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: UTCDateTime(),
    }


def _athlete_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"), index=True)


class Athlete(Base):
    """A person whose data the service holds. ``data_version`` bumps on every data change."""

    __tablename__ = "athletes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    hr_rest: Mapped[float | None] = mapped_column(Float)
    hr_max: Mapped[float | None] = mapped_column(Float)
    sex: Mapped[str | None] = mapped_column(String(6))
    data_version: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    """An athlete's API key, stored as the SHA-256 of the key (the key is shown once)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class Upload(Base):
    """One distinct file (by SHA-256) an athlete uploaded, its job, and what reading it gave.

    ``status``: ``queued`` → ``processing`` → ``done`` | ``failed``. ``created`` is when it was
    queued; a worker sets ``started_at``, counts ``attempts`` and bumps ``heartbeat_at`` (with
    ``progress_bytes`` read so far) while it works; a ``processing`` job whose heartbeat is older
    than the lease is taken again by another worker.
    """

    __tablename__ = "uploads"
    __table_args__ = (UniqueConstraint("athlete_id", "sha256", name="uq_uploads_athlete_sha256"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    bytes: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    days: Mapped[int] = mapped_column(Integer, default=0)
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    checkins: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    finished: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_bytes: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class _DailyValues:
    """The value columns of the ``daily`` table (shared by the merged and per-upload rows)."""

    hrv_rmssd_ms: Mapped[float | None] = mapped_column(Float)
    hrv_sdnn_ms: Mapped[float | None] = mapped_column(Float)
    hrv_context: Mapped[str | None] = mapped_column(String(16))
    resting_hr_bpm: Mapped[float | None] = mapped_column(Float)
    sleep_total_min: Mapped[float | None] = mapped_column(Float)
    sleep_in_bed_min: Mapped[float | None] = mapped_column(Float)
    sleep_efficiency_pct: Mapped[float | None] = mapped_column(Float)
    sleep_deep_min: Mapped[float | None] = mapped_column(Float)
    sleep_rem_min: Mapped[float | None] = mapped_column(Float)
    sleep_score: Mapped[float | None] = mapped_column(Float)
    sleep_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sleep_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    respiratory_rate_bpm: Mapped[float | None] = mapped_column(Float)
    skin_temp_dev_c: Mapped[float | None] = mapped_column(Float)
    steps: Mapped[int | None] = mapped_column(Integer)
    active_min: Mapped[float | None] = mapped_column(Float)
    sedentary_min: Mapped[float | None] = mapped_column(Float)
    longest_sedentary_bout_min: Mapped[float | None] = mapped_column(Float)
    monitoring_coverage_min: Mapped[float | None] = mapped_column(Float)
    stress_avg: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(64))
    device: Mapped[str | None] = mapped_column(String(128))


class _SessionValues:
    """The columns of the ``sessions`` table (shared by the merged and per-upload rows)."""

    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    date: Mapped[date | None] = mapped_column(Date, index=True)
    sport: Mapped[str | None] = mapped_column(String(64))
    duration_s: Mapped[float | None] = mapped_column(Float)
    avg_hr_bpm: Mapped[float | None] = mapped_column(Float)
    max_hr_bpm: Mapped[float | None] = mapped_column(Float)
    trimp: Mapped[float | None] = mapped_column(Float)
    vendor_load: Mapped[float | None] = mapped_column(Float)
    rpe: Mapped[float | None] = mapped_column(Float)
    rmssd_ms: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(64), default="")
    device: Mapped[str] = mapped_column(String(128), default="")


class _CheckinValues:
    """The value columns of the ``checkins`` table (shared by the merged and per-upload rows)."""

    soreness: Mapped[float | None] = mapped_column(Float)
    stress: Mapped[float | None] = mapped_column(Float)
    stiffness: Mapped[float | None] = mapped_column(Float)
    pain: Mapped[float | None] = mapped_column(Float)
    pain_site: Mapped[str | None] = mapped_column(String(200))
    sick: Mapped[bool | None] = mapped_column(Boolean)
    fatigue: Mapped[float | None] = mapped_column(Float)
    mood: Mapped[float | None] = mapped_column(Float)
    sleep_quality: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(64))


class _AthleteDay:
    """The key of a merged table with one row per athlete and day, and the upload that ranked
    first on it."""

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    upload_id: Mapped[str | None] = mapped_column(String(32))


class DailyRow(_AthleteDay, _DailyValues, Base):
    """One athlete-local day of the merged ``daily`` table."""

    __tablename__ = "daily"


class SessionRow(_SessionValues, Base):
    """One workout. ``source`` and ``device`` are ``''`` when unknown so the key stays unique."""

    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("athlete_id", "start", "source", "device", name="uq_sessions_workout"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    upload_id: Mapped[str | None] = mapped_column(String(32))


class CheckinRow(_AthleteDay, _CheckinValues, Base):
    """How the athlete felt on one day (1–5 scales)."""

    __tablename__ = "checkins"


def _source_fk() -> Mapped[str | None]:
    """The upload a per-upload row came from (``None``: entered in the app, or stored before
    per-upload rows existed); the rows go with their upload."""
    return mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"), index=True)


class _UploadDay:
    """The columns of a per-upload row dated by day (indexed by athlete and date)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    upload_id: Mapped[str | None] = _source_fk()
    date: Mapped[date] = mapped_column(Date)


class UploadDailyRow(_UploadDay, _DailyValues, Base):
    """One ``daily`` row exactly as one upload's file gave it (the input of the merge)."""

    __tablename__ = "upload_daily"
    __table_args__ = (Index("ix_upload_daily_athlete_date", "athlete_id", "date"),)


class UploadSessionRow(_SessionValues, Base):
    """One workout exactly as one upload's file gave it (the input of the merge)."""

    __tablename__ = "upload_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    upload_id: Mapped[str | None] = _source_fk()


class UploadCheckinRow(_UploadDay, _CheckinValues, Base):
    """One check-in as one upload's file gave it, or as the athlete entered it in the app
    (``upload_id`` ``None``, ``source`` ``"app"``): the input of the merge.

    ``answered`` (app rows only): the fields the athlete gave in the app, in column order; each
    of them is the day's answer (a ``None`` one clears the field), the other fields come from
    the files.
    """

    __tablename__ = "upload_checkins"
    __table_args__ = (Index("ix_upload_checkins_athlete_date", "athlete_id", "date"),)

    answered: Mapped[list[str] | None] = mapped_column(JSON)


class Feedback(Base):
    """ "Did it help?": the athlete's 1–5 rating of an action taken on a day."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("athlete_id", "date", "action", name="uq_feedback_day_action"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    date: Mapped[date] = mapped_column(Date)
    action: Mapped[str] = mapped_column(String(64))
    helped: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class ReadinessRow(Base):
    """A scored day (the object ``readiness score --json`` prints), stored by the athlete's writer.

    ``data_version`` is the athlete's data version it was scored at (a later write that cannot
    change the day keeps the row). ``evaluated_at`` is the instant warmth was evaluated at
    (``None``: end of the day; only older versions stored an instant's evaluation).
    """

    __tablename__ = "readiness"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    data_version: Mapped[int] = mapped_column(Integer)
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Coach(Base):
    """A coach: reads the data of the athletes who joined one of their teams, never writes it."""

    __tablename__ = "coaches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class CoachKey(Base):
    """A coach's API key, stored as its SHA-256 (the key is shown once)."""

    __tablename__ = "coach_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coaches.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created: Mapped[datetime] = mapped_column(default=utcnow)


def _team_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)


class Team(Base):
    """A team: its coaches read the readiness of its members."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class TeamCoach(Base):
    """A coach of a team."""

    __tablename__ = "team_coaches"

    team_id: Mapped[int] = _team_fk()
    coach_id: Mapped[int] = mapped_column(
        ForeignKey("coaches.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class TeamMember(Base):
    """An athlete who joined a team (by accepting an invitation, or by creating the team); the
    row is deleted when they leave, and their coaches see nothing of them from then on."""

    __tablename__ = "team_members"

    team_id: Mapped[int] = _team_fk()
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined: Mapped[datetime] = mapped_column(default=utcnow)


class Invitation(Base):
    """A one-time code to join a team, stored as its SHA-256 (the code is shown once).

    It is used once: ``accepted`` and the accepting ``athlete_id`` are set by the single
    update that accepts it, and only while it is unused and ``expires`` is in the future.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("coaches.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    expires: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted: Mapped[datetime | None] = mapped_column(UTCDateTime())
    athlete_id: Mapped[int | None] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), index=True
    )


class CalendarToken(Base):
    """An athlete's read-only token of the calendar feed, stored as its SHA-256 (shown once);
    one per athlete, revoked by deleting it or issuing a new one."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created: Mapped[datetime] = mapped_column(default=utcnow)
