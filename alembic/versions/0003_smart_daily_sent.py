"""Smart charging: remember the local date of each goal's last daily plan (sent at most once a day).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add smart_goals.daily_sent_on."""
    with op.batch_alter_table("smart_goals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("daily_sent_on", sa.String(length=10), nullable=True))


def downgrade() -> None:
    """Drop smart_goals.daily_sent_on."""
    with op.batch_alter_table("smart_goals", schema=None) as batch_op:
        batch_op.drop_column("daily_sent_on")
