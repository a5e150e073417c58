"""The login's store on both engines: a login mid-way (with its 2FA challenge) leaves no secret readable in
the database, another replica reads it back, a key problem reads as none, and success, cancel and logout
delete the rows."""

from __future__ import annotations

from bot.features.linking.ports import PendingChallenge
from bot.features.linking.store import SqlLoginStore
from bot.persistence.conversations import SqlDraftStore
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.services.conversation_ports import LoginDraft, LoginStep
from tests.support.clock import FakeClock
from tests.support.logins import (
    CHAT,
    DRAFT_SECRET,
    EMAIL,
    PASSWORD,
    SECRETS,
    challenge_state,
    disk_bytes,
    mid_login,
    raw_rows,
)


async def test_a_login_mid_way_leaves_no_secret_in_the_database(
    db: Database, cipher: CredentialCipher
) -> None:
    clock = FakeClock()
    await mid_login(db, cipher, clock)
    rows = await raw_rows(db)
    disk = disk_bytes(db)
    assert "m***@e***.org" in rows  # sanity: the scan sees the conversation row
    for secret in (*SECRETS, DRAFT_SECRET):
        assert secret not in rows
        assert secret.encode() not in disk


async def test_another_replica_reads_the_challenge_back(db: Database, cipher: CredentialCipher) -> None:
    clock = FakeClock()
    await mid_login(db, cipher, clock)
    other = SqlLoginStore(db, cipher)  # another process: nothing in memory
    pending = await other.challenge(CHAT)
    draft = await other.load(CHAT)
    assert pending is not None
    assert draft is not None
    assert pending.state == challenge_state()
    assert (draft.step, draft.email, draft.challenge_id) == (LoginStep.CODE, EMAIL, "cid-1")


async def test_a_challenge_no_key_reads_reads_as_none_and_is_left_as_it_is(
    db: Database, cipher: CredentialCipher
) -> None:
    await mid_login(db, cipher, FakeClock())
    stranger = SqlLoginStore(db, CredentialCipher.from_setting(generate_key()))
    assert await stranger.challenge(CHAT) is None
    assert await stranger.load(CHAT) is None
    # A key problem changes no stored state: the right key still reads the conversation (until it expires).
    assert await SqlLoginStore(db, cipher).challenge(CHAT) is not None
    assert await SqlLoginStore(db, cipher).load(CHAT) is not None


def test_reprs_name_no_secret() -> None:
    state = challenge_state()
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
    store = await mid_login(db, cipher, FakeClock())
    await store.drop_challenge(CHAT, "cid-0")  # an older login's id: the current challenge stays
    pending = await store.challenge(CHAT)
    assert pending is not None
    assert pending.challenge_id == "cid-1"


async def test_success_cancel_and_logout_delete_the_rows(db: Database, cipher: CredentialCipher) -> None:
    clock = FakeClock()
    store = await mid_login(db, cipher, clock)
    await store.drop_challenge(CHAT, "cid-1")
    assert await store.challenge(CHAT) is None
    assert await store.load(CHAT) is not None  # the conversation itself goes on
    await store.forget_chat(CHAT)
    assert await store.load(CHAT) is None
    assert await SqlDraftStore(db, cipher).load_draft(CHAT, "schedule", clock()) is None
    assert PASSWORD not in await raw_rows(db)
