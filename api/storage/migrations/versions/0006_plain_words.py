"""stored readiness day objects predate plain words and evidence objects

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 18:40:00

The stored ``readiness`` day objects carry ``recommendation.evidence`` as plain keys and the
older contributor sentences (no ``method``, ``direction``, ``calibration.feedback_method``);
the day object now carries each cited work as ``{key, citation, url}`` (docs/evidence.md). They
are removed: they are materialised, not source data — a read scores a day that is not stored,
and the athlete's next write stores the window again. Nothing to restore on downgrade.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM readiness")


def downgrade() -> None:
    pass
