"""Invites on every engine: at most `MAX_PENDING_INVITES` waiting per account, purged a week after they
expire, and the member limit held when invites are redeemed (or created) at the same moment."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.vehicle import Role
from bot.features.sharing.logic import (
    INVITE_KEPT_AFTER_EXPIRY,
    MAX_MEMBERS,
    MAX_PENDING_INVITES,
    InviteProblem,
)
from bot.features.sharing.ports import InviteInvalid, RedeemedInvite
from bot.features.sharing.store import SqlInviteRepository, SqlMemberRepository, purge_invites
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.conversations import SqlConversationPurge
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from tests.persistence import factories as f

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
OWNER = 100
ROUNDS = 20  # redemptions interleave differently each round: enough rounds for a race to show


async def _invite(invites: SqlInviteRepository, account_id: int, token: str, now: datetime = NOW) -> None:
    await invites.create(account_id, Role.VIEWER, token, now + DAY, owner_name="Ann", now=now)


async def test_no_more_than_the_cap_of_invites_wait_at_once(db: Database, cipher: CredentialCipher) -> None:
    account_id, _ = await f.linked_zoe(db, cipher, OWNER)
    invites = SqlInviteRepository(db)
    await _invite(invites, account_id, "old-expired", NOW - 2 * DAY)  # expired: not waiting any more
    for n in range(MAX_PENDING_INVITES):
        await _invite(invites, account_id, f"token-{n}")

    with pytest.raises(InviteInvalid) as refused:
        await _invite(invites, account_id, "one-too-many")
    assert refused.value.problem is InviteProblem.TOO_MANY_PENDING
    assert await invites.find("one-too-many") is None
    assert len(await invites.pending(account_id, NOW)) == MAX_PENDING_INVITES

    (first, *_) = await invites.pending(account_id, NOW)
    assert await invites.revoke(account_id, first.ref, NOW)
    await _invite(invites, account_id, "after-a-revoke")
    # Another account has its own allowance.
    other, _ = await SqlAccountRepository(db, cipher).create_linked(
        200, "de_DE", "b@example.org", f.secrets("person-2"), [f.zoe("VIN2")]
    )
    await _invite(invites, other, "other-account")


async def test_invites_are_purged_a_week_after_they_expire(db: Database, cipher: CredentialCipher) -> None:
    account_id, _ = await f.linked_zoe(db, cipher, OWNER)
    invites = SqlInviteRepository(db)
    long_ago = NOW - INVITE_KEPT_AFTER_EXPIRY - 2 * DAY
    await _invite(invites, account_id, "just-expired", NOW - 2 * DAY)
    await _invite(invites, account_id, "live")
    await _invite(invites, account_id, "long-expired", long_ago)  # last: no later creation purges it

    assert await SqlConversationPurge(db, timedelta(seconds=60), purges=(purge_invites,)).purge(NOW) >= 1
    assert await invites.find("long-expired") is None
    just = await invites.find("just-expired")
    assert just is not None
    assert just.problem(NOW) is InviteProblem.EXPIRED  # its link still gets its own answer for a while
    assert await invites.find("live") is not None

    # Creating an invite purges the account's long-expired ones too (without waiting for the job).
    await _invite(invites, account_id, "stale", long_ago)
    await _invite(invites, account_id, "new")
    assert await invites.find("stale") is None


async def _nearly_full(db: Database, cipher: CredentialCipher) -> int:
    """An account with one member short of the limit."""
    account_id, _ = await f.linked_zoe(db, cipher, OWNER)
    accounts = SqlAccountRepository(db, cipher)
    for n in range(MAX_MEMBERS - 1):
        await accounts.link_chat(5000 + n, account_id, Role.VIEWER)
    return account_id


async def test_two_invites_redeemed_at_once_never_exceed_the_member_limit(
    db: Database, cipher: CredentialCipher
) -> None:
    account_id = await _nearly_full(db, cipher)
    invites, members = SqlInviteRepository(db), SqlMemberRepository(db)
    for round_ in range(ROUNDS):  # each round starts one member short of the limit
        tokens = [f"round-{round_}-a", f"round-{round_}-b"]
        for token in tokens:
            await _invite(invites, account_id, token)
        chats = [7000 + 10 * round_, 7001 + 10 * round_]
        results = await asyncio.gather(
            *(invites.redeem(token, chat, "M", NOW) for token, chat in zip(tokens, chats, strict=True)),
            return_exceptions=True,
        )
        current = await members.members(account_id)
        assert sum(1 for m in current if m.role is not Role.OWNER) == MAX_MEMBERS, (round_, results)
        joined = [r for r in results if isinstance(r, RedeemedInvite)]
        refused = [r for r in results if isinstance(r, InviteInvalid)]
        assert (len(joined), [r.problem for r in refused]) == (1, [InviteProblem.FULL]), results
        for chat in chats:
            await members.remove(account_id, chat)
        for pending in await invites.pending(account_id, NOW):  # the refused one stays usable: revoke it
            await invites.revoke(account_id, pending.ref, NOW)


async def test_invites_created_at_once_never_exceed_the_cap(db: Database, cipher: CredentialCipher) -> None:
    account_id, _ = await f.linked_zoe(db, cipher, OWNER)
    invites = SqlInviteRepository(db)
    for n in range(MAX_PENDING_INVITES - 1):
        await _invite(invites, account_id, f"token-{n}")

    results = await asyncio.gather(
        *(_invite(invites, account_id, f"racing-{n}") for n in range(3)), return_exceptions=True
    )

    assert sum(1 for r in results if r is None) == 1, results
    assert all(r is None or isinstance(r, InviteInvalid) for r in results), results
    assert len(await invites.pending(account_id, NOW)) == MAX_PENDING_INVITES
