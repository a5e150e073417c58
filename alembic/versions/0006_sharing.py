"""Family sharing: who sees the location, members' names and since when, invites' life cycle.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add accounts.share_location, chat_links.member_name/linked_at, invites.created_at/revoked_at/owner_name."""
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("share_location", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("chat_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("owner_name", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Drop the sharing columns."""
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_column("owner_name")
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("created_at")
    with op.batch_alter_table("chat_links", schema=None) as batch_op:
        batch_op.drop_column("linked_at")
        batch_op.drop_column("member_name")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("share_location")
