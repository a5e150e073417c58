"""Outbox claims are leases with an owner, and send pauses are shared, on every engine."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest

from bot.app.parts import EVENT_TYPES
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.outbox import SqlNotificationLog
from tests.persistence import factories as f
from tests.support.clock import FakeClock

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

LEASE = timedelta(minutes=2)


async def test_one_of_many_concurrent_claims_wins(db: Database, cipher: CredentialCipher) -> None:
    await f.linked_zoe(db, cipher)
    now, log = FakeClock()(), SqlNotificationLog(db, EVENT_TYPES)
    await log.reserve("ping", 100, f.ping(), now)
    (entry,) = await log.pending(now, 10)
    won = await asyncio.gather(*(log.claim(entry, f"replica-{i}", now, LEASE) for i in range(8)))
    (claimed,) = await log.pending(now, 10)
    assert sum(won) == 1
    assert claimed.claim_owner == f"replica-{won.index(True)}"
    assert claimed.claim_expires_at == now + LEASE


async def test_a_claim_is_taken_over_only_from_the_owner_it_was_seen_with(
    db: Database, cipher: CredentialCipher
) -> None:
    await f.linked_zoe(db, cipher)
    clock, log = FakeClock(), SqlNotificationLog(db, EVENT_TYPES)
    await log.reserve("ping", 100, f.ping(), clock())
    (fresh,) = await log.pending(clock(), 10)
    assert await log.claim(fresh, "dead", clock(), LEASE)
    assert not await log.claim(fresh, "late", clock(), LEASE)  # read before the claim: lost
    (seen,) = await log.pending(clock.advance(LEASE.total_seconds()), 10)
    assert seen.claim_owner == "dead"
    assert await log.claim(seen, "survivor", clock(), LEASE)
    assert not await log.claim(seen, "another", clock(), LEASE)  # the survivor got there first
    await log.mark_sent("ping", clock())
    assert await log.pending(clock(), 10) == []
    assert not await log.claim(dataclasses.replace(seen, claim_owner="survivor"), "x", clock(), LEASE)


async def test_a_rescheduled_ping_is_released_and_due_later(db: Database, cipher: CredentialCipher) -> None:
    await f.linked_zoe(db, cipher)
    clock, log = FakeClock(), SqlNotificationLog(db, EVENT_TYPES)
    await log.reserve("ping", 100, f.ping(), clock())
    (entry,) = await log.pending(clock(), 10)
    assert await log.claim(entry, "me", clock(), LEASE)
    await log.reschedule("ping", clock() + timedelta(seconds=30), "flood control")
    assert await log.pending(clock.advance(29), 10) == []
    (again,) = await log.pending(clock.advance(1), 10)
    assert again.claim_owner is None


async def test_pauses_keep_the_latest_end_and_expire(db: Database, cipher: CredentialCipher) -> None:
    await f.linked_zoe(db, cipher)
    clock, log = FakeClock(), SqlNotificationLog(db, EVENT_TYPES)
    start = clock()
    await log.pause("chat:100", start + timedelta(seconds=30))
    await log.pause("chat:100", start + timedelta(seconds=10))  # a shorter wait does not shorten it
    await log.pause("telegram", start + timedelta(seconds=5))
    assert await log.pauses(start) == {
        "chat:100": start + timedelta(seconds=30),
        "telegram": start + timedelta(seconds=5),
    }
    assert await log.pauses(start + timedelta(seconds=5)) == {"chat:100": start + timedelta(seconds=30)}
