"""The SQLite driver: statements run on the event loop's thread; a wait for another connection's lock goes
to aiosqlite's thread, so the loop (and the connection holding the lock) goes on meanwhile."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from sqlalchemy import text

from bot.persistence.engine import Database
from bot.persistence.sqlite_driver import OneTripConnection
from tests.support.ticks import ticking


async def _database(path: Path) -> Database:
    db = Database.from_url(f"sqlite:///{path}")
    async with db.write() as session:
        await session.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
    return db


async def test_a_statement_runs_on_the_event_loops_thread(tmp_path: Path) -> None:
    db = await _database(tmp_path / "bot.db")
    try:
        async with db.read() as session:
            raw = await (await session.connection()).get_raw_connection()
            driver = raw.driver_connection
            assert isinstance(driver, OneTripConnection)
            # A SQL function that says which thread runs the statement calling it.
            driver._conn.create_function("thread_id", 0, threading.get_ident)
            ran_on = (await session.execute(text("SELECT thread_id()"))).scalar_one()
        assert ran_on == threading.get_ident()
    finally:
        await db.dispose()


async def test_a_write_waiting_for_another_connections_lock_leaves_the_loop_running(tmp_path: Path) -> None:
    # Two engines on one file, as two processes would be: the second's write waits for the first's lock.
    first, second = await _database(tmp_path / "bot.db"), await _database(tmp_path / "bot.db")
    holding, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with first.write() as session:
            await session.execute(text("INSERT INTO t VALUES (1)"))
            holding.set()
            await release.wait()

    async def wait_for_it() -> None:
        async with second.write() as session:
            await session.execute(text("INSERT INTO t VALUES (2)"))

    try:
        holder = asyncio.create_task(hold())
        await holding.wait()
        async with ticking() as ticks:
            waiter = asyncio.create_task(wait_for_it())
            before = ticks.count
            await asyncio.sleep(0.3)
            assert not waiter.done()  # it waits for the lock (it did not fail at once)...
            assert ticks.count > before + 5  # ...and the loop went on meanwhile
        release.set()
        await asyncio.wait_for(asyncio.gather(holder, waiter), timeout=10)
        async with second.read() as session:
            stored = sorted((await session.execute(text("SELECT x FROM t"))).scalars())
        assert stored == [1, 2]
    finally:
        await first.dispose()
        await second.dispose()
