"""Notification outbox: each ping reserved once by its dedup key, claimed with a lease, then sent or dropped;
and the pauses of Telegram sends that every replica honours."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.persistence.engine import Database
from bot.persistence.tables import NotificationLogRow, SendPauseRow
from bot.services.polling.ports import NewPing
from bot.services.ports import OutboxEntry

PENDING, SENT, DROPPED = "pending", "sent", "dropped"


class SqlNotificationLog:
    """NotificationLog on SQLAlchemy; the dedup key is the primary key, so it is reserved once."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def reserve(
        self,
        dedup_key: str,
        chat_id: int,
        payload: dict[str, Any],
        deliver_at: datetime,
        *,
        vehicle_id: int | None = None,
        account_id: int | None = None,
    ) -> bool:
        """Record a ping; False when the key exists. `vehicle_id` or `account_id` ties it to its owner: the
        foreign key deletes it with the car or the account."""
        try:
            async with self._db.write() as session:
                if await session.get(NotificationLogRow, dedup_key) is not None:
                    return False
                session.add(
                    NotificationLogRow(
                        dedup_key=dedup_key,
                        chat_id=chat_id,
                        vehicle_id=vehicle_id,
                        account_id=account_id,
                        payload=payload,
                        deliver_at=deliver_at,
                    )
                )
        except IntegrityError:
            # Another replica reserved the same key at the same moment.
            return False
        return True

    async def pending(self, now: datetime, limit: int) -> list[OutboxEntry]:
        """Due entries still pending (claimed ones too, with their claim), oldest first."""
        async with self._db.read() as session:
            rows = await session.scalars(
                select(NotificationLogRow)
                .where(col(NotificationLogRow.status) == PENDING, col(NotificationLogRow.deliver_at) <= now)
                .order_by(col(NotificationLogRow.deliver_at), col(NotificationLogRow.dedup_key))
                .limit(limit)
            )
            return [
                OutboxEntry(
                    row.dedup_key,
                    row.chat_id,
                    dict(row.payload or {}),
                    row.deliver_at,
                    row.claim_owner,
                    row.claim_expires_at,
                )
                for row in rows
            ]

    async def claim(self, entry: OutboxEntry, owner: str, now: datetime, lease: timedelta) -> bool:
        """Take the entry's claim for `lease`, if it still has the claim it was read with (none, or one the
        caller found expired or ownerless); True when this owner won it."""
        table = NotificationLogRow
        seen = (
            col(table.claim_owner).is_(None)
            if entry.claim_owner is None
            else col(table.claim_owner) == entry.claim_owner
        )
        async with self._db.write() as session:
            result = await session.execute(
                update(table)
                .where(col(table.dedup_key) == entry.dedup_key, col(table.status) == PENDING, seen)
                .values(claim_owner=owner, claim_expires_at=now + lease, attempts=col(table.attempts) + 1)
            )
            return int(getattr(result, "rowcount", 0) or 0) == 1

    async def mark_sent(self, dedup_key: str, sent_at: datetime) -> None:
        """The ping was delivered."""
        await self._finish(dedup_key, status=SENT, sent_at=sent_at, claim_owner=None, claim_expires_at=None)

    async def mark_dropped(self, dedup_key: str, reason: str) -> None:
        """The ping will never be delivered."""
        await self._finish(
            dedup_key, status=DROPPED, reason=reason[:255], claim_owner=None, claim_expires_at=None
        )

    async def reschedule(self, dedup_key: str, deliver_at: datetime, reason: str) -> None:
        """Give the claim back and try again at `deliver_at` (quiet hours, flood control, Telegram down)."""
        await self._finish(
            dedup_key, deliver_at=deliver_at, reason=reason[:255], claim_owner=None, claim_expires_at=None
        )

    async def _finish(self, dedup_key: str, **values: Any) -> None:
        async with self._db.write() as session:
            await session.execute(
                update(NotificationLogRow)
                .where(
                    col(NotificationLogRow.dedup_key) == dedup_key, col(NotificationLogRow.status) == PENDING
                )
                .values(**values)
            )

    async def pause(self, scope: str, until: datetime) -> None:
        """Hold every replica's sends of `scope` until `until` (a later pause already stored is kept)."""
        table = SendPauseRow.__table__  # type: ignore[attr-defined]
        dialect_insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        statement = (
            dialect_insert(table)
            .values(scope=scope, until=until)
            .on_conflict_do_update(
                index_elements=["scope"], set_={"until": until}, where=table.c.until < until
            )
        )
        async with self._db.write() as session:
            await session.execute(statement)

    async def pauses(self, now: datetime) -> dict[str, datetime]:
        """The pauses still running: scope -> until when."""
        async with self._db.read() as session:
            rows = await session.execute(
                select(col(SendPauseRow.scope), col(SendPauseRow.until)).where(col(SendPauseRow.until) > now)
            )
            return {row.scope: row.until for row in rows}


async def reserve_in(
    session: AsyncSession, pings: Sequence[NewPing], *, dialect_is_sqlite: bool
) -> list[OutboxEntry]:
    """`reserve` for several pings inside the caller's transaction; returns the entries reserved now.

    Keys already in the outbox are left out (a replayed diff). INSERT ... ON CONFLICT DO NOTHING, so a key
    another replica reserves at the same moment does not fail the caller's whole transaction.
    """
    if not pings:
        return []
    keys = [ping.entry.dedup_key for ping in pings]
    taken = set(
        await session.scalars(
            select(col(NotificationLogRow.dedup_key)).where(col(NotificationLogRow.dedup_key).in_(keys))
        )
    )
    fresh: dict[str, NewPing] = {}
    for ping in pings:
        if ping.entry.dedup_key not in taken:
            fresh.setdefault(ping.entry.dedup_key, ping)
    if not fresh:
        return []
    table = NotificationLogRow.__table__  # type: ignore[attr-defined]
    dialect_insert = sqlite.insert if dialect_is_sqlite else postgresql.insert
    rows = [
        {
            "dedup_key": ping.entry.dedup_key,
            "chat_id": ping.entry.chat_id,
            "vehicle_id": ping.vehicle_id,
            "account_id": None,
            "payload": ping.entry.payload,
            "deliver_at": ping.entry.deliver_at,
            "status": PENDING,
        }
        for ping in fresh.values()
    ]
    await session.execute(dialect_insert(table).on_conflict_do_nothing(index_elements=["dedup_key"]), rows)
    return [ping.entry for ping in fresh.values()]
