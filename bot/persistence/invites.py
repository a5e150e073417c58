"""Invites to share an account's vehicles: stored as a hash of the token, usable once, until they expire."""

from __future__ import annotations

import hashlib
from datetime import datetime

from bot.domain.account import InviteInvalid, RedeemedInvite
from bot.domain.vehicle import Role
from bot.persistence.accounts import link_chat_in
from bot.persistence.engine import Database
from bot.persistence.tables import InviteRow


def token_hash(token: str) -> str:
    """The stored form of an invite token (a leaked database does not leak usable invites)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SqlInviteRepository:
    """InviteRepository on SQLAlchemy."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, account_id: int, role: Role, token: str, expires_at: datetime) -> None:
        """Store an invite."""
        async with self._db.write() as session:
            session.add(
                InviteRow(
                    token_hash=token_hash(token),
                    account_id=account_id,
                    role=role.value,
                    expires_at=expires_at,
                )
            )

    async def redeem(self, token: str, chat_id: int, now: datetime) -> RedeemedInvite:
        """Use the invite and link the chat with its role, in one transaction."""
        async with self._db.write() as session:
            row = await session.get(InviteRow, token_hash(token), with_for_update=True)
            if row is None or row.used_at is not None or row.expires_at <= now:
                raise InviteInvalid("the invite is unknown, used or expired")
            row.used_at = now
            row.used_by_chat_id = chat_id
            role = Role(row.role)
            await link_chat_in(session, chat_id, row.account_id, role)
            return RedeemedInvite(row.account_id, role)
