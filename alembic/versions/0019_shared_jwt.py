"""The account's current JWT, encrypted, with its expiry (`accounts.jwt_enc`, `accounts.jwt_expires_at`).

Each process used to mint its own JWT per account (accounts.getJWT): a restart, another replica or a second
worker polling the car paid one more Renault request. The JWT minted by one is now kept on the account row
and used by every process until it expires.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add accounts.jwt_enc (a Fernet ciphertext) and accounts.jwt_expires_at, both nullable."""
    op.add_column("accounts", sa.Column("jwt_enc", sa.Text(), nullable=True))
    op.add_column("accounts", sa.Column("jwt_expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop both columns."""
    op.drop_column("accounts", "jwt_expires_at")
    op.drop_column("accounts", "jwt_enc")
