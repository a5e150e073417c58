"""Secret messages whose deletion failed: retried by a job until deleted or their sender is asked.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create secret_deletions."""
    op.create_table(
        "secret_deletions",
        sa.Column("chat_id", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "message_id"),
    )
    with op.batch_alter_table("secret_deletions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_secret_deletions_next_at"), ["next_at"], unique=False)


def downgrade() -> None:
    """Drop secret_deletions."""
    op.drop_table("secret_deletions")
