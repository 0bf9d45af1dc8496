"""per-upload rows: what each upload gave, the input of the merged timeline

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:10:00

``upload_daily`` / ``upload_sessions`` / ``upload_checkins`` keep each upload's own rows (and
the check-ins entered in the app, ``upload_id`` NULL); the stored ``daily`` / ``sessions`` /
``checkins`` are derived from them. Existing merged rows are copied in as they are (attributed
to the upload they name, when it still exists), so re-deriving a day gives the stored row back.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_DAILY: list[tuple[str, Any]] = [
    ("hrv_rmssd_ms", sa.Float()),
    ("hrv_sdnn_ms", sa.Float()),
    ("hrv_context", sa.String(length=16)),
    ("resting_hr_bpm", sa.Float()),
    ("sleep_total_min", sa.Float()),
    ("sleep_in_bed_min", sa.Float()),
    ("sleep_efficiency_pct", sa.Float()),
    ("sleep_deep_min", sa.Float()),
    ("sleep_rem_min", sa.Float()),
    ("sleep_score", sa.Float()),
    ("sleep_start", sa.DateTime(timezone=True)),
    ("sleep_end", sa.DateTime(timezone=True)),
    ("respiratory_rate_bpm", sa.Float()),
    ("skin_temp_dev_c", sa.Float()),
    ("steps", sa.Integer()),
    ("active_min", sa.Float()),
    ("sedentary_min", sa.Float()),
    ("longest_sedentary_bout_min", sa.Float()),
    ("stress_avg", sa.Float()),
    ("source", sa.String(length=64)),
    ("device", sa.String(length=128)),
]
_SESSIONS: list[tuple[str, Any]] = [
    ("end", sa.DateTime(timezone=True)),
    ("date", sa.Date()),
    ("sport", sa.String(length=64)),
    ("duration_s", sa.Float()),
    ("avg_hr_bpm", sa.Float()),
    ("max_hr_bpm", sa.Float()),
    ("trimp", sa.Float()),
    ("vendor_load", sa.Float()),
    ("rpe", sa.Float()),
    ("rmssd_ms", sa.Float()),
]
_CHECKINS: list[tuple[str, Any]] = [
    ("soreness", sa.Float()),
    ("stress", sa.Float()),
    ("stiffness", sa.Float()),
    ("pain", sa.Float()),
    ("pain_site", sa.String(length=200)),
    ("sick", sa.Boolean()),
    ("fatigue", sa.Float()),
    ("mood", sa.Float()),
    ("sleep_quality", sa.Float()),
    ("source", sa.String(length=64)),
]


def _create(name: str, columns: list[sa.Column[Any]], by_date: bool) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.String(length=32), nullable=True),
        *columns,
        sa.ForeignKeyConstraint(["athlete_id"], ["athletes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["upload_id"], ["uploads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_upload_id"), ["upload_id"], unique=False)
        if by_date:
            batch_op.create_index(f"ix_{name}_athlete_date", ["athlete_id", "date"], unique=False)


def _copy(target: str, source: str, names: list[str]) -> None:
    cols = ", ".join(f'"{n}"' for n in names)
    op.execute(
        f"INSERT INTO {target} (athlete_id, upload_id, {cols}) "
        f"SELECT athlete_id, CASE WHEN upload_id IN (SELECT id FROM uploads) THEN upload_id END, "
        f"{cols} FROM {source}"
    )


def upgrade() -> None:
    def cols(spec: list[tuple[str, Any]]) -> list[sa.Column[Any]]:
        return [sa.Column(n, t, nullable=True) for n, t in spec]

    _create("upload_daily", [sa.Column("date", sa.Date(), nullable=False), *cols(_DAILY)], True)
    _create(
        "upload_sessions",
        [
            sa.Column("start", sa.DateTime(timezone=True), nullable=False),
            *cols(_SESSIONS),
            sa.Column("source", sa.String(length=64), nullable=False),
            sa.Column("device", sa.String(length=128), nullable=False),
        ],
        False,
    )
    with op.batch_alter_table("upload_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_upload_sessions_athlete_id"), ["athlete_id"])
        batch_op.create_index(batch_op.f("ix_upload_sessions_date"), ["date"])
    _create(
        "upload_checkins", [sa.Column("date", sa.Date(), nullable=False), *cols(_CHECKINS)], True
    )
    _copy("upload_daily", "daily", ["date", *(n for n, _ in _DAILY)])
    _copy("upload_sessions", "sessions", ["start", *(n for n, _ in _SESSIONS), "source", "device"])
    _copy("upload_checkins", "checkins", ["date", *(n for n, _ in _CHECKINS)])


def downgrade() -> None:
    for name in ("upload_checkins", "upload_sessions", "upload_daily"):
        op.drop_table(name)
