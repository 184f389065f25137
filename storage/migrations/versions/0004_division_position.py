"""division position: the plan file's order

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    # Existing rows get 0 and keep the code order until the plan file is imported again.
    with op.batch_alter_table("division", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    """Revert this revision."""

    with op.batch_alter_table("division", schema=None) as batch_op:
        batch_op.drop_column("position")
