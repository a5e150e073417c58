"""The journal of Telegram updates: each update_id recorded once (a redelivery is not handled twice), and a
chat's turn, so one chat's updates are handled one at a time, in update_id order, on every replica.

PostgreSQL: the turn is a transaction-scoped advisory lock on the chat id (`pg_advisory_xact_lock`), taken
on a connection of its own and held while the update is handled; SQLite (one process): an asyncio lock
per chat. Under the turn, an earlier update of the same chat that arrived (on any replica) but is not
handled yet goes first: the turn is given back and taken again a moment later, for at most
`PREDECESSOR_WAIT` (a replica that died holding an update must not block the chat for good).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from sqlalchemy import Update, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlmodel import col

from bot.persistence.engine import Database
from bot.persistence.tables import TelegramUpdateRow

log = logging.getLogger(__name__)

PREDECESSOR_WAIT = timedelta(seconds=5)
# An earlier update that arrived longer ago than this and is still not handled was lost with its replica.
PREDECESSOR_STALE = timedelta(seconds=30)
RETRY_SECONDS = 0.02


class SqlUpdateJournal:
    """UpdateJournal on `telegram_updates` (and advisory locks on PostgreSQL)."""

    def __init__(self, db: Database, clock: Callable[[], datetime], *, lock_pool_size: int = 16) -> None:
        self._db = db
        self._clock = clock
        # A chat's lock lives while a turn holds or waits for it (a weak map: memory does not grow per chat).
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._lock_engine: AsyncEngine | None = None
        self._lock_pool_size = lock_pool_size

    async def arrived(self, update_id: int, chat_id: int | None, now: datetime) -> bool:
        """Record the arrival; False when this update_id was recorded before."""
        table = TelegramUpdateRow.__table__  # type: ignore[attr-defined]
        dialect_insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        statement = (
            dialect_insert(table)
            .values(update_id=update_id, chat_id=chat_id, received_at=now)
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(table.c.update_id)
        )
        async with self._db.write() as session:
            return (await session.execute(statement)).first() is not None

    @asynccontextmanager
    async def turn(self, chat_id: int, update_id: int) -> AsyncIterator[None]:
        """Hold the chat's turn while the update is handled; marks it handled before letting go."""
        loop = asyncio.get_running_loop()
        # A wait on the wall of this process, not the injected clock: it bounds a lock wait, it is no date.
        deadline = loop.time() + PREDECESSOR_WAIT.total_seconds()
        if self._db.is_sqlite:
            lock = self._locks.get(chat_id)
            if lock is None:
                lock = self._locks[chat_id] = asyncio.Lock()
            while True:
                async with lock:
                    async with self._db.read() as session:
                        conn = await session.connection()
                        waiting = await self._earlier_pending(conn, chat_id, update_id)
                    if loop.time() >= deadline or not waiting:
                        try:
                            yield
                        finally:
                            await self._mark_handled(update_id)
                        return
                await asyncio.sleep(RETRY_SECONDS)
        engine = self._engine()
        while True:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": chat_id})
                if loop.time() >= deadline or not await self._earlier_pending(conn, chat_id, update_id):
                    try:
                        yield
                    finally:
                        await conn.execute(_handled(update_id, self._clock()))
                        await conn.commit()  # also ends the transaction, which releases the lock
                    return
                await conn.rollback()
            await asyncio.sleep(RETRY_SECONDS)  # the earlier update's replica takes the turn meanwhile

    async def _earlier_pending(self, conn: AsyncConnection, chat_id: int, update_id: int) -> bool:
        since = self._clock() - PREDECESSOR_STALE
        found = await conn.scalar(
            select(col(TelegramUpdateRow.update_id))
            .where(
                col(TelegramUpdateRow.chat_id) == chat_id,
                col(TelegramUpdateRow.update_id) < update_id,
                col(TelegramUpdateRow.handled_at).is_(None),
                col(TelegramUpdateRow.received_at) > since,
            )
            .limit(1)
        )
        return found is not None

    async def _mark_handled(self, update_id: int) -> None:
        async with self._db.write() as session:
            await session.execute(_handled(update_id, self._clock()))

    def _engine(self) -> AsyncEngine:
        # Turns hold a connection while their update is handled: a pool of their own keeps them from
        # starving the handlers' own queries.
        if self._lock_engine is None:
            self._lock_engine = create_async_engine(
                self._db.target.url, pool_size=self._lock_pool_size, max_overflow=0, pool_pre_ping=True
            )
        return self._lock_engine

    async def dispose(self) -> None:
        """Close the turns' connections."""
        if self._lock_engine is not None:
            await self._lock_engine.dispose()
            self._lock_engine = None


def _handled(update_id: int, now: datetime) -> Update:
    return (
        update(TelegramUpdateRow).where(col(TelegramUpdateRow.update_id) == update_id).values(handled_at=now)
    )
