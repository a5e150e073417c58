"""The stored state says how the last read of the car went: its health (ok, Renault down, quota, needs
login, failed), when, and when a read last succeeded, so /status serves the stored truth.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add health, health_at and read_at to vehicle_states."""
    with op.batch_alter_table("vehicle_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("health", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("health_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("vehicle_states", schema=None) as batch_op:
        batch_op.drop_column("read_at")
        batch_op.drop_column("health_at")
        batch_op.drop_column("health")
