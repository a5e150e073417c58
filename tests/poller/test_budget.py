"""The budget gate: one shared hourly budget per account, a 15-minute cooldown after a quota error, and the
members' shares for calls made for a chat."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.poller.budget import BudgetGate
from bot.renault.errors import QuotaExceeded
from bot.services.ports import BudgetDecision, BudgetLimit, LimitReached, MemberShare
from bot.services.spending import spending_chat, spent_for
from tests.support.clock import FakeClock
from tests.support.fakes import FakeBudget


async def test_calls_beyond_the_hourly_budget_are_refused_until_the_window_frees() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, spending_chat=spending_chat, max_calls_per_hour=3)
    for _ in range(3):
        await gate.before_request("7", "battery-status")
    with pytest.raises(QuotaExceeded) as refused:
        await gate.before_request("7", "cockpit")
    assert refused.value.retry_after_seconds == pytest.approx(3600)
    clock.advance(hours=1)
    await gate.before_request("7", "battery-status")


async def test_accounts_have_separate_budgets() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, spending_chat=spending_chat, max_calls_per_hour=1)
    await gate.before_request("1", "battery-status")
    await gate.before_request("2", "battery-status")
    with pytest.raises(QuotaExceeded):
        await gate.before_request("1", "battery-status")


async def test_quota_error_cools_the_whole_account_down_for_15_minutes() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, spending_chat=spending_chat, max_calls_per_hour=0)
    await gate.on_quota_exceeded("5")
    clock.advance(minutes=14)
    with pytest.raises(QuotaExceeded) as refused:
        await gate.before_request("5", "hvac-start")
    assert refused.value.retry_after_seconds == pytest.approx(60)
    clock.advance(minutes=1)
    await gate.before_request("5", "hvac-start")


async def test_zero_limit_is_unlimited() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, spending_chat=spending_chat, max_calls_per_hour=0)
    for _ in range(500):
        await gate.before_request("1", "battery-status")  # raises QuotaExceeded if refused
    assert len(store.calls[1]) == 500  # every call was spent within the same hour


async def test_gigya_token_requests_do_not_spend_the_budget() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, spending_chat=spending_chat, max_calls_per_hour=1)
    await gate.before_request("1", "gigya.getJWT")
    await gate.before_request("1", "accounts.getJWT")
    await gate.before_request("1", "battery-status")
    with pytest.raises(QuotaExceeded):
        await gate.before_request("1", "battery-status")


async def test_calls_made_for_a_chat_carry_its_share_and_the_pollers_carry_none() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, spending_chat=spending_chat, max_calls_per_hour=60)
    await gate.before_request("1", "battery-status")  # the poller's: no chat
    with spent_for(42):
        await gate.before_request("1", "battery-status")
    poller, chat = store.shares
    assert poller is None
    assert chat is not None
    assert (chat.chat_id, chat.member.cap, chat.members.cap) == (42, 10, 20)
    assert chat.member.window == chat.members.window == timedelta(hours=1)


async def test_an_unlimited_budget_bounds_no_member() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, spending_chat=spending_chat, max_calls_per_hour=0)
    with spent_for(42):
        await gate.before_request("1", "battery-status")
    assert store.shares == [None]


class _SharesSpent(FakeBudget):
    """Every spend refused by the members' share, reopening at `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__()
        self.until = until

    async def try_spend(
        self, account_id: int, now: datetime, limit_per_hour: int, share: MemberShare | None = None
    ) -> BudgetDecision:
        return BudgetDecision(False, self.until, BudgetLimit.MEMBERS)


async def test_a_spent_share_is_a_limit_reached_naming_it_not_a_quota_error() -> None:
    clock = FakeClock()
    until = clock() + timedelta(minutes=40)
    gate = BudgetGate(_SharesSpent(until), clock, spending_chat=spending_chat, max_calls_per_hour=60)
    with spent_for(42), pytest.raises(LimitReached) as refused:
        await gate.before_request("1", "battery-status")
    assert (refused.value.limit, refused.value.retry_at, refused.value.cap) == ("members", until, 20)
