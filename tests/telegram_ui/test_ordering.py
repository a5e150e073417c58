"""The update queue and processor: a redelivered update is answered once, one chat's updates in turn."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from telegram import Update

from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.persistence.update_journal import SqlUpdateJournal
from bot.simulator.telegram import EmulatedUser
from bot.telegram_ui.ordering import ChatOrderedProcessor, JournaledQueue, JournalingBot
from tests.support.clock import FakeClock
from tests.support.statements import recorded
from tests.telegram_ui.fakes import FakeJournal, Stack, running_bot


def _update(stack: Stack, update_id: int, chat_id: int, text: str) -> Update:
    user = {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    payload = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(stack.clock().timestamp()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Ann"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }
    update = Update.de_json(payload, stack.app.bot)
    assert update is not None
    return update


def _helps(user: EmulatedUser) -> int:
    return sum((m.text or "").startswith("/status") for m in user.bot_messages)


async def test_a_redelivered_update_is_answered_once() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        update = _update(s, 900_001, 1001, "/help")
        await s.app.update_queue.put(update)
        await s.app.update_queue.put(_update(s, 900_001, 1001, "/help"))  # Telegram retried it
        await ann.wait_until(lambda u: _helps(u) == 1)
        await s.app.update_queue.put(_update(s, 900_002, 1001, "/help"))
        await ann.wait_until(lambda u: _helps(u) == 2)
    assert _helps(ann) == 2
    journal = s.app.bot_data.services.journal
    assert isinstance(journal, FakeJournal)
    assert {900_001, 900_002} <= journal.seen


async def test_one_chats_updates_sent_at_once_are_answered_in_order() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        for number, command in enumerate(("/help", "/cancel", "/help", "/cancel"), start=1):
            await s.app.update_queue.put(_update(s, 910_000 + number, 1001, command))
        await ann.wait_until(lambda u: len(u.bot_messages) == 4)
    kinds = ["help" if (m.text or "").startswith("/status") else "cancel" for m in ann.bot_messages]
    assert kinds == ["help", "cancel", "help", "cancel"]


async def test_a_polled_batch_is_journaled_in_one_statement_before_its_updates_are_queued(
    tmp_path: Path,
) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'bot.db'}")
    await upgrade_database(db)
    clock = FakeClock()
    journal = SqlUpdateJournal(db, clock, CredentialCipher.from_setting(generate_key()))
    async with running_bot() as s:
        queue = JournaledQueue(journal, clock)
        batch = [_update(s, 920_000 + n, 1000 + n, "/help") for n in range(10)]
        assert await journal.arrived(920_003, 1003, clock())  # delivered before: not fresh
        with recorded(db) as seen:
            await queue.journal_batch(batch)
            for update in batch:
                await queue.put(update)
        # Long polling hands the application's queue every batch through the bot.
        app_queue = s.app.update_queue
        assert isinstance(app_queue, JournaledQueue)
        assert isinstance(s.app.bot, JournalingBot)
        assert s.app.bot.on_updates == app_queue.journal_batch
    assert len([sql for sql in seen if sql.startswith("INSERT INTO telegram_updates")]) == 1
    queued = [queue.get_nowait() for _ in range(queue.qsize())]
    assert [u.update_id for u in queued if isinstance(u, Update)] == [
        920_000 + n for n in range(10) if n != 3
    ]
    await db.dispose()


async def test_the_processors_shutdown_commits_the_handled_marks_still_waiting(tmp_path: Path) -> None:
    # SQLite marks wait for company in the background (here: for an hour); a stop must not leave them
    # unwritten, or the next process would handle their updates again.
    db = Database.from_url(f"sqlite:///{tmp_path / 'bot.db'}")
    await upgrade_database(db)
    clock = FakeClock()
    journal = SqlUpdateJournal(db, clock, CredentialCipher.from_setting(generate_key()), mark_patience=3600.0)
    processor = ChatOrderedProcessor(journal, 4)
    update = Update.de_json(
        {
            "update_id": 5,
            "message": {
                "message_id": 5,
                "date": int(clock().timestamp()),
                "chat": {"id": 1001, "type": "private"},
                "text": "/help",
            },
        },
        None,
    )
    assert update is not None
    assert await journal.arrived(5, 1001, clock(), "{}")
    handled: list[int] = []

    async def handle() -> None:
        handled.append(5)

    await processor.do_process_update(update, handle())
    async with db.read() as session:
        waiting = (await session.execute(text(_UNHANDLED))).scalar_one()
    await processor.shutdown()
    async with db.read() as session:
        left = (await session.execute(text(_UNHANDLED))).scalar_one()
    await journal.dispose()
    await db.dispose()
    assert handled == [5]
    assert waiting == 1  # handled, its mark waiting for company
    assert left == 0


_UNHANDLED = "SELECT count(*) FROM telegram_updates WHERE handled_at IS NULL"
