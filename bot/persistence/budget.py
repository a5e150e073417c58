"""Per-account budget of Renault calls per hour, and the cooldown after a quota error."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from bot.domain.account import AccountNotFound, BudgetDecision
from bot.persistence.engine import Database
from bot.persistence.tables import AccountRow

WINDOW = timedelta(hours=1)


class SqlCallBudgetStore:
    """CallBudgetStore on the accounts table; a row lock (SQLite: one writer) makes spending atomic."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def try_spend(self, account_id: int, now: datetime, limit_per_hour: int) -> BudgetDecision:
        """Spend one call in the current hour window unless a cooldown or the limit forbids it."""
        async with self._db.write() as session:
            row = await session.get(AccountRow, account_id, with_for_update=True)
            if row is None:
                raise AccountNotFound(account_id)
            if row.cooldown_until is not None and row.cooldown_until > now:
                return BudgetDecision(False, row.cooldown_until)
            if row.window_started_at is None or now - row.window_started_at >= WINDOW:
                row.window_started_at = now
                row.calls_in_window = 0
            if row.calls_in_window >= limit_per_hour:
                return BudgetDecision(False, row.window_started_at + WINDOW)
            row.calls_in_window += 1
            return BudgetDecision(True)

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
