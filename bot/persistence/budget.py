"""Per-account budget of Renault calls per hour, and the cooldown after a quota error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
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
    # One locking read and one executemany update for the whole batch: a statement per account used to
    # make every spend of a sweep wait behind hundreds of round trips to the database.
    # Rows are locked in id order so two replicas committing batches can never deadlock.
    found = await session.execute(
        select(
            col(AccountRow.id),
            col(AccountRow.cooldown_until),
            col(AccountRow.window_started_at),
            col(AccountRow.calls_in_window),
        )
        .where(col(AccountRow.id).in_({spend.account_id for spend in batch}))
        .order_by(col(AccountRow.id))
        .with_for_update()
    )
    windows = {row[0]: _Window(row[1], row[2], row[3]) for row in found}
    decisions = [_decide(windows.get(spend.account_id), spend) for spend in batch]
    changed = [
        {"id": account_id, "window_started_at": w.started_at, "calls_in_window": w.calls}
        for account_id, w in windows.items()
        if w.changed
    ]
    if changed:
        await session.execute(update(AccountRow), changed)
    return decisions


@dataclass(slots=True)
class _Window:
    """An account's call window, as read and then spent from inside one batch."""

    cooldown_until: datetime | None
    started_at: datetime | None
    calls: int
    changed: bool = False


def _decide(window: _Window | None, spend: _Spend) -> BudgetDecision | Exception:
    if window is None:
        return AccountNotFound(spend.account_id)
    now = spend.now
    if window.cooldown_until is not None and window.cooldown_until > now:
        return BudgetDecision(False, window.cooldown_until)
    if window.started_at is None or now - window.started_at >= WINDOW:
        window.started_at, window.calls, window.changed = now, 0, True
    if window.calls >= spend.limit:
        return BudgetDecision(False, window.started_at + WINDOW)
    window.calls += 1
    window.changed = True
    return BudgetDecision(True)
