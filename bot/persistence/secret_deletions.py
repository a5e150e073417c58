"""SecretDeletionStore on SQL: secret messages still to delete, by chat and message id (never their text)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlmodel import col

from bot.persistence.engine import Database
from bot.persistence.tables import SecretDeletionRow
from bot.services.conversation_ports import PendingErasure


class SqlSecretDeletions:
    """Implements `bot.services.conversation_ports.SecretDeletionStore`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, pending: PendingErasure) -> None:
        """Keep the message for a retry (insert or replace)."""
        async with self._db.write() as session:
            row = await session.get(SecretDeletionRow, (pending.chat_id, pending.message_id))
            if row is None:
                row = SecretDeletionRow(chat_id=pending.chat_id, message_id=pending.message_id)
                session.add(row)
            row.sent_at = pending.sent_at
            row.attempts = pending.attempts
            row.next_at = pending.next_at

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[PendingErasure]:
        """Due messages, each pushed `lease` ahead by a conditional update so one replica takes it."""
        async with self._db.read() as session:
            rows = (
                await session.execute(
                    select(SecretDeletionRow)
                    .where(col(SecretDeletionRow.next_at) <= now)
                    .order_by(col(SecretDeletionRow.next_at))
                    .limit(limit)
                )
            ).scalars()
            due = [PendingErasure(r.chat_id, r.message_id, r.sent_at, r.attempts, r.next_at) for r in rows]
        claimed = []
        for pending in due:
            async with self._db.write() as session:
                result = await session.execute(
                    update(SecretDeletionRow)
                    .where(
                        col(SecretDeletionRow.chat_id) == pending.chat_id,
                        col(SecretDeletionRow.message_id) == pending.message_id,
                        col(SecretDeletionRow.next_at) == pending.next_at,
                    )
                    .values(next_at=now + lease)
                )
            if int(getattr(result, "rowcount", 0) or 0) == 1:
                claimed.append(pending)
        return claimed

    async def remove(self, chat_id: int, message_id: int) -> None:
        """Forget the message."""
        async with self._db.write() as session:
            await session.execute(
                delete(SecretDeletionRow).where(
                    col(SecretDeletionRow.chat_id) == chat_id, col(SecretDeletionRow.message_id) == message_id
                )
            )
