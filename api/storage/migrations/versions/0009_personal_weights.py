"""stored readiness day objects predate personal weights

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:00:00

The stored ``readiness`` day objects carry no ``calibration.personal`` /
``calibration.personal_stiffness``, and their scores were computed with the fixed weights for
everyone; an athlete with enough check-ins now has a personal stress (or stiffness) score. They
are removed: they are materialised, not source data — a read scores a day that is not stored,
and the athlete's next write stores the window again. Nothing to restore on downgrade.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM readiness")


def downgrade() -> None:
    pass
