"""Forgetting by construction: every table of the migrated schema is owned by an account through cascading
foreign keys, or is declared a chat's own; deleting an account removes its rows in one transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, inspect, text

from bot.app.parts import EVENT_TYPES
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.outbox import SqlNotificationLog
from bot.persistence.ownership import ACCOUNT_TABLE, CHAT_SCOPED
from bot.persistence.state import SqlVehicleStateRepository
from bot.services.ports import StoredVehicleState
from tests.persistence import factories as f
from tests.support.clock import FakeClock


def _schema(connection: Connection) -> dict[str, list[dict[str, Any]]]:
    inspector = inspect(connection)
    tables = [name for name in inspector.get_table_names() if name != "alembic_version"]
    return {name: [dict(key) for key in inspector.get_foreign_keys(name)] for name in tables}


def _owned(schema: dict[str, list[dict[str, Any]]]) -> set[str]:
    """Tables reaching `accounts` through foreign keys that cascade on delete at every step."""
    owned = {ACCOUNT_TABLE}
    grew = True
    while grew:
        grew = False
        for table, keys in schema.items():
            cascades = [k for k in keys if (k.get("options") or {}).get("ondelete", "").upper() == "CASCADE"]
            if table not in owned and any(k["referred_table"] in owned for k in cascades):
                owned.add(table)
                grew = True
    return owned


async def test_every_table_is_owned_by_an_account_or_declared_a_chats_own(db: Database) -> None:
    async with db.engine.connect() as connection:
        schema = await connection.run_sync(_schema)
    owned = _owned(schema)
    undecided = sorted(set(schema) - owned - set(CHAT_SCOPED))
    assert undecided == [], (
        f"{undecided}: tie each to its account (a foreign key to accounts or vehicles with ON DELETE "
        "CASCADE) or declare it in bot/persistence/ownership.py:CHAT_SCOPED with why it names no account"
    )
    assert sorted(set(CHAT_SCOPED) - set(schema)) == []  # no stale declarations
    assert {"vehicles", "vehicle_states", "notification_log", "battery_readings", "invites"} <= owned


async def test_deleting_an_account_takes_its_pings_and_state_in_the_same_transaction(
    db: Database, cipher: CredentialCipher
) -> None:
    account_id, vehicle_id = await f.linked_zoe(db, cipher)
    now = FakeClock()()
    log = SqlNotificationLog(db, EVENT_TYPES)
    await log.reserve(
        f"vehicle{vehicle_id}:plugged:t@100", 100, f.ping(vehicle_id), now, vehicle_id=vehicle_id
    )
    await log.reserve(f"account:{account_id}:credentials:t@100", 100, f.ping(), now, account_id=account_id)
    await log.reserve("chat100:monthly_summary:2026-10", 100, f.ping(), now)  # the chat's own: it stays
    await SqlVehicleStateRepository(db).save(StoredVehicleState(vehicle_id))
    await SqlAccountRepository(db, cipher).delete_account(account_id)
    async with db.read() as session:
        keys = (await session.execute(text("SELECT dedup_key FROM notification_log"))).scalars().all()
        states = (await session.execute(text("SELECT COUNT(*) FROM vehicle_states"))).scalar_one()
    assert keys == ["chat100:monthly_summary:2026-10"]
    assert states == 0
