"""Journaled updates name their holder (the process that queued them), whose take-over job renews them:
an update is taken over only when its holder stopped renewing it or is known gone, not because it waited
long in a live replica's queue.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add holder to telegram_updates."""
    with op.batch_alter_table("telegram_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holder", sa.String(length=128), nullable=True))


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("telegram_updates", schema=None) as batch_op:
        batch_op.drop_column("holder")
