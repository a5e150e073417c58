"""Conversation state on both engines: expiry and purge (of a login mid-way too), the shared action rate,
the journal (the login's own store: tests/features/linking/test_store.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from bot.features.linking.store import SqlLoginStore
from bot.persistence.conversations import (
    JOURNAL_RETENTION,
    SqlActionRates,
    SqlConversationPurge,
    SqlDraftStore,
)
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.persistence.update_journal import MAX_TAKEOVERS, SqlUpdateJournal
from bot.services.conversation_ports import LOGIN_TTL, LoginStep
from tests.support.clock import FakeClock
from tests.support.logins import CHAT, EMAIL, PASSWORD, mid_login, raw_rows

CIPHER = CredentialCipher.from_setting(generate_key())


async def test_drafts_expire_and_the_purge_removes_what_expired(
    db: Database, cipher: CredentialCipher
) -> None:
    clock = FakeClock()
    await mid_login(db, cipher, clock)
    drafts = SqlDraftStore(db, cipher)
    await drafts.save_draft(7, "schedule", "{}", clock() + timedelta(minutes=30))
    journal = SqlUpdateJournal(db, clock, cipher)
    assert await journal.arrived(1, CHAT, clock())
    purge = SqlConversationPurge(db, timedelta(seconds=5))

    assert await purge.purge(clock()) == 0
    clock.advance(seconds=LOGIN_TTL.total_seconds())
    assert await purge.purge(clock()) == 2  # the login's challenge and e-mail, and its draft
    # The login waited for a code: it stays a bare expired step for a while, so a late code is deleted.
    late = await SqlLoginStore(db, cipher).load(CHAT)
    assert late is not None
    assert (late.step, late.email, late.challenge_id) == (LoginStep.CODE, "", None)
    assert late.expired(clock())
    assert await SqlLoginStore(db, cipher).challenge(CHAT) is None
    raw = await raw_rows(db)
    assert PASSWORD not in raw
    assert EMAIL not in raw
    assert await drafts.load_draft(7, "schedule", clock()) == "{}"
    clock.advance(minutes=30)
    assert await drafts.load_draft(7, "schedule", clock()) is None  # expired, even before the purge
    assert await purge.purge(clock()) == 2  # the bare step (past LATE_SECRET_WINDOW) and the draft
    assert await SqlLoginStore(db, cipher).load(CHAT) is None
    clock.advance(seconds=JOURNAL_RETENTION.total_seconds())
    assert await purge.purge(clock()) == 1  # the day-old journal entry
    assert await journal.arrived(1, CHAT, clock())


async def test_the_action_rate_is_shared_by_replicas(db: Database) -> None:
    clock = FakeClock()
    one, two = SqlActionRates(db), SqlActionRates(db)
    interval = timedelta(seconds=5)
    assert await one.try_acquire(CHAT, clock(), interval) is None
    clock.advance(seconds=2)
    assert await two.try_acquire(CHAT, clock(), interval) == timedelta(seconds=3)
    assert await two.try_acquire(CHAT + 1, clock(), interval) is None  # another chat is not held up
    clock.advance(seconds=3)
    assert await two.try_acquire(CHAT, clock(), interval) is None


async def test_concurrent_taps_take_one_slot(db: Database) -> None:
    clock = FakeClock()
    rates = [SqlActionRates(db) for _ in range(6)]
    results = await asyncio.gather(*(r.try_acquire(CHAT, clock(), timedelta(seconds=5)) for r in rates))
    assert sum(result is None for result in results) == 1


async def test_a_redelivered_update_is_recognised(db: Database) -> None:
    clock = FakeClock()
    one, two = SqlUpdateJournal(db, clock, CIPHER), SqlUpdateJournal(db, clock, CIPHER)
    assert await one.arrived(500, CHAT, clock())
    assert not await two.arrived(500, CHAT, clock())
    assert await two.arrived(501, CHAT, clock())
    await one.dispose()
    await two.dispose()


async def test_one_chats_updates_take_turns_in_order_across_replicas(db: Database) -> None:
    clock = FakeClock()
    one, two = SqlUpdateJournal(db, clock, CIPHER), SqlUpdateJournal(db, clock, CIPHER)
    order: list[str] = []
    assert await one.arrived(10, CHAT, clock())
    assert await two.arrived(11, CHAT, clock())
    release, inside = asyncio.Event(), asyncio.Event()

    async def later() -> None:
        async with two.turn(CHAT, 11):
            order.append("11")

    async def earlier() -> None:
        await asyncio.sleep(0.1)  # update 10 reaches its turn after update 11 asked for it
        async with one.turn(CHAT, 10):
            order.append("10")
            inside.set()
            await release.wait()

    async def other_chat() -> None:
        await inside.wait()  # while chat CHAT's update 10 holds its turn, another chat is not held up
        async with two.turn(CHAT + 1, 12):
            order.append("other")
        release.set()

    await asyncio.wait_for(asyncio.gather(later(), earlier(), other_chat()), timeout=10)
    await one.dispose()
    await two.dispose()
    assert order == ["10", "other", "11"]


async def test_a_chats_turn_lock_is_kept_only_while_it_is_used(tmp_path: Path) -> None:
    # SQLite only: there a chat's turn is a process lock in a map (PostgreSQL's are advisory locks).
    db = Database.from_url(f"sqlite:///{tmp_path / 'turns.db'}")
    await upgrade_database(db)
    clock = FakeClock()
    journal = SqlUpdateJournal(db, clock, CIPHER)
    for update_id in (20, 21):
        assert await journal.arrived(update_id, CHAT, clock())

    async def handle(update_id: int) -> None:
        async with journal.turn(CHAT, update_id):
            assert len(journal._locks) == 1  # both turns of the chat share one lock

    await asyncio.wait_for(asyncio.gather(handle(20), handle(21)), timeout=10)
    await journal.settle()  # the last mark held the chat's lock until it was committed
    assert len(journal._locks) == 0
    await journal.dispose()
    await db.dispose()


async def test_an_update_left_unhandled_is_taken_over_once_and_then_skipped_by_its_first_replica(
    db: Database,
) -> None:
    clock = FakeClock()
    dead, survivor = SqlUpdateJournal(db, clock, CIPHER), SqlUpdateJournal(db, clock, CIPHER)
    assert await dead.arrived(30, CHAT, clock(), '{"update_id": 30}')
    assert await survivor.take_over(clock()) == []  # it may still be handled: too early
    clock.advance(seconds=survivor.takeover_after.total_seconds())
    assert await survivor.take_over(clock()) == ['{"update_id": 30}']
    assert await survivor.take_over(clock()) == []  # taken: nobody else takes it too
    async with survivor.turn(CHAT, 30) as unhandled:
        assert unhandled
    await survivor.settle()  # its handled mark committed (on SQLite, in the background)
    async with dead.turn(CHAT, 30) as unhandled:  # the first copy, had its replica come back
        assert not unhandled
    async with db.read() as session:
        content = (await session.execute(text("SELECT content_enc FROM telegram_updates"))).scalar_one()
    await dead.dispose()
    await survivor.dispose()
    assert content is None  # handled: the update's content is gone


async def test_an_update_whose_handling_keeps_killing_its_process_is_given_up(db: Database) -> None:
    clock = FakeClock()
    assert await SqlUpdateJournal(db, clock, CIPHER).arrived(40, CHAT, clock(), "{}")
    taken = []
    for _ in range(MAX_TAKEOVERS + 1):
        # Each taker dies handling it: the next process finds its lease not renewed.
        taker = SqlUpdateJournal(db, clock, CIPHER)
        clock.advance(seconds=taker.takeover_after.total_seconds())
        taken += await taker.take_over(clock())
    assert len(taken) == MAX_TAKEOVERS
    async with taker.turn(CHAT, 40) as unhandled:
        assert not unhandled  # given up: marked handled
    await taker.dispose()


async def test_only_the_update_of_a_replica_that_died_is_taken_over_not_one_waiting_in_a_live_queue(
    db: Database,
) -> None:
    clock = FakeClock()
    live, dead, other = (SqlUpdateJournal(db, clock, CIPHER) for _ in range(3))
    assert await live.arrived(60, CHAT, clock(), '{"update_id": 60}')  # waits in a busy replica's queue
    assert await dead.arrived(61, CHAT + 1, clock(), '{"update_id": 61}')  # its replica died
    taken: list[str] = []
    # Three take-over periods pass; the live replica renews its updates at each of its own looks.
    while clock() < FakeClock()() + 3 * live.takeover_after:
        clock.advance(seconds=live.takeover_every.total_seconds())
        taken += await live.take_over(clock())  # renews its own update: never takes it over
        taken += await other.take_over(clock())
    assert taken == ['{"update_id": 61}']
    async with live.turn(CHAT, 60) as unhandled:
        assert unhandled  # still its own to handle, once
    for journal in (live, dead, other):
        await journal.dispose()


async def test_the_update_of_a_holder_known_gone_is_taken_over_at_once(db: Database) -> None:
    clock = FakeClock()
    gone = SqlUpdateJournal(db, clock, CIPHER, owner="host:ns:4001:gone")
    alive = SqlUpdateJournal(db, clock, CIPHER, owner="host:ns:4002:alive")
    restarted = SqlUpdateJournal(db, clock, CIPHER, owner_gone=lambda owner: owner == gone.owner)
    assert await gone.arrived(70, CHAT, clock(), '{"update_id": 70}')
    assert await alive.arrived(71, CHAT + 1, clock(), '{"update_id": 71}')
    assert await restarted.take_over(clock()) == ['{"update_id": 70}']  # no wait for its lease
    assert await restarted.take_over(clock()) == []  # taken once; the live holder's update stays
    for journal in (gone, alive, restarted):
        await journal.dispose()


async def test_an_update_content_is_stored_encrypted(db: Database) -> None:
    journal = SqlUpdateJournal(db, FakeClock(), CIPHER)
    assert await journal.arrived(50, CHAT, FakeClock()(), '{"text": "my password"}')
    async with db.read() as session:
        stored = (await session.execute(text("SELECT content_enc FROM telegram_updates"))).scalar_one()
    await journal.dispose()
    assert "password" not in stored
    assert CIPHER.decrypt(stored) == '{"text": "my password"}'
