"""escalation and stand-ins: supervisors' oversight, invitations naming it, heads' stand-ins

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "oversight",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["division_id"], ["division.id"], name=op.f("fk_oversight_division_id_division")
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"], ["membership.id"], name=op.f("fk_oversight_membership_id_membership")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight")),
    )
    op.create_index(
        op.f("ix_oversight_membership_id"), "oversight", ["membership_id"], unique=False
    )
    op.create_table(
        "stand_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("head_id", sa.Integer(), nullable=False),
        sa.Column("stand_in_id", sa.Integer(), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["division_id"], ["division.id"], name=op.f("fk_stand_in_division_id_division")
        ),
        sa.ForeignKeyConstraint(
            ["head_id"], ["person.id"], name=op.f("fk_stand_in_head_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["stand_in_id"], ["person.id"], name=op.f("fk_stand_in_stand_in_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"], name=op.f("fk_stand_in_created_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"], ["person.id"], name=op.f("fk_stand_in_cancelled_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stand_in")),
    )
    op.create_index(op.f("ix_stand_in_head_id"), "stand_in", ["head_id"], unique=False)
    op.create_index(op.f("ix_stand_in_stand_in_id"), "stand_in", ["stand_in_id"], unique=False)
    op.create_index("ix_stand_in_ends_at", "stand_in", ["ends_at"], unique=False)
    with op.batch_alter_table("invite") as batch_op:
        batch_op.add_column(sa.Column("oversees", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision (every oversight and stand-in range is dropped)."""

    with op.batch_alter_table("invite") as batch_op:
        batch_op.drop_column("oversees")
    op.drop_index("ix_stand_in_ends_at", table_name="stand_in")
    op.drop_index(op.f("ix_stand_in_stand_in_id"), table_name="stand_in")
    op.drop_index(op.f("ix_stand_in_head_id"), table_name="stand_in")
    op.drop_table("stand_in")
    op.drop_index(op.f("ix_oversight_membership_id"), table_name="oversight")
    op.drop_table("oversight")
