"""The budget gate: one shared hourly budget per account, and a 15-minute cooldown after a quota error."""

from __future__ import annotations

import pytest

from bot.poller.budget import BudgetGate
from bot.renault.errors import QuotaExceeded
from tests.poller.fakes import FakeBudget
from tests.support.clock import FakeClock


async def test_calls_beyond_the_hourly_budget_are_refused_until_the_window_frees() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, max_calls_per_hour=3)
    for _ in range(3):
        await gate.before_request("7", "battery-status")
    with pytest.raises(QuotaExceeded) as refused:
        await gate.before_request("7", "cockpit")
    assert refused.value.retry_after_seconds == pytest.approx(3600)
    clock.advance(hours=1)
    await gate.before_request("7", "battery-status")


async def test_accounts_have_separate_budgets() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, max_calls_per_hour=1)
    await gate.before_request("1", "battery-status")
    await gate.before_request("2", "battery-status")
    with pytest.raises(QuotaExceeded):
        await gate.before_request("1", "battery-status")


async def test_quota_error_cools_the_whole_account_down_for_15_minutes() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, max_calls_per_hour=0)
    await gate.on_quota_exceeded("5")
    clock.advance(minutes=14)
    with pytest.raises(QuotaExceeded) as refused:
        await gate.before_request("5", "hvac-start")
    assert refused.value.retry_after_seconds == pytest.approx(60)
    clock.advance(minutes=1)
    await gate.before_request("5", "hvac-start")


async def test_zero_limit_is_unlimited() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, max_calls_per_hour=0)
    for _ in range(500):
        await gate.before_request("1", "battery-status")


async def test_gigya_token_requests_do_not_spend_the_budget() -> None:
    clock, store = FakeClock(), FakeBudget()
    gate = BudgetGate(store, clock, max_calls_per_hour=1)
    await gate.before_request("1", "gigya.getJWT")
    await gate.before_request("1", "accounts.getJWT")
    await gate.before_request("1", "battery-status")
    with pytest.raises(QuotaExceeded):
        await gate.before_request("1", "battery-status")
