"""What one update costs the database: the reads of a known chat write nothing, SQLite reads open no
transaction, and the writes of a burst (arrivals, handled marks, dropped screens) share statements."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, select, text
from sqlmodel import col

from bot.domain.snapshot import GeoPoint, VehicleSnapshot
from bot.persistence.chats import SqlChatRepository
from bot.persistence.conversations import SqlDraftStore
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.state import SqlVehicleStateRepository
from bot.persistence.tables import ConversationDraftRow, TelegramUpdateRow
from bot.persistence.update_journal import SqlUpdateJournal
from bot.persistence.vehicles import SqlVehicleRepository
from tests.persistence.factories import linked_zoe
from tests.support.clock import FakeClock
from tests.support.statements import recorded

WHEN = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
SNAPSHOT = VehicleSnapshot(vin="VF1AG000012345678", reported_at=WHEN, battery_level=71, range_km=230.0)


async def test_the_settings_of_a_known_chat_are_read_without_a_write(db: Database) -> None:
    chats = SqlChatRepository(db)
    created = await chats.ensure(7, "de")
    with recorded(db) as seen:
        again = await chats.ensure(7, "en")
    assert again == created
    assert "COMMIT" not in seen
    assert not any(sql.startswith(("INSERT", "UPDATE", "BEGIN IMMEDIATE")) for sql in seen)
    await chats.deactivate(7)
    assert (await chats.ensure(7, "en")).active  # a stopped chat is still reactivated (a write)


async def test_a_read_session_on_sqlite_opens_no_transaction(db: Database) -> None:
    with recorded(db) as seen:
        async with db.read() as session:
            await session.execute(select(1))
    if db.is_sqlite:
        assert seen == ["SELECT 1"]
    assert "COMMIT" not in seen


async def test_a_burst_of_arrivals_is_journaled_in_shared_statements(
    db: Database, cipher: CredentialCipher
) -> None:
    journal = SqlUpdateJournal(db, FakeClock(), cipher)
    assert await journal.arrived(1, 100, WHEN, "{}")
    with recorded(db) as seen:
        fresh = await asyncio.gather(*(journal.arrived(n, 100 + n, WHEN, "{}") for n in range(1, 21)))
    # update 1 came before: a redelivery; the 19 others are new.
    assert fresh == [False] + [True] * 19
    inserts = [sql for sql in seen if sql.startswith("INSERT INTO telegram_updates")]
    assert 1 <= len(inserts) < 20
    async with db.read() as session:
        stored = (await session.scalars(select(col(TelegramUpdateRow.update_id)))).all()
    assert sorted(stored) == list(range(1, 21))


async def test_the_same_update_twice_in_one_burst_is_fresh_once(
    db: Database, cipher: CredentialCipher
) -> None:
    journal = SqlUpdateJournal(db, FakeClock(), cipher)
    fresh = await asyncio.gather(*(journal.arrived(5, 100, WHEN, "{}") for _ in range(4)))
    assert sorted(fresh) == [False, False, False, True]


async def test_turns_ending_together_mark_their_updates_handled_in_shared_statements(
    db: Database, cipher: CredentialCipher
) -> None:
    journal = SqlUpdateJournal(db, FakeClock(), cipher)
    for n in range(1, 11):
        await journal.arrived(n, 100 + n, WHEN, "{}")
    release, all_in, inside = asyncio.Event(), asyncio.Event(), []

    async def handle(n: int) -> bool:
        async with journal.turn(100 + n, n) as mine:
            inside.append(n)
            if len(inside) == 10:
                all_in.set()
            await release.wait()
            return mine

    with recorded(db) as seen:
        turns = [asyncio.create_task(handle(n)) for n in range(1, 11)]
        await all_in.wait()  # every turn taken: they all end together
        release.set()
        assert all(await asyncio.gather(*turns))
        await journal.settle()  # SQLite commits the marks in the background
    async with db.read() as session:
        rows = (await session.execute(select(TelegramUpdateRow))).scalars().all()
    assert all(row.handled_at is not None and row.content_enc is None for row in rows)
    if db.is_sqlite:  # PostgreSQL marks each inside its own turn's transaction, which holds the chat's lock
        marks = [sql for sql in seen if sql.startswith("UPDATE telegram_updates")]
        assert 1 <= len(marks) < 10
    await journal.dispose()


async def test_screens_left_together_are_dropped_in_shared_statements(
    db: Database, cipher: CredentialCipher
) -> None:
    drafts = SqlDraftStore(db, cipher)
    for chat in range(1, 11):
        await drafts.save_draft(chat, "focus", "{}", WHEN.replace(year=2030))
    await drafts.save_draft(1, "schedule", "{}", WHEN.replace(year=2030))
    with recorded(db) as seen:
        await asyncio.gather(*(drafts.drop_draft(chat, "focus") for chat in range(1, 11)))
    deletes = [sql for sql in seen if sql.startswith("DELETE FROM conversation_drafts")]
    assert 1 <= len(deletes) < 10
    async with db.read() as session:
        left = (await session.execute(select(ConversationDraftRow))).scalars().all()
    assert [(row.chat_id, row.kind) for row in left] == [(1, "schedule")]  # other kinds are kept


async def test_a_chats_vehicles_and_its_choice_come_in_one_query(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await linked_zoe(db, cipher, chat_id=100)
    vehicles, chats = SqlVehicleRepository(db, cipher), SqlChatRepository(db)
    await chats.ensure(100, "fr")
    assert (await vehicles.vehicles_and_choice(100))[1] is None
    await chats.set_active_vehicle(100, vehicle_id)
    with recorded(db) as seen:
        visible, chosen = await vehicles.vehicles_and_choice(100)
    assert [v.vehicle_id for v in visible] == [vehicle_id]
    assert chosen == vehicle_id
    assert len([sql for sql in seen if sql.startswith("SELECT")]) == 1
    assert await vehicles.vehicles_and_choice(999) == ([], None)


async def test_a_burst_of_sessions_on_a_sqlite_file_reuses_its_connections(tmp_path: Path) -> None:
    # 16 updates handled at once each hold a session: connections (each with an aiosqlite thread) are
    # opened once, not per session.
    db = Database.from_url(f"sqlite:///{tmp_path / 'bot.db'}")
    opened: list[object] = []
    event.listen(db.engine.sync_engine, "connect", lambda *_: opened.append(1))
    release, all_in = asyncio.Event(), asyncio.Event()
    holding: list[object] = []

    async def hold() -> None:
        async with db.read() as session:
            await session.execute(select(1))
            holding.append(1)
            if len(holding) == 16:
                all_in.set()
            await release.wait()

    try:
        for _ in range(3):
            release.clear()
            all_in.clear()
            holding.clear()
            holders = [asyncio.create_task(hold()) for _ in range(16)]
            await all_in.wait()
            release.set()
            await asyncio.gather(*holders)
        assert len(opened) == 16
    finally:
        await db.dispose()


async def test_a_chats_card_is_one_select_without_the_position(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await linked_zoe(db, cipher, chat_id=100)
    states, chats = SqlVehicleStateRepository(db, cipher), SqlChatRepository(db)
    assert await states.card_of(999) is None  # never seen: the long way (its settings made first)
    await chats.ensure(100, "fr")
    await chats.set_active_vehicle(100, vehicle_id)
    empty = await states.card_of(100)
    assert empty is not None
    assert empty.states[vehicle_id].snapshot is None  # no reading stored yet
    await states.record_read(vehicle_id, SNAPSHOT, "idle", WHEN)
    await states.record_location(vehicle_id, GeoPoint(48.8, 2.3, WHEN))
    with recorded(db) as seen:
        card = await states.card_of(100)
    assert [sql.split()[0] for sql in seen] == ["SELECT"]
    assert "vehicle_states.location_enc" not in seen[0]  # the stored position is not even read
    assert card is not None
    assert card.settings == await chats.get(100)
    assert [v.vehicle_id for v in card.vehicles] == [vehicle_id]
    assert card.chosen == vehicle_id
    stored = card.states[vehicle_id].snapshot
    assert stored is not None
    assert stored.battery_level == SNAPSHOT.battery_level
    assert stored.location is None  # the card shows no position: it is not even decrypted
    assert (await states.load(vehicle_id)).snapshot is not None


async def test_a_read_session_holds_no_transaction_between_its_statements(db: Database) -> None:
    # Two reads of one session, a moment apart: in a transaction they would share its start time.
    if db.is_sqlite:
        pytest.skip("SQLite reads send no BEGIN at all (the test above)")
    async with db.read() as session:
        first = (await session.execute(text("SELECT transaction_timestamp()"))).scalar_one()
        await session.execute(text("SELECT pg_sleep(0.02)"))
        second = (await session.execute(text("SELECT transaction_timestamp()"))).scalar_one()
    assert second > first
