"""Index vehicle_states on (next_poll_at, vehicle_id), the order the poller claims due vehicles in.

The claim used to ask for `next_poll_at IS NULL OR next_poll_at <= t` ordered NULLs first: no index range
matches that, so PostgreSQL joined and sorted the whole fleet for every claim (0.5-0.7 s at 100,000 cars). The
claim is now two ranges of this index (never polled, then due), each walked in order until the batch is full.
It replaces the single-column index on next_poll_at, which it covers.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ix_vehicle_states_due, drop ix_vehicle_states_next_poll_at."""
    op.create_index("ix_vehicle_states_due", "vehicle_states", ["next_poll_at", "vehicle_id"], unique=False)
    op.drop_index("ix_vehicle_states_next_poll_at", table_name="vehicle_states")


def downgrade() -> None:
    """Back to the single-column index."""
    op.create_index("ix_vehicle_states_next_poll_at", "vehicle_states", ["next_poll_at"], unique=False)
    op.drop_index("ix_vehicle_states_due", table_name="vehicle_states")
