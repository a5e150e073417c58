"""Conversation state on both engines: a login mid-way (with its 2FA challenge) leaves no secret readable
in the database, another replica reads it back, expiry and purge, the shared action rate, the journal."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from bot.persistence.conversations import (
    JOURNAL_RETENTION,
    SqlActionRates,
    SqlConversationPurge,
    SqlDraftStore,
    SqlLoginStore,
)
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.persistence.tables import metadata
from bot.persistence.update_journal import MAX_TAKEOVERS, SqlUpdateJournal
from bot.renault.gigya import ChallengeState
from bot.services.conversation_ports import LOGIN_TTL, LoginDraft, LoginStep, PendingChallenge
from tests.support.clock import FakeClock

CIPHER = CredentialCipher.from_setting(generate_key())

CHAT = 4242
PASSWORD = "Pa55-word-in-flight!"
EMAIL = "mid.login@example.org"
REG_TOKEN = "st2.regToken.abcdef0123456789"
ASSERTION = "eyJ.gigyaAssertion.xyz0123456789"
PHV_TOKEN = "phvToken-9876543210-abcdef"
GMID = "gmid-cookie-0011223344"
UCID = "ucid-cookie-5566778899"
SECRETS = (PASSWORD, EMAIL, REG_TOKEN, ASSERTION, PHV_TOKEN, GMID, UCID)
DRAFT_SECRET = "draft-text-the-user-typed-7788"


def _challenge() -> ChallengeState:
    return ChallengeState(
        locale="fr_FR",
        email=EMAIL,
        password=PASSWORD,
        reg_token=REG_TOKEN,
        assertion=ASSERTION,
        phv_token=PHV_TOKEN,
        gmid=GMID,
        ucid=UCID,
        created_at=1_700_000_000.0,
        masked_emails=("m***@e***.org",),
    )


async def _mid_login(db: Database, cipher: CredentialCipher, clock: FakeClock) -> SqlLoginStore:
    store = SqlLoginStore(db, cipher)
    expires = clock() + LOGIN_TTL
    await store.save(LoginDraft(CHAT, LoginStep.PASSWORD, "fr_FR", expires, email=EMAIL))
    await store.put_challenge(PendingChallenge(CHAT, "cid-1", _challenge(), expires))
    draft = await store.load(CHAT)
    assert draft is not None
    await store.save(replace(draft, step=LoginStep.CODE, challenge_id="cid-1"))
    await SqlDraftStore(db, cipher).save_draft(CHAT, "schedule", DRAFT_SECRET, clock() + LOGIN_TTL)
    return store


async def _raw_rows(db: Database) -> str:
    """Every value of every table as the database returns it, as text (what a dump would show)."""
    parts: list[str] = []
    async with db.engine.connect() as conn:
        for name in metadata.tables:
            rows = await conn.execute(text(f'SELECT * FROM "{name}"'))  # noqa: S608 - our own table names
            parts.extend(repr(tuple(row)) for row in rows)
    return "\n".join(parts)


def _disk_bytes(db: Database) -> bytes:
    path = db.target.sqlite_path
    if path is None:
        return b""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


async def test_a_login_mid_way_leaves_no_secret_in_the_database(
    db: Database, cipher: CredentialCipher
) -> None:
    clock = FakeClock()
    await _mid_login(db, cipher, clock)
    rows = await _raw_rows(db)
    disk = _disk_bytes(db)
    assert "m***@e***.org" in rows  # sanity: the scan sees the conversation row
    for secret in (*SECRETS, DRAFT_SECRET):
        assert secret not in rows
        assert secret.encode() not in disk


async def test_another_replica_reads_the_challenge_back(db: Database, cipher: CredentialCipher) -> None:
    clock = FakeClock()
    await _mid_login(db, cipher, clock)
    other = SqlLoginStore(db, cipher)  # another process: nothing in memory
    pending = await other.challenge(CHAT)
    draft = await other.load(CHAT)
    assert pending is not None
    assert draft is not None
    assert pending.state == _challenge()
    assert (draft.step, draft.email, draft.challenge_id) == (LoginStep.CODE, EMAIL, "cid-1")


async def test_a_challenge_no_key_reads_reads_as_none_and_is_left_as_it_is(
    db: Database, cipher: CredentialCipher
) -> None:
    await _mid_login(db, cipher, FakeClock())
    stranger = SqlLoginStore(db, CredentialCipher.from_setting(generate_key()))
    assert await stranger.challenge(CHAT) is None
    assert await stranger.load(CHAT) is None
    # A key problem changes no stored state: the right key still reads the conversation (until it expires).
    assert await SqlLoginStore(db, cipher).challenge(CHAT) is not None
    assert await SqlLoginStore(db, cipher).load(CHAT) is not None


def test_reprs_name_no_secret() -> None:
    state = _challenge()
    shown = " ".join(
        (
            repr(state),
            repr(PendingChallenge(CHAT, "cid", state, FakeClock()())),
            repr(LoginDraft(CHAT, LoginStep.CODE, "fr_FR", FakeClock()(), email=EMAIL)),
        )
    )
    for secret in SECRETS:
        assert secret not in shown


async def test_dropping_a_replaced_challenge_keeps_the_current_one(
    db: Database, cipher: CredentialCipher
) -> None:
    store = await _mid_login(db, cipher, FakeClock())
    await store.drop_challenge(CHAT, "cid-0")  # an older login's id: the current challenge stays
    pending = await store.challenge(CHAT)
    assert pending is not None
    assert pending.challenge_id == "cid-1"


async def test_success_cancel_and_logout_delete_the_rows(db: Database, cipher: CredentialCipher) -> None:
    clock = FakeClock()
    store = await _mid_login(db, cipher, clock)
    await store.drop_challenge(CHAT, "cid-1")
    assert await store.challenge(CHAT) is None
    assert await store.load(CHAT) is not None  # the conversation itself goes on
    await store.forget_chat(CHAT)
    assert await store.load(CHAT) is None
    assert await SqlDraftStore(db, cipher).load_draft(CHAT, "schedule", clock()) is None
    assert PASSWORD not in await _raw_rows(db)


async def test_drafts_expire_and_the_purge_removes_what_expired(
    db: Database, cipher: CredentialCipher
) -> None:
    clock = FakeClock()
    await _mid_login(db, cipher, clock)
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
    raw = await _raw_rows(db)
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
