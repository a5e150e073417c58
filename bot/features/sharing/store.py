"""Family sharing's store: who shares an account, and the invites to join it.

Members are the chats linked to the account, with their role and name, and whether viewers see the
location. Invites are stored as a hash of the token, usable once, until they expire. Creating an invite
and redeeming one both lock the account's row first, so the pending-invite cap and the member limit hold
however many replicas create or redeem at once (on SQLite every write is serial anyway).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import ColumnElement, Delete, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.domain.vehicle import Role
from bot.features.sharing.logic import (
    INVITE_KEPT_AFTER_EXPIRY,
    MAX_PENDING_INVITES,
    Invite,
    InviteProblem,
    Member,
    join_problem,
)
from bot.features.sharing.ports import InviteInvalid, RedeemedInvite
from bot.persistence.accounts import link_chat_in, unlink_in
from bot.persistence.engine import Database
from bot.persistence.tables import AccountRow, ChatLinkRow, InviteRow

REF_LENGTH = 16  # hex characters of the hash that name an invite in a Revoke button (64 bits)


def token_hash(token: str) -> str:
    """The stored form of an invite token (a leaked database does not leak usable invites)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _invite(row: InviteRow) -> Invite:
    return Invite(
        ref=row.token_hash[:REF_LENGTH],
        account_id=row.account_id,
        role=Role(row.role),
        expires_at=row.expires_at,
        owner_name=row.owner_name or "",
        used_at=row.used_at,
        revoked_at=row.revoked_at,
    )


def _unused_of(account_id: int) -> tuple[ColumnElement[bool], ...]:
    # The account's invites neither used nor revoked (still usable unless expired).
    return (
        col(InviteRow.account_id) == account_id,
        col(InviteRow.used_at).is_(None),
        col(InviteRow.revoked_at).is_(None),
    )


async def lock_account(session: AsyncSession, account_id: int) -> None:
    """Hold the account's row until the transaction ends: its invites and members change one at a time."""
    await session.execute(
        select(col(AccountRow.id)).where(col(AccountRow.id) == account_id).with_for_update()
    )


def purgeable(now: datetime) -> ColumnElement[bool]:
    """Invites whose link no longer needs its own answer (expired a while ago), whatever their state."""
    return col(InviteRow.expires_at) <= now - INVITE_KEPT_AFTER_EXPIRY


def purge_invites(now: datetime) -> Delete:
    """The housekeeping purge's statement for invites (handed to it by the composition root)."""
    return delete(InviteRow).where(purgeable(now))


async def members_in(session: AsyncSession, account_id: int) -> list[Member]:
    """Every chat linked to the account (owner first), inside an open transaction."""
    rows = await session.scalars(select(ChatLinkRow).where(col(ChatLinkRow.account_id) == account_id))
    members = [Member(row.chat_id, row.member_name or "", Role(row.role), row.linked_at) for row in rows]
    order = {Role.OWNER: 0, Role.DRIVER: 1, Role.VIEWER: 2}
    return sorted(members, key=lambda m: (order[m.role], m.since is None, m.since or 0, m.chat_id))


class SqlMemberRepository:
    """MemberRepository on SQLAlchemy."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def members(self, account_id: int) -> list[Member]:
        """Every chat linked to the account, owner first."""
        async with self._db.read() as session:
            return await members_in(session, account_id)

    async def set_role(self, account_id: int, chat_id: int, role: Role) -> bool:
        """Give a member another role (never to or from owner); False when they are not a member."""
        async with self._db.write() as session:
            result = await session.execute(
                update(ChatLinkRow)
                .where(
                    col(ChatLinkRow.account_id) == account_id,
                    col(ChatLinkRow.chat_id) == chat_id,
                    col(ChatLinkRow.role) != Role.OWNER.value,
                )
                .values(role=role.value)
            )
            return bool(getattr(result, "rowcount", 0))

    async def remove(self, account_id: int, chat_id: int) -> bool:
        """Unlink a member (never the owner), their preferences and their choice of one of the cars as
        active, in one transaction; False when not a member."""
        async with self._db.write() as session:
            link = await session.get(ChatLinkRow, (chat_id, account_id), with_for_update=True)
            if link is None or link.role == Role.OWNER.value:
                return False
            await unlink_in(session, chat_id, account_id)
            return True

    async def set_location_shared(self, account_id: int, shared: bool) -> None:
        """Let viewers see the car's position, or stop."""
        async with self._db.write() as session:
            await session.execute(
                update(AccountRow).where(col(AccountRow.id) == account_id).values(share_location=shared)
            )

    async def location_shared(self, account_id: int) -> bool:
        """Whether viewers may see the car's position."""
        async with self._db.read() as session:
            value = await session.scalar(
                select(col(AccountRow.share_location)).where(col(AccountRow.id) == account_id)
            )
            return bool(value)


