"""Outbox claims become leases with an owner (taken over when the owner is gone or the lease ran out),
and pauses of Telegram sends are stored (per chat after flood control, for every chat after Telegram
failed), so every replica waits.

The old claims (`<key>#claim` rows, never released) are deleted: a ping whose sender died with the claim is
pending again and is sent (at-least-once), instead of never.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the claim columns, create send_pauses, drop the old claim rows."""
    with op.batch_alter_table("notification_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_owner", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "send_pauses",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope"),
    )
    op.create_index(op.f("ix_send_pauses_until"), "send_pauses", ["until"], unique=False)
    op.execute(sa.text("DELETE FROM notification_log WHERE dedup_key LIKE '%#claim'"))


def downgrade() -> None:
    """Drop what upgrade added (claims in flight are forgotten)."""
    op.drop_index(op.f("ix_send_pauses_until"), table_name="send_pauses")
    op.drop_table("send_pauses")
    with op.batch_alter_table("notification_log", schema=None) as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("claim_expires_at")
        batch_op.drop_column("claim_owner")
