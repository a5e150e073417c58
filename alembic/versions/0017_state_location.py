"""The car's last position read by /where, encrypted in its own column (`vehicle_states.location_enc`).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add vehicle_states.location_enc (a Fernet ciphertext, nullable)."""
    op.add_column("vehicle_states", sa.Column("location_enc", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop vehicle_states.location_enc."""
    op.drop_column("vehicle_states", "location_enc")