class SqlInviteRepository:
    """InviteRepository on SQLAlchemy."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self, account_id: int, role: Role, token: str, expires_at: datetime, *, owner_name: str, now: datetime
    ) -> Invite:
        """Store an invite (only the token's hash); raises `InviteInvalid(TOO_MANY_PENDING)` at the cap.

        The account's invites long expired are purged on the way.
        """
        row = InviteRow(
            token_hash=token_hash(token),
            account_id=account_id,
            role=role.value,
            expires_at=expires_at,
            created_at=now,
            owner_name=owner_name[:64],
        )
        async with self._db.write() as session:
            await lock_account(session, account_id)
            await session.execute(
                delete(InviteRow).where(col(InviteRow.account_id) == account_id, purgeable(now))
            )
            pending = await session.scalar(
                select(func.count())
                .select_from(InviteRow)
                .where(*_unused_of(account_id), col(InviteRow.expires_at) > now)
            )
            if (pending or 0) >= MAX_PENDING_INVITES:
                raise InviteInvalid(InviteProblem.TOO_MANY_PENDING)
            session.add(row)
        return _invite(row)

    async def find(self, token: str) -> Invite | None:
        """The invite a token opens, whatever its state; None when no such invite exists."""
        async with self._db.read() as session:
            row = await session.get(InviteRow, token_hash(token))
            return None if row is None else _invite(row)

    async def redeem(self, token: str, chat_id: int, member_name: str, now: datetime) -> RedeemedInvite:
        """Use the invite and link the chat with its role, in one transaction (checked again under lock)."""
        async with self._db.write() as session:
            row = await session.get(InviteRow, token_hash(token), with_for_update=True)
            if row is None:
                raise InviteInvalid(InviteProblem.UNKNOWN)
            invite = _invite(row)
            # Two invites of one account redeemed at once: the second counts the first's new member.
            await lock_account(session, row.account_id)
            problem = join_problem(invite, await members_in(session, row.account_id), chat_id, now)
            if problem is not None:
                raise InviteInvalid(problem)
            row.used_at = now
            row.used_by_chat_id = chat_id
            await link_chat_in(
                session, chat_id, row.account_id, invite.role, member_name=member_name, now=now
            )
            return RedeemedInvite(row.account_id, invite.role)

    async def pending(self, account_id: int, now: datetime) -> list[Invite]:
        """The account's invites that can still be used, soonest to expire first."""
        async with self._db.read() as session:
            rows = await session.scalars(
                select(InviteRow)
                .where(*_unused_of(account_id), col(InviteRow.expires_at) > now)
                .order_by(col(InviteRow.expires_at))
            )
            return [_invite(row) for row in rows]

    async def revoke(self, account_id: int, ref: str, now: datetime) -> bool:
        """Revoke one pending invite of the account by its reference; False when none matched."""
        if len(ref) != REF_LENGTH or any(c not in "0123456789abcdef" for c in ref):
            return False  # a forged reference: never let it reach a LIKE pattern
        async with self._db.write() as session:
            result = await session.execute(
                update(InviteRow)
                .where(*_unused_of(account_id), col(InviteRow.token_hash).startswith(ref))
                .values(revoked_at=now)
            )
            return bool(getattr(result, "rowcount", 0))
