"""The outbox forgets by construction: a ping is tied to its vehicle (or its account) by a cascading foreign
key, and neither its key nor its payload holds the VIN any more (our vehicle id stands for the car).

Rows already stored: finished ones (sent, dropped) were only dedup memory for keys that are no longer made,
so they go; pending ones get their vehicle set and their VIN replaced (or go with a vehicle already gone).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

VIN_MARK = "@vehicle@"  # bot.services.notify.VIN_MARK at the time of this migration

_outbox = sa.table(
    "notification_log",
    sa.column("dedup_key", sa.String()),
    sa.column("vehicle_id", sa.Integer()),
    sa.column("payload", sa.JSON()),
    sa.column("status", sa.String()),
)
_vehicles = sa.table("vehicles", sa.column("id", sa.Integer()), sa.column("vin", sa.String()))


def upgrade() -> None:
    """Add account_id; drop finished rows; rewrite pending rows without their VIN."""
    with op.batch_alter_table("notification_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notification_log_account_id"), ["account_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_notification_log_account_id_accounts", "accounts", ["account_id"], ["id"], ondelete="CASCADE"
        )
    bind = op.get_bind()
    bind.execute(sa.delete(_outbox).where(_outbox.c.status != "pending"))
    vins = {row.id: row.vin for row in bind.execute(sa.select(_vehicles.c.id, _vehicles.c.vin))}
    for row in list(bind.execute(sa.select(_outbox.c.dedup_key, _outbox.c.payload))):
        _scrub(bind, row.dedup_key, row.payload, vins)


def _scrub(bind: Any, key: str, payload: Any, vins: dict[int, str]) -> None:
    vehicle_id = payload.get("vehicle_id") if isinstance(payload, dict) else None
    where = _outbox.c.dedup_key == key
    if not isinstance(vehicle_id, int):
        return  # a ping about an account, a chat or people: it names no car
    vin = vins.get(vehicle_id)
    if vin is None:
        bind.execute(sa.delete(_outbox).where(where))  # its car is already gone
        return
    text = json.dumps(payload)
    bind.execute(
        sa.update(_outbox)
        .where(where)
        .values(
            dedup_key=key.replace(vin, f"vehicle{vehicle_id}"),
            vehicle_id=vehicle_id,
            payload=json.loads(text.replace(vin, VIN_MARK)),
        )
    )


def downgrade() -> None:
    """Drop account_id (the rewritten keys and payloads stay rewritten)."""
    with op.batch_alter_table("notification_log", schema=None) as batch_op:
        batch_op.drop_constraint("fk_notification_log_account_id_accounts", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notification_log_account_id"))
        batch_op.drop_column("account_id")
