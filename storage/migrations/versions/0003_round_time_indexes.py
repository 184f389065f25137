"""index rounds by time

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.create_index("ix_round_closes_at", ["closes_at"], unique=False)
        batch_op.create_index("ix_round_opens_at", ["opens_at"], unique=False)


def downgrade() -> None:
    """Revert this revision."""

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_index("ix_round_opens_at")
        batch_op.drop_index("ix_round_closes_at")
