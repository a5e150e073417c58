"""Storage faults are survivable and said once: a full SQLite disk, a PostgreSQL that stops taking
connections (its connections cut with pg_terminate_backend on this test's own database, as a restart
would), back-off between attempts, one log line when an outage starts and one when it ends."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from bot.persistence.conversations import SqlActionRates
from bot.persistence.engine import Database, parse_database_url
from bot.persistence.migrations import upgrade_database
from bot.persistence.storage_faults import MAX_WAIT_SECONDS, StorageBackoff
from bot.services.ports import StorageUnavailable
from tests.support.clock import FakeClock
from tests.support.databases import PG_URL, create_pg_database, drop_pg_database
from tests.support.replicas import run_as_admin


class Monotonic:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _storage_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name.startswith("bot.") and "storage" in r.getMessage()
    ]


def test_an_outage_fails_fast_between_attempts_and_is_logged_once_each_way(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Monotonic()
    backoff = StorageBackoff("writes", clock)
    caplog.set_level(logging.WARNING)
    waits = []
    for _ in range(8):
        backoff.failed(OSError("disk full"))
        with pytest.raises(StorageUnavailable):
            backoff.check()  # no attempt while waiting
        start = clock.now
        while True:
            clock.now += 0.5
            try:
                backoff.check()
                break
            except StorageUnavailable:
                continue
        waits.append(clock.now - start)
    backoff.succeeded()
    backoff.check()
    assert waits[:4] == [1.0, 2.0, 4.0, 8.0]
    assert waits[-1] == MAX_WAIT_SECONDS
    lines = _storage_lines(caplog)
    assert len(lines) == 2
    assert "unavailable for writes" in lines[0]
    assert "back for writes" in lines[1]


def _limit_pages(db: Database, pages: dict[str, int]) -> None:
    """Every new connection of `db` may grow the file only up to pages["max"] pages (SQLite's own limit)."""

    def limit(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count = {pages['max']}")
        cursor.close()

    event.listen(db.engine.sync_engine, "connect", limit)


async def test_a_full_sqlite_disk_is_storage_unavailable_and_writes_resume_when_there_is_room(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Monotonic()
    db = Database(parse_database_url(f"sqlite:///{tmp_path / 'bot.db'}"), monotonic=clock)
    await upgrade_database(db)
    async with db.read() as session:
        used = (await session.execute(text("PRAGMA page_count"))).scalar_one()
    pages = {"max": used}
    _limit_pages(db, pages)
    await db.engine.dispose()  # the next connections get the limit
    rates, now = SqlActionRates(db), FakeClock()()
    caplog.set_level(logging.WARNING)
    with pytest.raises(StorageUnavailable, match="database or disk is full"):
        await _fill(rates, now)
    with pytest.raises(StorageUnavailable):
        await rates.try_acquire(10_001, now, timedelta(seconds=5))  # backing off: not even tried
    async with db.read() as session:  # reads still work on a full disk
        assert (await session.execute(text("SELECT COUNT(*) FROM action_rates"))).scalar_one() > 0
    pages["max"] = 1_000_000
    await db.engine.dispose()
    clock.now += MAX_WAIT_SECONDS
    assert await rates.try_acquire(10_002, now, timedelta(seconds=5)) is None
    await db.dispose()
    assert len(_storage_lines(caplog)) == 2  # it began, it ended


async def _fill(rates: SqlActionRates, now: datetime) -> None:
    for chat in range(1, 10_000):  # rows until the file would need a page more than allowed
        await rates.try_acquire(chat, now, timedelta(seconds=5))


@pytest.fixture
async def pg_database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database of this test's own (a restart is a PostgreSQL matter)."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL must be set in CI")
        pytest.skip("TEST_DATABASE_URL not set")
    url = await create_pg_database()
    yield url
    await drop_pg_database(url)


@pytest.mark.postgres
async def test_postgresql_going_away_mid_run_is_survived_and_resumed(
    pg_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Monotonic()
    db = Database(parse_database_url(pg_database), monotonic=clock)
    await upgrade_database(db)
    name = make_url(pg_database).database
    rates, now = SqlActionRates(db), FakeClock()()
    assert await rates.try_acquire(1, now, timedelta(seconds=5)) is None
    caplog.set_level(logging.WARNING)
    # As during a restart: every connection of the bot is cut, and new ones are refused for a while.
    await run_as_admin(PG_URL, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    cut = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"  # noqa: S608
    await run_as_admin(PG_URL, cut)
    try:
        for chat in (2, 3):
            with pytest.raises(StorageUnavailable):
                await rates.try_acquire(chat, now, timedelta(seconds=5))
            clock.now += MAX_WAIT_SECONDS
        with pytest.raises(StorageUnavailable):
            async with db.read() as session:
                await session.execute(text("SELECT 1"))
    finally:
        await run_as_admin(PG_URL, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    clock.now += MAX_WAIT_SECONDS
    assert await rates.try_acquire(4, now, timedelta(seconds=5)) is None
    async with db.read() as session:
        assert (await session.execute(text("SELECT COUNT(*) FROM action_rates"))).scalar_one() == 2
    await db.dispose()
    lines = _storage_lines(caplog)
    assert sorted(line.split(" (")[0].split(" after")[0] for line in lines) == [
        "storage is back for reads",
        "storage is back for writes",
        "storage unavailable for reads",
        "storage unavailable for writes",
    ]
