"""Who shares an account: members with their role and name, and whether viewers see the location."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.domain.sharing import Member
from bot.domain.vehicle import Role
from bot.persistence.accounts import unlink_in
from bot.persistence.engine import Database
from bot.persistence.tables import AccountRow, ChatLinkRow


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
