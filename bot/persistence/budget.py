"""Per-account budget of Renault calls per hour, the cooldown after a quota error, and the members' shares.

A call spent for a chat that is not the account's owner is also counted on that member's share and on the
members' share (counters in `limit_counters`, `bot.persistence.limits`), in the same transaction as the
account's spend: all three count it or none does, so the owner and the poller always keep the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.domain.attempts import attempt
from bot.domain.vehicle import Role
from bot.persistence.engine import Database
from bot.persistence.group_commit import GroupCommit, WriteLane
from bot.persistence.limits import counter_of, locked_counters, store_counter
from bot.persistence.tables import AccountRow, ChatLinkRow, LimitCounterRow
from bot.services.ports import AccountNotFound, BudgetDecision, BudgetLimit, MemberShare

WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class _Spend:
    account_id: int
    now: datetime
    limit: int
    share: MemberShare | None = None

    @property
    def member_key(self) -> str:
        """The counter of this chat's share of the account."""
        assert self.share is not None
        return f"share:{self.account_id}:chat:{self.share.chat_id}"

    @property
    def members_key(self) -> str:
        """The counter of what the account's members spent together."""
        return f"share:{self.account_id}:members"


class SqlCallBudgetStore:
    """CallBudgetStore on the accounts table; a row lock (SQLite: one writer) makes spending atomic.

    Spends are group-committed: a sweep's hundreds of concurrent requests share a few transactions.
    """

    def __init__(self, db: Database, lane: WriteLane | None = None) -> None:
        self._db = db
        batch = partial(_spend_batch, is_sqlite=db.is_sqlite)
        self._spends: GroupCommit[_Spend, BudgetDecision] = GroupCommit(lane or db, batch)

    async def try_spend(
        self, account_id: int, now: datetime, limit_per_hour: int, share: MemberShare | None = None
    ) -> BudgetDecision:
        """Spend one call in the current hour window unless a cooldown, the limit or a share forbids it."""
        return await self._spends.submit(_Spend(account_id, now, limit_per_hour, share))

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


async def _spend_batch(
    session: AsyncSession, batch: list[_Spend], *, is_sqlite: bool
) -> list[BudgetDecision | Exception]:
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
    shares = await _member_shares(session, batch, is_sqlite=is_sqlite)
    decisions = [_decide(windows.get(spend.account_id), spend, shares) for spend in batch]
    changed = [
        {"id": account_id, "window_started_at": w.started_at, "calls_in_window": w.calls}
        for account_id, w in windows.items()
        if w.changed
    ]
    if changed:
        await session.execute(update(AccountRow), changed)
    return decisions


@dataclass(frozen=True, slots=True)
class _Shares:
    """The batch's members (account id, chat id) and their share counters, locked."""

    members: frozenset[tuple[int, int]] = frozenset()
    counters: dict[str, LimitCounterRow] = field(default_factory=dict)

    def bound(self, spend: _Spend) -> MemberShare | None:
        """The share that bounds this spend (None: the poller's or the owner's)."""
        share = spend.share
        if share is None or (spend.account_id, share.chat_id) not in self.members:
            return None
        return share


async def _member_shares(session: AsyncSession, batch: list[_Spend], *, is_sqlite: bool) -> _Shares:
    # The share counters of the batch's spends made for members (the owner's spends have none), locked
    # after the accounts rows: every transaction takes the locks in that order.
    asked = [spend for spend in batch if spend.share is not None]
    if not asked:
        return _Shares()
    owners = await session.execute(
        select(col(ChatLinkRow.account_id), col(ChatLinkRow.chat_id)).where(
            col(ChatLinkRow.account_id).in_({spend.account_id for spend in asked}),
            col(ChatLinkRow.role) == Role.OWNER.value,
        )
    )
    owner_of = {(row[0], row[1]) for row in owners}
    members = [s for s in asked if s.share is not None and (s.account_id, s.share.chat_id) not in owner_of]
    keys = sorted({key for spend in members for key in (spend.member_key, spend.members_key)})
    if not keys:
        return _Shares()
    now = max(spend.now for spend in members)
    counters = await locked_counters(session, keys, now, is_sqlite=is_sqlite)
    chats = frozenset((s.account_id, s.share.chat_id) for s in members if s.share is not None)
    return _Shares(chats, counters)


@dataclass(slots=True)
class _Window:
    """An account's call window, as read and then spent from inside one batch."""

    cooldown_until: datetime | None
    started_at: datetime | None
    calls: int
    changed: bool = False


def _decide(window: _Window | None, spend: _Spend, shares: _Shares) -> BudgetDecision | Exception:
    if window is None:
        return AccountNotFound(spend.account_id)
    now = spend.now
    if window.cooldown_until is not None and window.cooldown_until > now:
        return BudgetDecision(False, window.cooldown_until)
    if window.started_at is None or now - window.started_at >= WINDOW:
        window.started_at, window.calls, window.changed = now, 0, True
    if window.calls >= spend.limit:
        return BudgetDecision(False, window.started_at + WINDOW)
    share = shares.bound(spend)
    if share is not None:
        refused = _spend_share(spend, share, shares.counters)
        if refused is not None:
            return refused
    window.calls += 1
    window.changed = True
    return BudgetDecision(True)


def _spend_share(
    spend: _Spend, share: MemberShare, shares: dict[str, LimitCounterRow]
) -> BudgetDecision | None:
    """Count the call on the member's and the members' counters, or on neither (None: counted)."""
    counters = (
        (spend.member_key, share.member, BudgetLimit.MEMBER),
        (spend.members_key, share.members, BudgetLimit.MEMBERS),
    )
    decisions = [
        (key, attempt(counter_of(shares[key]), policy, spend.now), limit) for key, policy, limit in counters
    ]
    refused = [(decision, limit) for _, decision, limit in decisions if decision.retry_at is not None]
    for key, decision, _ in decisions:
        if not refused or decision.retry_at is not None:
            store_counter(shares[key], decision.counter, spend.now)
    if not refused:
        return None
    decision, limit = max(refused, key=lambda item: item[0].retry_at or spend.now)
    return BudgetDecision(False, decision.retry_at, limit)
