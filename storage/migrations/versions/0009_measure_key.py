"""measure key: links a measure to the same measure of other plan years

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key", sa.String(length=64), server_default="", nullable=False)
        )
    # Measures imported before keys existed get the key a plan file without one derives: m<seq>.
    op.execute("UPDATE measure SET key = 'm' || CAST(seq AS VARCHAR(12))")
    op.create_index("ix_measure_key", "measure", ["key"], unique=False)


def downgrade() -> None:
    """Revert this revision."""

    op.drop_index("ix_measure_key", table_name="measure")
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.drop_column("key")
