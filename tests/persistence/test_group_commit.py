"""Group commit: concurrent writes share transactions, each caller gets its own result or error."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.account import BatteryReading
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.group_commit import GroupCommit
from bot.persistence.history import SqlHistoryRepository
from tests.persistence.factories import linked_zoe

WHEN = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def test_concurrent_submissions_share_few_transactions(db: Database) -> None:
    batches: list[int] = []

    async def writer(session: AsyncSession, items: list[int]) -> list[int | Exception]:
        batches.append(len(items))
        return [item * 2 if item != 7 else ValueError("seven") for item in items]

    group: GroupCommit[int, int] = GroupCommit(db, writer)
    results = await asyncio.gather(*(group.submit(i) for i in range(50)), return_exceptions=True)
    assert results[3] == 6
    assert isinstance(results[7], ValueError)
    assert sum(batches) == 50
    assert len(batches) < 50


async def test_a_failing_transaction_fails_only_its_own_batch(db: Database) -> None:
    async def writer(session: AsyncSession, items: list[int]) -> list[int | Exception]:
        if 0 in items:
            raise RuntimeError("boom")
        return list(items)

    group: GroupCommit[int, int] = GroupCommit(db, writer)
    with pytest.raises(RuntimeError):
        await group.submit(0)
    assert await group.submit(5) == 5


async def test_readings_of_a_sweep_are_stored_once_each(db: Database, cipher: CredentialCipher) -> None:
    history = SqlHistoryRepository(db)
    _, vehicle_id = await linked_zoe(db, cipher)
    readings = [BatteryReading(vehicle_id, WHEN + timedelta(minutes=i % 10), 50 + i % 10) for i in range(30)]
    stored = await asyncio.gather(*(history.add_reading(r) for r in readings))
    assert stored.count(True) == 10
    assert len(await history.readings(vehicle_id, WHEN)) == 10
