"""Charging costs: per-chat cost settings (encrypted home), priced sessions per chat, the plug state, mileage
and car-reported energy of each battery reading (for "charging at plug-in", cost per 100 km and reported
kWh), and each charge session's energy counter at both ends and how its kWh were found.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create cost_settings and session_costs; add reading plug, mileage and energy; add session energy."""
    op.create_table(
        "cost_settings",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("home_enc", sa.Text(), nullable=True),
        sa.Column("loss", sa.String(length=8), nullable=False),
        sa.Column("monthly_summary", sa.Boolean(), nullable=False),
        sa.Column("monthly_sent", sa.String(length=7), nullable=True),
        sa.Column("awaiting", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.chat_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("chat_id"),
    )
    op.create_table(
        "session_costs",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("place", sa.String(length=8), nullable=False),
        sa.Column("battery_kwh", sa.String(length=32), nullable=True),
        sa.Column("grid_kwh", sa.String(length=32), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("cost", sa.String(length=32), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("gaps", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("plugged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("at_plug_in", sa.String(length=32), nullable=True),
        sa.Column("away", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.chat_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("chat_id", "vehicle_id", "started_at"),
    )
    op.create_index("ix_session_costs_chat_start", "session_costs", ["chat_id", "started_at"], unique=False)
    with op.batch_alter_table("battery_readings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plugged", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("mileage_km", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("available_energy_kwh", sa.Float(), nullable=True))
    with op.batch_alter_table("charge_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_energy_kwh", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("end_energy_kwh", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("energy_method", sa.String(length=16), nullable=True))


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("charge_sessions", schema=None) as batch_op:
        batch_op.drop_column("energy_method")
        batch_op.drop_column("end_energy_kwh")
        batch_op.drop_column("start_energy_kwh")
    with op.batch_alter_table("battery_readings", schema=None) as batch_op:
        batch_op.drop_column("available_energy_kwh")
        batch_op.drop_column("mileage_km")
        batch_op.drop_column("plugged")
    op.drop_index("ix_session_costs_chat_start", table_name="session_costs")
    op.drop_table("session_costs")
    op.drop_table("cost_settings")
