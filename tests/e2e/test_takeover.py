"""An update journaled by a process that died before handling it is handled after the restart, once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from tests.e2e.harness import running_e2e
from tests.support.chat import texts

WAIT = 15.0


def _help_from(user_id: int, update_id: int, date: int) -> str:
    """The update Telegram sends for a /help typed by this user in their private chat."""
    person = {"id": user_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    message = {
        "message_id": 1,
        "date": date,
        "chat": {"id": user_id, "type": "private", "first_name": "Ann"},
        "from": person,
        "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }
    return json.dumps({"update_id": update_id, "message": message})


async def test_an_update_the_process_died_with_is_handled_after_the_restart(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        assert e2e.core is not None
        ann = e2e.emulator.user(1001, "Ann")
        journal = e2e.core.stores.journal
        # What the killed process left: the update journaled (Telegram had its 200), never handled.
        content = _help_from(ann.chat_id, 900_001, int(e2e.clock().timestamp()))
        assert await journal.arrived(900_001, ann.chat_id, e2e.clock(), content)
        await e2e.restart()
        e2e.clock.advance(seconds=journal.takeover_after.total_seconds())
        await ann.wait_until(lambda u: len(u.bot_messages) >= 1, timeout=WAIT)
        await asyncio.sleep(6.0)  # one more take-over round: it must not be handled twice
        answers = texts(ann)
    assert len(answers) == 1
    assert "/status" in answers[0]
