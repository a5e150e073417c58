"""Index chat_links.account_id: the poller's claim asks, per due vehicle, whether its account has a chat.

Without it that question scanned every link, so each claim cost grew with the number of linked accounts
(a 10,000-vehicle sweep spent seconds in claims alone).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ix_chat_links_account_id."""
    op.create_index("ix_chat_links_account_id", "chat_links", ["account_id"], unique=False)


def downgrade() -> None:
    """Drop ix_chat_links_account_id."""
    op.drop_index("ix_chat_links_account_id", table_name="chat_links")
