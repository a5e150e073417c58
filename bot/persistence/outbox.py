"""Notification outbox: each ping is reserved once by its dedup key, then sent or dropped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.domain.account import OutboxEntry
from bot.persistence.engine import Database
from bot.persistence.tables import NotificationLogRow

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
        vehicle_id: int | None = None,
    ) -> bool:
        """Record a ping; False when the key exists. `vehicle_id` ties it to the car (deleted with it)."""
        try:
            async with self._db.write() as session:
                if await session.get(NotificationLogRow, dedup_key) is not None:
                    return False
                session.add(
                    NotificationLogRow(
                        dedup_key=dedup_key,
                        chat_id=chat_id,
                        vehicle_id=vehicle_id,
                        payload=payload,
                        deliver_at=deliver_at,
                    )
                )
        except IntegrityError:
            # Another replica reserved the same key at the same moment.
            return False
        return True

    async def pending(self, now: datetime, limit: int) -> list[OutboxEntry]:
        """Due entries still pending, oldest first."""
        async with self._db.read() as session:
            rows = await session.scalars(
                select(NotificationLogRow)
                .where(col(NotificationLogRow.status) == PENDING, col(NotificationLogRow.deliver_at) <= now)
                .order_by(col(NotificationLogRow.deliver_at), col(NotificationLogRow.dedup_key))
                .limit(limit)
            )
            return [
                OutboxEntry(row.dedup_key, row.chat_id, dict(row.payload or {}), row.deliver_at)
                for row in rows
            ]

    async def mark_sent(self, dedup_key: str, sent_at: datetime) -> None:
        """The ping was delivered."""
        await self._finish(dedup_key, status=SENT, sent_at=sent_at)

    async def mark_dropped(self, dedup_key: str, reason: str) -> None:
        """The ping will never be delivered."""
        await self._finish(dedup_key, status=DROPPED, reason=reason[:255])

    async def _finish(self, dedup_key: str, **values: Any) -> None:
        async with self._db.write() as session:
            await session.execute(
                update(NotificationLogRow)
                .where(
                    col(NotificationLogRow.dedup_key) == dedup_key, col(NotificationLogRow.status) == PENDING
                )
                .values(**values)
            )
