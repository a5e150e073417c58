"""Smart charging: per-vehicle plan state, per-chat goals and tariff choice.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the smart-charging tables."""
    op.create_table(
        "smart_charge_states",
        sa.Column("vehicle_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("armed", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("vehicle_id"),
    )
    with op.batch_alter_table("smart_charge_states", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_smart_charge_states_armed"), ["armed"], unique=False)
    op.create_table(
        "smart_goals",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("target_level", sa.Integer(), nullable=False),
        sa.Column("ready_at", sa.String(length=5), nullable=False),
        sa.Column("daily", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.chat_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("chat_id", "vehicle_id"),
    )
    with op.batch_alter_table("smart_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_smart_goals_daily"), ["daily"], unique=False)
    op.create_table(
        "smart_tariffs",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.chat_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("chat_id"),
    )


def downgrade() -> None:
    """Drop the smart-charging tables."""
    op.drop_table("smart_tariffs")
    with op.batch_alter_table("smart_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_smart_goals_daily"))
    op.drop_table("smart_goals")
    with op.batch_alter_table("smart_charge_states", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_smart_charge_states_armed"))
    op.drop_table("smart_charge_states")
