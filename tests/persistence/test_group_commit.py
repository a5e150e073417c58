"""Group commit: concurrent writes share transactions, each caller gets its own result or error; the
groups of one write lane share their transactions, and one group's failure is not another's."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.domain.history import BatteryReading
from bot.features.history.store import SqlHistoryRepository
from bot.persistence.conversations import SqlDraftStore
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.group_commit import GroupCommit, WriteLane
from bot.persistence.tables import ConversationDraftRow, TelegramUpdateRow
from bot.persistence.update_journal import SqlUpdateJournal
from tests.persistence.factories import linked_zoe
from tests.support.clock import FakeClock
from tests.support.statements import recorded

WHEN = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def test_concurrent_submissions_share_few_transactions(db: Database) -> None:
    batches: list[int] = []

    async def writer(session: AsyncSession, items: list[int]) -> list[int | Exception]:
        batches.append(len(items))
        return [item * 2 if item != 7 else ValueError("seven") for item in items]

    group: GroupCommit[int, int] = GroupCommit(db, writer)
    results = await asyncio.gather(*(group.submit(i) for i in range(50)), return_exceptions=True)
    assert results[3] == 6
    assert isinstance(results[7], ValueError)
    assert sum(batches) == 50
    assert len(batches) < 50


async def test_a_failing_transaction_fails_only_its_own_batch(db: Database) -> None:
    async def writer(session: AsyncSession, items: list[int]) -> list[int | Exception]:
        if 0 in items:
            raise RuntimeError("boom")
        return list(items)

    group: GroupCommit[int, int] = GroupCommit(db, writer)
    with pytest.raises(RuntimeError):
        await group.submit(0)
    assert await group.submit(5) == 5


async def test_readings_of_a_sweep_are_stored_once_each(db: Database, cipher: CredentialCipher) -> None:
    history = SqlHistoryRepository(db)
    _, vehicle_id = await linked_zoe(db, cipher)
    readings = [BatteryReading(vehicle_id, WHEN + timedelta(minutes=i % 10), 50 + i % 10) for i in range(30)]
    stored = await asyncio.gather(*(history.add_reading(r) for r in readings))
    assert stored.count(True) == 10
    assert len(await history.readings(vehicle_id, WHEN)) == 10


async def test_the_groups_of_one_lane_queued_together_commit_in_one_transaction(
    db: Database, cipher: CredentialCipher
) -> None:
    drafts = SqlDraftStore(db, cipher)
    for chat in (1, 2):
        await drafts.save_draft(chat, "focus", "{}", WHEN.replace(year=2030))
    lane = WriteLane(db)
    journal, shared_drafts = (
        SqlUpdateJournal(db, FakeClock(), cipher, lane=lane),
        SqlDraftStore(db, cipher, lane),
    )

    assert await journal.arrived(1, 1, WHEN, "{}")
    await shared_drafts.drop_draft(3, "focus")  # on SQLite, its first use reads which chats have a screen
    inside, done = asyncio.Event(), asyncio.Event()

    async def handle() -> None:
        async with journal.turn(1, 1) as mine:
            assert mine
            inside.set()
            await done.wait()

    turn = asyncio.create_task(handle())
    await inside.wait()
    with recorded(db) as seen:
        # An update arriving, a screen dropped and an update marked handled, all at once: one transaction.
        done.set()
        fresh = await asyncio.gather(
            journal.arrived(2, 2, WHEN, "{}"), shared_drafts.drop_draft(1, "focus"), turn
        )
        await journal.settle()  # on SQLite the mark rides along in the background
    assert fresh[0] is True
    # One (PostgreSQL marks the update in its turn's own transaction, on the journal's own engine).
    assert seen.count("COMMIT") == 1
    async with db.read() as session:
        rows = {row.update_id: row for row in (await session.scalars(select(TelegramUpdateRow))).all()}
        left = (await session.scalars(select(col(ConversationDraftRow.chat_id)))).all()
    assert sorted(rows) == [1, 2]
    assert rows[1].handled_at is not None
    assert rows[2].handled_at is None
    assert left == [2]
    await journal.dispose()


async def test_groups_on_lanes_of_their_own_commit_apart(db: Database, cipher: CredentialCipher) -> None:
    # The contrast to the test above: without a shared lane, each group runs its own transaction.
    journal, drafts = SqlUpdateJournal(db, FakeClock(), cipher), SqlDraftStore(db, cipher)
    await drafts.save_draft(1, "focus", "{}", WHEN.replace(year=2030))  # a screen to drop
    with recorded(db) as seen:
        await asyncio.gather(journal.arrived(1, 1, WHEN, "{}"), drafts.drop_draft(1, "focus"))
    assert seen.count("COMMIT") == 2
    await journal.dispose()


async def test_one_groups_failing_writer_does_not_fail_another_groups_items(
    db: Database, cipher: CredentialCipher
) -> None:
    lane = WriteLane(db)
    journal = SqlUpdateJournal(db, FakeClock(), cipher, lane=lane)
    assert await journal.arrived(1, 1, WHEN, "{}")

    async def duplicate(session: AsyncSession, items: list[int]) -> list[int | Exception]:
        # A refused constraint: on PostgreSQL it aborts the whole transaction it runs in.
        table = TelegramUpdateRow.__table__  # type: ignore[attr-defined]
        await session.execute(insert(table).values(update_id=1, received_at=WHEN))
        return list(items)

    failing: GroupCommit[int, int] = GroupCommit(lane, duplicate)
    with recorded(db) as seen:
        outcomes = await asyncio.gather(
            failing.submit(7), journal.arrived(2, 2, WHEN, "{}"), return_exceptions=True
        )
    assert isinstance(outcomes[0], IntegrityError)
    assert outcomes[1] is True
    assert seen.count("COMMIT") == 1  # the arrival, retried on its own once the shared transaction failed
    async with db.read() as session:
        stored = (await session.scalars(select(col(TelegramUpdateRow.update_id)))).all()
    assert sorted(stored) == [1, 2]
    await journal.dispose()


async def test_a_cancelled_submitter_is_cancelled_and_the_others_still_commit(db: Database) -> None:
    lane = WriteLane(db)
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow(session: AsyncSession, items: list[int]) -> list[int | Exception]:
        await session.execute(select(1))
        entered.set()
        await release.wait()
        return list(items)

    async def quick(session: AsyncSession, items: list[int]) -> list[int | Exception]:
        return [item * 10 for item in items]

    slow_group: GroupCommit[int, int] = GroupCommit(lane, slow)
    quick_group: GroupCommit[int, int] = GroupCommit(lane, quick)
    first, second = asyncio.create_task(slow_group.submit(1)), asyncio.create_task(slow_group.submit(2))
    await entered.wait()
    later = asyncio.create_task(quick_group.submit(3))  # queued while the transaction runs: the next one
    first.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await second == 2
    assert await asyncio.wait_for(later, timeout=10) == 30


async def test_a_cancelled_transaction_fails_every_group_queued_and_cancels_the_committer(
    db: Database,
) -> None:
    lane = WriteLane(db)
    entered = asyncio.Event()

    async def cancelled(session: AsyncSession, items: list[int]) -> list[int | Exception]:
        entered.set()
        await asyncio.sleep(0)  # the items queued meanwhile wait for the next transaction
        raise asyncio.CancelledError  # as when the committer task is cancelled mid-write

    async def echo(session: AsyncSession, items: list[int]) -> list[int | Exception]:
        return list(items)

    doomed: GroupCommit[int, int] = GroupCommit(lane, cancelled)
    bystander: GroupCommit[int, int] = GroupCommit(lane, echo)
    inside = [asyncio.create_task(doomed.submit(1)), asyncio.create_task(bystander.submit(2))]
    await entered.wait()
    queued = asyncio.create_task(bystander.submit(3))
    outcomes = await asyncio.wait_for(asyncio.gather(*inside, queued, return_exceptions=True), timeout=10)
    assert all(isinstance(outcome, RuntimeError) for outcome in outcomes), outcomes
    assert await bystander.submit(4) == 4  # the next item starts a new committer


async def test_a_patient_groups_item_rides_with_the_next_eager_write(db: Database) -> None:
    lane = WriteLane(db)
    written: list[str] = []

    async def writer(session: AsyncSession, items: list[str]) -> list[Exception | None]:
        await session.execute(select(1))  # a transaction with a statement: its COMMIT is counted
        written.extend(items)
        return [None] * len(items)

    # A patience far longer than the test: only another group's write can carry the patient item.
    patient: GroupCommit[str, None] = GroupCommit(lane, writer, patience=3600)
    eager: GroupCommit[str, None] = GroupCommit(lane, writer)
    with recorded(db) as seen:
        waiting = asyncio.create_task(patient.submit("mark"))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not waiting.done()  # it waits for company...
        await eager.submit("drop")  # ...and goes with the next eager write, in its transaction
        await asyncio.wait_for(waiting, timeout=5)
    assert sorted(written) == ["drop", "mark"]
    assert seen.count("COMMIT") == 1


async def test_a_patient_groups_item_alone_is_committed_after_its_patience(db: Database) -> None:
    lane = WriteLane(db)

    async def writer(session: AsyncSession, items: list[int]) -> list[int | Exception]:
        return [item + 1 for item in items]

    patient: GroupCommit[int, int] = GroupCommit(lane, writer, patience=0.01)
    assert await asyncio.wait_for(patient.submit(41), timeout=5) == 42
