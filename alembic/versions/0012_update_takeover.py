"""No update left behind: the journal keeps each update's content (encrypted, until it is handled) and how
often it was taken over, so a replica takes over an update whose replica died while handling it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add content_enc and takeovers to telegram_updates."""
    with op.batch_alter_table("telegram_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_enc", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("takeovers", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("telegram_updates", schema=None) as batch_op:
        batch_op.drop_column("takeovers")
        batch_op.drop_column("content_enc")
