"""Per-account budget of Renault calls per hour, and the cooldown after a quota error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.domain.account import AccountNotFound, BudgetDecision
from bot.persistence.engine import Database
from bot.persistence.group_commit import GroupCommit
from bot.persistence.tables import AccountRow

WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class _Spend:
    account_id: int
    now: datetime
    limit: int


class SqlCallBudgetStore:
    """CallBudgetStore on the accounts table; a row lock (SQLite: one writer) makes spending atomic.

    Spends are group-committed: a sweep's hundreds of concurrent requests share a few transactions.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._spends: GroupCommit[_Spend, BudgetDecision] = GroupCommit(db, _spend_batch)

    async def try_spend(self, account_id: int, now: datetime, limit_per_hour: int) -> BudgetDecision:
        """Spend one call in the current hour window unless a cooldown or the limit forbids it."""
        return await self._spends.submit(_Spend(account_id, now, limit_per_hour))

    async def start_cooldown(self, account_id: int, until: datetime) -> None:
        """Forbid calls until `until` (an earlier cooldown never shortens a longer one)."""
        async with self._db.write() as session:
            await session.execute(
                update(AccountRow)
                .where(
                    col(AccountRow.id) == account_id,
                    col(AccountRow.cooldown_until).is_(None) | (col(AccountRow.cooldown_until) < until),
                )
                .values(cooldown_until=until)
            )


async def _spend_batch(session: AsyncSession, batch: list[_Spend]) -> list[BudgetDecision | Exception]:
    rows: dict[int, AccountRow | None] = {}
    # Lock rows in id order so two replicas committing batches can never deadlock.
    for account_id in sorted({spend.account_id for spend in batch}):
        rows[account_id] = await session.get(AccountRow, account_id, with_for_update=True)
    return [_decide(rows[spend.account_id], spend) for spend in batch]


def _decide(row: AccountRow | None, spend: _Spend) -> BudgetDecision | Exception:
    if row is None:
        return AccountNotFound(spend.account_id)
    now = spend.now
    if row.cooldown_until is not None and row.cooldown_until > now:
        return BudgetDecision(False, row.cooldown_until)
    if row.window_started_at is None or now - row.window_started_at >= WINDOW:
        row.window_started_at = now
        row.calls_in_window = 0
    if row.calls_in_window >= spend.limit:
        return BudgetDecision(False, row.window_started_at + WINDOW)
    row.calls_in_window += 1
    return BudgetDecision(True)
