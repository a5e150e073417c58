"""The shared limits on SQLAlchemy: every counter lives in `limit_counters`.

Login and code attempts (`bot.features.linking.use_cases.limits`), the per-chat limits
(`bot.services.chat_limits`) and, through `bot.persistence.budget`, each member's share of an account's call
budget. Counters are keyed by a
string that never holds an e-mail address (the e-mail counters use a keyed hash). Each decision reads and
writes its counters in one transaction with the rows locked (SQLite: one writer), so replicas can never
both slip past a cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.domain.attempts import AttemptCounter, AttemptPolicy, attempt, block, refund
from bot.persistence.engine import Database
from bot.persistence.tables import LimitCounterRow

# A counter untouched this long and not locked holds nothing a later decision needs (locks are far shorter
# than this, and a lock older than a day no longer makes the next one longer).
ATTEMPT_RETENTION = timedelta(hours=48)


def counter_of(row: LimitCounterRow) -> AttemptCounter:
    """The counter a row holds."""
    return AttemptCounter(row.window_start, row.attempts, row.strikes, row.blocked_until)


def store_counter(row: LimitCounterRow, counter: AttemptCounter, now: datetime) -> None:
    """Write a counter back into its (locked) row."""
    row.window_start = counter.window_start
    row.attempts = counter.attempts
    row.strikes = counter.strikes
    row.blocked_until = counter.blocked_until
    row.updated_at = now


def expired_attempts(now: datetime) -> ColumnElement[bool]:
    """The counters the purge deletes: untouched for `ATTEMPT_RETENTION` and not locked any more."""
    return (col(LimitCounterRow.updated_at) <= now - ATTEMPT_RETENTION) & (
        col(LimitCounterRow.blocked_until).is_(None) | (col(LimitCounterRow.blocked_until) <= now)
    )


class SqlAttemptStore:
    """AttemptStore on `limit_counters`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def try_attempt(
        self, counters: Sequence[tuple[str, AttemptPolicy]], now: datetime
    ) -> dict[str, datetime]:
        """Count the attempt on every counter, or on none: the refusing counters and when they reopen."""
        async with self._db.write() as session:
            rows = await self._locked(session, [key for key, _ in counters], now)
            decisions = {key: attempt(counter_of(rows[key]), policy, now) for key, policy in counters}
            refused = {key: d.retry_at for key, d in decisions.items() if d.retry_at is not None}
            for key, decision in decisions.items():
                # When one counter refuses nothing is counted, but a counter that has just locked keeps it.
                if not refused or decision.retry_at is not None:
                    store_counter(rows[key], decision.counter, now)
        return refused

    async def refund(self, counters: Sequence[tuple[str, AttemptPolicy]], now: datetime) -> None:
        """Hand the last attempt back on these counters."""
        async with self._db.write() as session:
            rows = await self._locked(session, [key for key, _ in counters], now)
            for key, policy in counters:
                store_counter(rows[key], refund(counter_of(rows[key]), policy, now), now)

    async def block(self, key: str, until: datetime, now: datetime) -> None:
        """Lock the counter until `until` (never shortening a longer lock)."""
        async with self._db.write() as session:
            rows = await self._locked(session, [key], now)
            store_counter(rows[key], block(counter_of(rows[key]), until), now)

    async def _locked(
        self, session: AsyncSession, keys: list[str], now: datetime
    ) -> dict[str, LimitCounterRow]:
        return await locked_counters(session, keys, now, is_sqlite=self._db.is_sqlite)


async def locked_counters(
    session: AsyncSession, keys: list[str], now: datetime, *, is_sqlite: bool
) -> dict[str, LimitCounterRow]:
    """The counters of `keys` (created when missing), locked until the transaction ends."""
    # Missing counters are created first (a concurrent creator is simply ignored), then every row is
    # read under a lock, in key order so two transactions can never deadlock.
    table = LimitCounterRow.__table__  # type: ignore[attr-defined]
    dialect_insert = sqlite.insert if is_sqlite else postgresql.insert
    await session.execute(
        dialect_insert(table)
        .values([{"key": key, "attempts": 0, "strikes": 0, "updated_at": now} for key in keys])
        .on_conflict_do_nothing(index_elements=["key"])
    )
    found = await session.scalars(
        select(LimitCounterRow)
        .where(col(LimitCounterRow.key).in_(keys))
        .order_by(col(LimitCounterRow.key))
        .with_for_update()
    )
    return {row.key: row for row in found}
