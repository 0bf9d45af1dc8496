"""check-in answers: which fields of a check-in entered in the app the athlete gave

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:30:00

``upload_checkins.answered`` lists, for a check-in entered in the app (``upload_id`` NULL,
``source`` ``'app'``), the fields the athlete gave; those fields are the day's answers and the
others come from the uploaded files. Before it, an app check-in replaced the whole day, so every
existing app row is marked as having answered every field: the stored days stay as they were.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: The answer fields of a check-in (every column but the date and ``source``), in column order.
_ANSWERS = [
    "soreness",
    "stress",
    "stiffness",
    "pain",
    "pain_site",
    "sick",
    "fatigue",
    "mood",
    "sleep_quality",
]


def upgrade() -> None:
    with op.batch_alter_table("upload_checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered", sa.JSON(), nullable=True))
    rows = sa.table(
        "upload_checkins",
        sa.column("answered", sa.JSON()),
        sa.column("upload_id", sa.String()),
        sa.column("source", sa.String()),
    )
    op.execute(
        rows.update()
        .where(rows.c.upload_id.is_(None), rows.c.source == "app")
        .values(answered=_ANSWERS)
    )


def downgrade() -> None:
    with op.batch_alter_table("upload_checkins", schema=None) as batch_op:
        batch_op.drop_column("answered")
