"""Conversation state in the database: /login with its pending 2FA challenge, editor drafts, the per-chat
action rate, and the journal of Telegram updates (dedupe and per-chat ordering across replicas).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create login_conversations, conversation_drafts, action_rates and telegram_updates."""
    op.create_table(
        "login_conversations",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("email_enc", sa.Text(), nullable=True),
        sa.Column("challenge_id", sa.String(length=32), nullable=True),
        sa.Column("masked_emails", sa.JSON(), nullable=True),
        sa.Column("challenge_enc", sa.Text(), nullable=True),
        sa.Column("challenge_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )
    with op.batch_alter_table("login_conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_conversations_expires_at"), ["expires_at"], unique=False)
    op.create_table(
        "conversation_drafts",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("data_enc", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "kind"),
    )
    with op.batch_alter_table("conversation_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_drafts_expires_at"), ["expires_at"], unique=False)
    op.create_table(
        "action_rates",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("last_action_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )
    with op.batch_alter_table("action_rates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_rates_last_action_at"), ["last_action_at"], unique=False)
    op.create_table(
        "telegram_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id"),
    )
    with op.batch_alter_table("telegram_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_telegram_updates_chat_id"), ["chat_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_telegram_updates_received_at"), ["received_at"], unique=False)


def downgrade() -> None:
    """Drop the conversation-state tables."""
    with op.batch_alter_table("telegram_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_telegram_updates_received_at"))
        batch_op.drop_index(batch_op.f("ix_telegram_updates_chat_id"))
    op.drop_table("telegram_updates")
    with op.batch_alter_table("action_rates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_rates_last_action_at"))
    op.drop_table("action_rates")
    with op.batch_alter_table("conversation_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_drafts_expires_at"))
    op.drop_table("conversation_drafts")
    with op.batch_alter_table("login_conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_conversations_expires_at"))
    op.drop_table("login_conversations")
