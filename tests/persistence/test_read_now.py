"""Database.read_now, the hot reads' way: on a SQLite file the query runs at once on the event loop (no
greenlet, no session), a lock sends it to a connection that waits off the loop; PostgreSQL runs it too."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import greenlet  # type: ignore[import-untyped]  # SQLAlchemy's dependency, without stubs
from sqlalchemy import Connection, text

from bot.persistence.engine import Database
from tests.support.ticks import ticking


def _where(conn: Connection) -> tuple[int, bool, int]:
    """The thread, whether in the main greenlet (not in SQLAlchemy's async bridge), and a result."""
    return (
        threading.get_ident(),
        greenlet.getcurrent().parent is None,
        conn.execute(text("SELECT 41 + 1")).scalar_one(),
    )


async def test_a_query_returns_its_result_on_every_database(db: Database) -> None:
    thread, _main, answer = await db.read_now(_where)
    assert answer == 42
    assert thread == threading.get_ident()


async def test_on_a_sqlite_file_the_query_runs_on_the_loop_without_the_async_bridge(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        assert await db.read_now(_where) == (threading.get_ident(), True, 42)
    finally:
        await db.dispose()


async def test_a_query_meeting_a_lock_waits_for_it_off_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x INTEGER)")
    # Exclusive locking mode: after its write, this connection keeps every other one from reading.
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO t VALUES (1)")
    holder.execute("COMMIT")
    db = Database.from_url(f"sqlite:///{path}")
    try:
        async with ticking() as ticks:
            reading = asyncio.create_task(
                db.read_now(lambda c: c.execute(text("SELECT count(*) FROM t")).scalar_one())
            )
            before = ticks.count
            await asyncio.sleep(0.3)
            assert not reading.done()  # it waits for the lock (it did not fail at once)...
            assert ticks.count > before + 5  # ...and the loop went on meanwhile
            holder.close()
            assert await asyncio.wait_for(reading, timeout=10) == 1
    finally:
        holder.close()
        await db.dispose()
