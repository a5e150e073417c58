"""Conversation state on SQLAlchemy: editor drafts (encrypted), the per-chat action rate, what logout
deletes, and the purge of what expired (the /login rows too; their store is the linking feature's,
`bot/features/linking/store.py`).

One row per chat (and per kind for drafts), shared by every replica; the e-mail, the challenge (password,
Gigya's regToken and assertions, the device cookies) and the drafts are encrypted with CREDENTIALS_KEY.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Executable, Table, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.persistence.crypto import CredentialCipher, CredentialDecryptError
from bot.persistence.engine import Database
from bot.persistence.group_commit import GroupCommit, WriteLane
from bot.persistence.limits import expired_attempts
from bot.persistence.outbox import PENDING
from bot.persistence.tables import (
    ActionRateRow,
    ConversationDraftRow,
    LimitCounterRow,
    LoginConversationRow,
    NotificationLogRow,
    SendPauseRow,
    TelegramUpdateRow,
)
from bot.services.conversation_ports import LATE_SECRET_WINDOW, LoginStep

log = logging.getLogger(__name__)

_SECRET_STEPS = (LoginStep.PASSWORD, LoginStep.CODE)

# Telegram keeps an undelivered update for 24 hours: a redelivery can come no later than that.
JOURNAL_RETENTION = timedelta(hours=24)
# A sent or dropped ping is kept a week (its key refuses the same event again; none comes back that late).
OUTBOX_RETENTION = timedelta(days=7)


class SqlDraftStore:
    """DraftStore on `conversation_drafts` (encrypted: a draft may hold anything the user typed)."""

    def __init__(self, db: Database, cipher: CredentialCipher, lane: WriteLane | None = None) -> None:
        self._db = db
        self._cipher = cipher
        # Every command leaves its chat's screen: a burst of commands drops their drafts in one statement
        # (in the transaction of the database's other group commits, when `lane` is the database's).
        self._drops: GroupCommit[tuple[int, str], None] = GroupCommit(lane or db, _drop_batch)
        # SQLite (the front-end is one process): per kind, the chats that may have a draft, read once and
        # kept by this store's own writes, so a command in a chat with no screen (most) writes nothing.
        # Only ever too large (logout and the purge delete rows without telling): a listed chat is dropped
        # as before.
        self._present: dict[str, set[int]] | None = {} if db.is_sqlite else None
        self._reading = asyncio.Lock()

    async def load_draft(self, chat_id: int, kind: str, now: datetime) -> str | None:
        """The chat's live draft of that kind."""
        async with self._db.read() as session:
            row = await session.get(ConversationDraftRow, (chat_id, kind))
        if row is None or row.expires_at <= now:
            return None
        try:
            return self._cipher.decrypt(row.data_enc)
        except CredentialDecryptError:
            # A key problem, not a bad draft: the row is left for the right key (or its expiry).
            log.warning("a %s draft cannot be decrypted with the configured keys; it reads as none", kind)
            return None

    async def save_draft(self, chat_id: int, kind: str, data: str, expires_at: datetime) -> None:
        """Store the draft, replacing the chat's previous one of that kind."""
        present = await self._chats_with(kind)
        if present is not None:
            present.add(chat_id)  # listed before the row exists: never a row the list misses
        async with self._db.write() as session:
            row = await session.get(ConversationDraftRow, (chat_id, kind), with_for_update=True)
            if row is None:
                row = ConversationDraftRow(chat_id=chat_id, kind=kind, data_enc="", expires_at=expires_at)
                session.add(row)
            row.data_enc = self._cipher.encrypt(data)
            row.expires_at = expires_at

    async def drop_draft(self, chat_id: int, kind: str) -> None:
        """Forget the draft."""
        present = await self._chats_with(kind)
        if present is None:
            await self._drops.submit((chat_id, kind))
            return
        if chat_id not in present:
            return  # no draft of that kind: nothing to write
        present.discard(chat_id)
        try:
            await self._drops.submit((chat_id, kind))
        except BaseException:
            present.add(chat_id)  # not dropped: still there
            raise

    async def _chats_with(self, kind: str) -> set[int] | None:
        """SQLite: the chats that may have a draft of `kind` (read on first use); None on PostgreSQL."""
        if self._present is None:
            return None
        present = self._present.get(kind)
        if present is None:
            async with self._reading:
                present = self._present.get(kind)
                if present is None:
                    async with self._db.read() as session:
                        found = await session.execute(_CHATS_WITH, {"kind": kind})
                    present = self._present[kind] = set(found.scalars())
        return present


