"""Upgrading an outbox written before pings forgot their VIN: no VIN is left, pending pings still go out."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa

from bot.app.parts import EVENT_TYPES
from bot.domain.events import Plugged
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.persistence.outbox import payload_from_json
from bot.persistence.tables import UtcDateTime
from tests.persistence import factories as f

AT = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
OLD = sa.table(
    "notification_log",
    sa.column("dedup_key", sa.String()),
    sa.column("chat_id", sa.BigInteger()),
    sa.column("payload", sa.JSON()),
    sa.column("deliver_at", UtcDateTime()),
    sa.column("status", sa.String()),
)


def _old_ping(vehicle_id: int, status: str = "pending", kind: str = "plugged") -> dict[str, object]:
    event = {"type": "Plugged", "vin": f.VIN, "reported_at": AT.isoformat(), "battery_level": 40}
    return {
        "dedup_key": f"{f.VIN}:{kind}:{AT.isoformat()}@100",
        "chat_id": 100,
        "payload": {"event": event, "vehicle_id": vehicle_id, "deferred": False},
        "deliver_at": AT,
        "status": status,
    }


async def test_the_upgrade_leaves_no_vin_in_the_outbox(database_url: str, cipher: CredentialCipher) -> None:
    database = Database.from_url(database_url)
    try:
        await upgrade_database(database, "0010")
        _, vehicle_id = await f.linked_zoe(database, cipher)
        rows = [
            _old_ping(vehicle_id),
            _old_ping(vehicle_id, "sent", kind="unplugged"),
            _old_ping(vehicle_id + 1, kind="charge_started"),  # its car is gone already
        ]
        async with database.engine.begin() as conn:
            await conn.execute(sa.insert(OLD), rows)
        await upgrade_database(database)
        async with database.engine.connect() as conn:
            left = (
                await conn.execute(sa.text("SELECT dedup_key, vehicle_id, payload FROM notification_log"))
            ).all()
    finally:
        await database.dispose()
    ((key, tied_to, payload),) = left
    payload = payload if isinstance(payload, dict) else json.loads(payload)
    assert f.VIN not in key
    assert f.VIN not in json.dumps(payload)
    assert key == f"vehicle{vehicle_id}:plugged:{AT.isoformat()}@100"
    assert tied_to == vehicle_id
    event = payload_from_json(
        payload, EVENT_TYPES, vin=f.VIN
    ).event  # the pending ping still goes out, naming its car
    assert isinstance(event, Plugged)
    assert event.vin == f.VIN
