"""One table for every shared counter: the login attempt counters become `limit_counters`, which also holds
the per-chat limits (Refresh, location, /costs, /export) and each member's share of an account's call budget.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Rename login_attempts to limit_counters (and its index)."""
    op.drop_index("ix_login_attempts_updated_at", table_name="login_attempts")
    op.rename_table("login_attempts", "limit_counters")
    op.create_index("ix_limit_counters_updated_at", "limit_counters", ["updated_at"], unique=False)


def downgrade() -> None:
    """Rename limit_counters back to login_attempts."""
    op.drop_index("ix_limit_counters_updated_at", table_name="limit_counters")
    op.rename_table("limit_counters", "login_attempts")
    op.create_index("ix_login_attempts_updated_at", "login_attempts", ["updated_at"], unique=False)
