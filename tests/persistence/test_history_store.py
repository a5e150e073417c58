"""Readings and sessions keep the car's energy counter and the session's energy method (SQLite and PG)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col

from bot.domain.history import BatteryReading, ChargeSession
from bot.domain.pricing import EnergyMethod
from bot.features.costs.store import SqlCostStore
from bot.features.history.store import SqlHistoryRepository
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.history import PAGE
from bot.persistence.tables import ChargeSessionRow
from tests.persistence import factories as f

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

START = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)


async def test_a_readings_reported_energy_round_trips(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    history = SqlHistoryRepository(db)
    reported = BatteryReading(vehicle_id, START, 40, 150.0, True, 7.4, True, 10_000.0, 20.9)
    silent = BatteryReading(vehicle_id, START + timedelta(minutes=5), 41, 152.0, True)
    assert await history.add_reading(reported)
    assert await history.add_reading(silent)
    assert await history.readings(vehicle_id, START) == [reported, silent]
    store = SqlCostStore(db, cipher)
    assert [r async for r in store.readings(vehicle_id, START, START + timedelta(hours=1))] == [
        reported,
        silent,
    ]


async def test_readings_are_read_a_page_at_a_time_without_losing_or_repeating_one(
    db: Database, cipher: CredentialCipher
) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    history = SqlHistoryRepository(db)
    times = [START + timedelta(minutes=m) for m in range(PAGE + 2)]
    await asyncio.gather(*(history.add_reading(BatteryReading(vehicle_id, t, 50)) for t in times))
    assert [r.reported_at for r in await history.readings(vehicle_id, START)] == times
    store = SqlCostStore(db, cipher)
    until = times[-1]  # excluded: [since, until)
    got = [r.reported_at async for r in store.readings(vehicle_id, START + timedelta(minutes=1), until)]
    assert got == times[1:-1]


async def test_a_sessions_counter_and_method_round_trip(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    history = SqlHistoryRepository(db)
    session = ChargeSession(
        vehicle_id, START, START + timedelta(hours=4), 40, 80, 20.3, 20.9, 41.2, EnergyMethod.REPORTED
    )
    await history.add_session(session)
    assert await history.sessions(vehicle_id, 5) == [session]
    store = SqlCostStore(db, cipher)
    assert await store.sessions(vehicle_id, START, START + timedelta(days=1)) == [session]
    # Updated in place as the charge goes on: the method follows.
    levels = ChargeSession(
        vehicle_id, START, START + timedelta(hours=4), 40, 80, 20.8, None, 41.2, EnergyMethod.LEVELS
    )
    await history.add_session(levels)
    assert await history.sessions(vehicle_id, 5) == [levels]


async def test_an_old_or_unknown_method_reads_as_none(db: Database, cipher: CredentialCipher) -> None:
    _, vehicle_id = await f.linked_zoe(db, cipher)
    history = SqlHistoryRepository(db)
    old = ChargeSession(vehicle_id, START, START + timedelta(hours=4), 40, 80, 20.8)
    await history.add_session(old)
    assert await history.sessions(vehicle_id, 5) == [old]
    async with db.write() as session:
        await session.execute(
            update(ChargeSessionRow)
            .where(col(ChargeSessionRow.vehicle_id) == vehicle_id)
            .values(energy_method="meter")
        )
    (read,) = await history.sessions(vehicle_id, 5)
    assert read.energy_method is None
