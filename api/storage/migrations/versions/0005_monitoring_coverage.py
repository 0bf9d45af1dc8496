"""daily monitoring coverage: the minutes of a day with any monitoring sample

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 05:20:00

``monitoring_coverage_min`` (NULL where the source does not report it) on the merged ``daily``
table and on each upload's own rows (``upload_daily``), so inactivity counts measured time only
(docs/scoring.md, "Coverage and sedentary exposure"). Existing rows keep NULL (their sources did
not report it when they were read).

The stored ``readiness`` day objects predate the day's ``data`` (freshness) object and the
``no_recent_data`` action, so they are removed: they are materialised, not source data — a read
scores a day that is not stored, and the athlete's next write stores the window again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TABLES = ("daily", "upload_daily")


def upgrade() -> None:
    for name in _TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column("monitoring_coverage_min", sa.Float(), nullable=True))
    op.execute("DELETE FROM readiness")


def downgrade() -> None:
    for name in _TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column("monitoring_coverage_min")
