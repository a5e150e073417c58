"""SQLite: the draft store knows which chats have a draft, so a command in a chat without a screen writes
nothing, and a chat that has one (saved now, or left by an earlier process) still has it dropped."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import col

from bot.persistence.conversations import SqlDraftStore
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.tables import ConversationDraftRow
from tests.support.statements import recorded

CIPHER = CredentialCipher.from_setting(generate_key())
LATER = datetime(2030, 1, 1, tzinfo=UTC)


async def _kinds_of(db: Database, chat_id: int) -> set[str]:
    async with db.read() as session:
        found = await session.execute(
            select(col(ConversationDraftRow.kind)).where(col(ConversationDraftRow.chat_id) == chat_id)
        )
    return set(found.scalars())


async def test_dropping_a_screen_a_chat_does_not_have_writes_nothing(sqlite_db: Database) -> None:
    drafts = SqlDraftStore(sqlite_db, CIPHER)
    await drafts.drop_draft(1, "focus")  # the first use reads which chats have one
    with recorded(sqlite_db) as seen:
        await drafts.drop_draft(2, "focus")
    assert seen == []


async def test_a_draft_saved_here_or_left_by_an_earlier_process_is_still_dropped(sqlite_db: Database) -> None:
    await SqlDraftStore(sqlite_db, CIPHER).save_draft(7, "focus", "{}", LATER)  # an earlier process
    drafts = SqlDraftStore(sqlite_db, CIPHER)
    await drafts.drop_draft(1, "focus")  # the list is read now: chat 7 is on it
    await drafts.save_draft(8, "focus", "{}", LATER)
    await drafts.save_draft(8, "schedule", "{}", LATER)
    await drafts.drop_draft(7, "focus")
    await drafts.drop_draft(8, "focus")
    assert await _kinds_of(sqlite_db, 7) == set()
    assert await _kinds_of(sqlite_db, 8) == {"schedule"}  # another kind stays
    with recorded(sqlite_db) as seen:
        await drafts.drop_draft(8, "focus")  # dropped already: off the list
    assert seen == []
    await drafts.save_draft(8, "focus", "{}", LATER)  # a new screen: on the list again
    await drafts.drop_draft(8, "focus")
    assert await _kinds_of(sqlite_db, 8) == {"schedule"}