async def _drop_batch(session: AsyncSession, batch: list[tuple[int, str]]) -> list[Exception | None]:
    # One DELETE per kind in the batch (in practice one: the screen focus).
    chats_of: dict[str, set[int]] = {}
    for chat_id, kind in batch:
        chats_of.setdefault(kind, set()).add(chat_id)
    for kind, chats in chats_of.items():
        await session.execute(_DROP, {"kind": kind, "chats": sorted(chats)})
    return [None] * len(batch)


# Built once (every command drops the chat's screen): building it cost more CPU than running it.
_DRAFTS: Table = ConversationDraftRow.__table__  # type: ignore[attr-defined]
_CHATS_WITH = select(_DRAFTS.c.chat_id).where(_DRAFTS.c.kind == bindparam("kind"))
_DROP = delete(_DRAFTS).where(
    _DRAFTS.c.kind == bindparam("kind"), _DRAFTS.c.chat_id.in_(bindparam("chats", expanding=True))
)


class SqlActionRates:
    """ActionRateStore on `action_rates`: one atomic upsert decides, whichever replica asks."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def try_acquire(self, chat_id: int, now: datetime, interval: timedelta) -> timedelta | None:
        """Take the chat's slot, or return how long until it is free."""
        table = ActionRateRow.__table__  # type: ignore[attr-defined]
        dialect_insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        insert = dialect_insert(table).values(chat_id=chat_id, last_action_at=now)
        statement = insert.on_conflict_do_update(
            index_elements=["chat_id"],
            set_={"last_action_at": now},
            where=table.c.last_action_at <= now - interval,
        ).returning(table.c.chat_id)
        async with self._db.write() as session:
            taken = (await session.execute(statement)).first()
            if taken is not None:
                return None
            last = await session.scalar(
                select(col(ActionRateRow.last_action_at)).where(col(ActionRateRow.chat_id) == chat_id)
            )
        return interval - (now - last) if last is not None else interval


async def forget_chat_conversations(db: Database, chat_id: int) -> None:
    """Delete every conversation row of a chat (logout): login, challenge, drafts, action rate."""
    async with db.write() as session:
        await session.execute(
            delete(LoginConversationRow).where(col(LoginConversationRow.chat_id) == chat_id)
        )
        await session.execute(
            delete(ConversationDraftRow).where(col(ConversationDraftRow.chat_id) == chat_id)
        )
        await session.execute(delete(ActionRateRow).where(col(ActionRateRow.chat_id) == chat_id))


class SqlConversationPurge:
    """ConversationPurge: expired logins and drafts, stale rates, journal entries older than a day,
    attempt counters nobody touched for two days, ended send pauses, pings finished a week ago, and what
    each feature's store hands in `purges` (family sharing: invites a week past their expiry)."""

    def __init__(
        self, db: Database, rate_interval: timedelta, purges: Sequence[Callable[[datetime], Executable]] = ()
    ) -> None:
        self._db = db
        self._rate_interval = rate_interval
        self._purges = tuple(purges)

    async def purge(self, now: datetime) -> int:
        """Delete what expired; the SQLite WAL is checkpointed so the ciphertexts leave the disk too."""
        async with self._db.write() as session:
            removed = 0
            expired_login = col(LoginConversationRow.expires_at) <= now
            for statement in (
                # The pending password and the e-mail leave at expiry; a login that waited for a secret
                # stays a little longer as a bare step, so a late password or code is still deleted.
                update(LoginConversationRow)
                .where(
                    expired_login,
                    col(LoginConversationRow.challenge_enc).is_not(None)
                    | col(LoginConversationRow.email_enc).is_not(None),
                )
                .values(challenge_enc=None, challenge_id=None, challenge_expires_at=None, email_enc=None),
                delete(LoginConversationRow).where(
                    expired_login, col(LoginConversationRow.step).not_in([s.value for s in _SECRET_STEPS])
                ),
                delete(LoginConversationRow).where(
                    col(LoginConversationRow.expires_at) <= now - LATE_SECRET_WINDOW
                ),
                delete(ConversationDraftRow).where(col(ConversationDraftRow.expires_at) <= now),
                delete(ActionRateRow).where(col(ActionRateRow.last_action_at) <= now - self._rate_interval),
                delete(TelegramUpdateRow).where(
                    col(TelegramUpdateRow.received_at) <= now - JOURNAL_RETENTION
                ),
                delete(LimitCounterRow).where(expired_attempts(now)),
                delete(SendPauseRow).where(col(SendPauseRow.until) <= now),
                delete(NotificationLogRow).where(
                    col(NotificationLogRow.status) != PENDING,
                    col(NotificationLogRow.deliver_at) <= now - OUTBOX_RETENTION,
                ),
                *(purge(now) for purge in self._purges),
            ):
                result = await session.execute(statement)
                removed += int(getattr(result, "rowcount", 0) or 0)
        if removed:
            await self._db.checkpoint()
        return removed
