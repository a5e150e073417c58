"""Members' shares of an account's call budget, counted with the account's spend in one transaction, on
both engines: the owner and the poller are never bounded by them, and the counters are shared by every
store on the database (replicas) and survive a restart."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.domain.attempts import AttemptPolicy
from bot.domain.vehicle import Role
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.budget import SqlCallBudgetStore
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.services.ports import BudgetLimit, MemberShare
from tests.persistence import factories as f
from tests.support.clock import FakeClock

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

OWNER, VIEWER, DRIVER = 100, 200, 300
HOUR = timedelta(hours=1)
LIMIT = 60


def _share(chat_id: int, member: int = 2, members: int = 3) -> MemberShare:
    return MemberShare(
        chat_id, AttemptPolicy(cap=member, window=HOUR), AttemptPolicy(cap=members, window=HOUR)
    )


async def _account_with_members(db: Database, cipher: CredentialCipher) -> int:
    account_id, _ = await f.linked_zoe(db, cipher, chat_id=OWNER)
    accounts = SqlAccountRepository(db, cipher)
    await accounts.link_chat(VIEWER, account_id, Role.VIEWER)
    await accounts.link_chat(DRIVER, account_id, Role.DRIVER)
    return account_id


async def test_a_member_is_refused_past_their_share_and_the_refusal_costs_the_account_nothing(
    db: Database, cipher: CredentialCipher
) -> None:
    account_id = await _account_with_members(db, cipher)
    clock, budget = FakeClock(), SqlCallBudgetStore(db)
    start = clock()
    spent = [await budget.try_spend(account_id, clock.advance(60), LIMIT, _share(VIEWER)) for _ in range(5)]

    assert [d.allowed for d in spent] == [True, True, False, False, False]
    assert spent[2].limit is BudgetLimit.MEMBER
    # The share's hour started with the member's first call.
    assert spent[2].retry_at == start + timedelta(seconds=60) + HOUR
    # The account spent 2 calls only: 58 remain for the owner (and the poller), to the last one.
    owner = [await budget.try_spend(account_id, clock(), LIMIT, _share(OWNER)) for _ in range(59)]
    assert sum(d.allowed for d in owner) == 58
    assert owner[-1].limit is BudgetLimit.ACCOUNT


async def test_all_members_together_stop_at_the_members_share_and_the_rest_is_the_owners(
    db: Database, cipher: CredentialCipher
) -> None:
    account_id = await _account_with_members(db, cipher)
    clock, budget = FakeClock(), SqlCallBudgetStore(db)
    viewer = [await budget.try_spend(account_id, clock(), 5, _share(VIEWER)) for _ in range(2)]
    driver = [await budget.try_spend(account_id, clock(), 5, _share(DRIVER)) for _ in range(2)]

    assert [d.allowed for d in viewer] == [True, True]
    assert [d.allowed for d in driver] == [True, False]
    assert driver[1].limit is BudgetLimit.MEMBERS
    # Members took 3 of 5: the owner's chat and the poller (no share) keep the other 2.
    assert (await budget.try_spend(account_id, clock(), 5, _share(OWNER))).allowed
    assert (await budget.try_spend(account_id, clock(), 5)).allowed
    assert not (await budget.try_spend(account_id, clock(), 5)).allowed


async def test_a_full_account_says_so_to_a_member_and_counts_nothing_on_their_share(
    db: Database, cipher: CredentialCipher
) -> None:
    account_id = await _account_with_members(db, cipher)
    clock, budget = FakeClock(), SqlCallBudgetStore(db)
    for _ in range(3):
        assert (await budget.try_spend(account_id, clock(), 3)).allowed  # the poller's
    refused = await budget.try_spend(account_id, clock(), 3, _share(VIEWER))
    assert not refused.allowed
    assert refused.limit is BudgetLimit.ACCOUNT
    clock.advance(hours=1)
    # The refused call was not counted on the viewer's share: both calls of the share are still there.
    assert (await budget.try_spend(account_id, clock(), 3, _share(VIEWER))).allowed
    assert (await budget.try_spend(account_id, clock(), 3, _share(VIEWER))).allowed


async def test_shares_are_shared_by_stores_on_one_database_and_survive_a_restart(
    db: Database, cipher: CredentialCipher
) -> None:
    account_id = await _account_with_members(db, cipher)
    clock = FakeClock()
    other = Database(db.target)  # another replica's engine on the same database
    try:
        assert (await SqlCallBudgetStore(db).try_spend(account_id, clock(), LIMIT, _share(VIEWER))).allowed
        assert (await SqlCallBudgetStore(other).try_spend(account_id, clock(), LIMIT, _share(VIEWER))).allowed
    finally:
        await other.dispose()
    restarted = Database(db.target)  # a new process: nothing of the counters lived in memory
    try:
        refused = await SqlCallBudgetStore(restarted).try_spend(account_id, clock(), LIMIT, _share(VIEWER))
    finally:
        await restarted.dispose()
    assert not refused.allowed
    assert refused.limit is BudgetLimit.MEMBER


async def test_concurrent_member_spends_never_pass_the_share(db: Database, cipher: CredentialCipher) -> None:
    account_id = await _account_with_members(db, cipher)
    now, one, two = FakeClock()(), SqlCallBudgetStore(db), SqlCallBudgetStore(db)
    spends = [store.try_spend(account_id, now, LIMIT, _share(VIEWER, 4, 30)) for store in (one, two) * 10]
    decisions = await asyncio.gather(*spends)
    assert sum(d.allowed for d in decisions) == 4
