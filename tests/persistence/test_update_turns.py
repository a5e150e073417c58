"""A chat's turn on SQLite (one process): the look it skips for an update this process journaled with
nothing of its chat waiting, and the looks it keeps, so one chat's updates still go in order."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.update_journal import SqlUpdateJournal
from tests.support.clock import FakeClock
from tests.support.statements import recorded

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

CIPHER = CredentialCipher.from_setting(generate_key())
CHAT = 4242


def _looks(seen: list[str]) -> list[str]:
    return [sql for sql in seen if sql.startswith("SELECT") and "telegram_updates" in sql]


async def test_the_turn_of_a_fresh_update_of_a_quiet_chat_reads_nothing(sqlite_db: Database) -> None:
    clock = FakeClock()
    journal = SqlUpdateJournal(sqlite_db, clock, CIPHER)
    assert await journal.arrived(1, CHAT, clock(), "{}")
    with recorded(sqlite_db) as seen:
        async with journal.turn(CHAT, 1) as mine:
            assert mine
        await journal.settle()  # the mark is committed in the background
    assert not [sql for sql in seen if sql.startswith("SELECT")]
    assert [sql for sql in seen if sql.startswith("UPDATE telegram_updates")]  # marked handled all the same
    assert await journal.arrived(2, CHAT, clock(), "{}")  # the chat's next one: quiet again
    with recorded(sqlite_db) as seen:
        async with journal.turn(CHAT, 2) as mine:
            assert mine
    assert not _looks(seen)


async def test_an_update_after_one_a_dead_predecessor_left_looks_and_waits_for_it(
    sqlite_db: Database,
) -> None:
    clock = FakeClock()
    dead = SqlUpdateJournal(sqlite_db, clock, CIPHER)
    restarted = SqlUpdateJournal(sqlite_db, clock, CIPHER, owner_gone=lambda owner: owner == dead.owner)
    assert await dead.arrived(10, CHAT, clock(), '{"update_id": 10}')
    assert await restarted.arrived(11, CHAT, clock(), '{"update_id": 11}')
    order: list[int] = []

    async def handle(update_id: int) -> None:
        async with restarted.turn(CHAT, update_id) as mine:
            assert mine
            order.append(update_id)

    looked = asyncio.Event()

    def look(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.lstrip().startswith("SELECT") and "telegram_updates" in sql:
            looked.set()

    event.listen(sqlite_db.engine.sync_engine, "before_cursor_execute", look)
    later = asyncio.create_task(handle(11))
    await asyncio.wait_for(looked.wait(), timeout=10)
    assert order == []  # it looked, found update 10 unhandled, and waits
    assert await restarted.take_over(clock()) == ['{"update_id": 10}']  # its holder is gone
    await handle(10)
    await asyncio.wait_for(later, timeout=10)
    event.remove(sqlite_db.engine.sync_engine, "before_cursor_execute", look)
    assert order == [10, 11]


async def test_a_taken_over_update_is_looked_at_by_the_replica_that_journaled_it(sqlite_db: Database) -> None:
    clock = FakeClock()
    stalled, survivor = SqlUpdateJournal(sqlite_db, clock, CIPHER), SqlUpdateJournal(sqlite_db, clock, CIPHER)
    assert await stalled.arrived(30, CHAT, clock(), '{"update_id": 30}')
    clock.advance(seconds=survivor.takeover_after.total_seconds())  # the lease ran out: it may be taken
    assert await survivor.take_over(clock()) == ['{"update_id": 30}']
    async with survivor.turn(CHAT, 30) as unhandled:
        assert unhandled
    await survivor.settle()
    with recorded(sqlite_db) as seen:
        async with stalled.turn(CHAT, 30) as unhandled:
            assert not unhandled  # its lease ran out: it looks, and finds it handled
    assert _looks(seen)


async def test_two_updates_of_a_chat_in_one_batch_keep_their_order(sqlite_db: Database) -> None:
    clock = FakeClock()
    journal = SqlUpdateJournal(sqlite_db, clock, CIPHER)
    with recorded(sqlite_db) as arrivals:
        fresh = await asyncio.gather(*(journal.arrived(n, CHAT, clock(), "{}") for n in (1, 2)))
    assert fresh == [True, True]
    assert len([sql for sql in arrivals if sql.startswith("INSERT INTO telegram_updates")]) == 1
    order: list[int] = []

    async def handle(update_id: int) -> None:
        async with journal.turn(CHAT, update_id) as mine:
            assert mine
            order.append(update_id)

    with recorded(sqlite_db) as seen:
        second = asyncio.create_task(handle(2))
        await asyncio.sleep(0)  # update 2 asks for the chat's turn first
        await asyncio.wait_for(asyncio.gather(handle(1), second), timeout=10)
    assert order == [1, 2]
    # Update 2 looked once (update 1 was still this process's to handle) and waited; update 1 did not look.
    assert len(_looks(seen)) == 1


async def _handled(db: Database, update_id: int) -> bool:
    async with db.read() as session:
        found = await session.execute(
            text("SELECT handled_at FROM telegram_updates WHERE update_id = :id"), {"id": update_id}
        )
    return found.scalar_one() is not None


async def test_a_turn_ends_before_its_mark_is_committed_and_its_chats_next_update_hurries_it(
    sqlite_db: Database,
) -> None:
    # A mark would wait an hour for company: the turn must not wait for it, the chat's next update must not
    # wait the hour (it hurries the mark), and the next update still goes after the mark is committed.
    journal = SqlUpdateJournal(sqlite_db, FakeClock(), CIPHER, mark_patience=3600.0)
    clock = FakeClock()
    for update_id in (1, 2):
        assert await journal.arrived(update_id, CHAT, clock(), "{}")
    async with journal.turn(CHAT, 1) as mine:
        assert mine
    assert not await _handled(sqlite_db, 1)  # the turn is over, its mark still waits for company
    async with asyncio.timeout(10):
        async with journal.turn(CHAT, 2) as mine:
            assert mine
            assert await _handled(sqlite_db, 1)  # the chat's next update comes after the mark
    assert not await _handled(sqlite_db, 2)
    await journal.settle()  # shutdown: what waits for company is committed
    assert await _handled(sqlite_db, 2)
