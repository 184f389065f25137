"""evidence archive: files kept by SHA-256, fetch state per attachment

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "evidence_blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("stored_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_evidence_blob")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sender_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("received_at", UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("fetch_state", sa.String(length=16), server_default="none", nullable=False)
        )
        batch_op.add_column(
            sa.Column("fetch_attempts", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("fetch_after", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("fetch_error", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_evidence_sender_id_person"), "person", ["sender_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_evidence_sha256_evidence_blob"),
            "evidence_blob",
            ["sha256"],
            ["sha256"],
        )
        batch_op.create_index("ix_evidence_fetch", ["fetch_state", "fetch_after"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_sha256"), ["sha256"], unique=False)
    # Files attached before this revision are fetched now, while Telegram still has them;
    # their sender is the person who confirmed the answer.
    op.execute(
        "UPDATE evidence SET fetch_state = 'pending', "
        "sender_id = (SELECT person_id FROM report WHERE report.id = evidence.report_id), "
        "received_at = (SELECT created_at FROM report WHERE report.id = evidence.report_id) "
        "WHERE file_id IS NOT NULL"
    )


def downgrade() -> None:
    """Revert this revision (the archived files stay on disk)."""

    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_sha256"))
        batch_op.drop_index("ix_evidence_fetch")
        batch_op.drop_constraint(batch_op.f("fk_evidence_sha256_evidence_blob"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_evidence_sender_id_person"), type_="foreignkey")
        for column in (
            "sha256",
            "fetch_error",
            "fetch_after",
            "fetch_attempts",
            "fetch_state",
            "received_at",
            "sender_id",
        ):
            batch_op.drop_column(column)
    op.drop_table("evidence_blob")
