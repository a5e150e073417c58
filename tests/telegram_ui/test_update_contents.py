"""Each update is journaled as Telegram sent it (JSON text): long polling's batch from the getUpdates
response, the webhook's from the request body; PTB's `to_json()` (a tenth of a warm /status's CPU) is only
the fallback for an update whose text is not at hand."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import httpx
from telegram import Bot, Update

from bot.telegram_ui.ordering import JournaledQueue
from bot.telegram_ui.request import UpdatesRequest
from bot.telegram_ui.webhook import SECRET_HEADER, WebhookRoute, WebhookServer
from tests.support.clock import FakeClock
from tests.telegram_ui.fakes import FakeJournal, running_bot

TOKEN = "123456:" + "A" * 35
SECRET = "hook-secret-0123456789"


def _item(update_id: int, text: str = "/help") -> dict[str, object]:
    chat = {"id": 42, "type": "private", "first_name": "Wes"}
    sender = {"id": 42, "is_bot": False, "first_name": "Wes"}
    message = {"message_id": update_id, "date": 1_700_000_000, "chat": chat, "from": sender, "text": text}
    return {"update_id": update_id, "message": message}


def test_the_getupdates_request_keeps_each_update_as_sent() -> None:
    request = UpdatesRequest()
    items = [_item(7), _item(8, "/status")]
    data = request.parse_json_payload(json.dumps({"ok": True, "result": items}).encode())
    assert data["result"] == items  # PTB gets what it always got
    request.parse_json_payload(b'{"ok": false, "error_code": 409, "description": "Conflict"}')
    # An error answer is no batch: the last one is still there, and is handed over once.
    assert request.received() == {7: json.dumps(items[0]), 8: json.dumps(items[1])}
    assert request.received() == {}  # no copy kept after it was handed over (it may hold a password)


async def test_a_polled_batch_reaches_the_journal_with_its_text() -> None:
    seen: list[tuple[list[int], dict[int, str]]] = []

    async def hook(updates: Sequence[Update], contents: Mapping[int, str]) -> None:
        seen.append(([u.update_id for u in updates], dict(contents)))

    async with running_bot() as s:
        bot = s.app.bot
        ann = s.emu.user(1001, "Ann")
        journal = s.app.bot_data.services.journal
        assert isinstance(journal, FakeJournal)
        await ann.send("/help")
        await ann.wait_until(lambda u: len(u.bot_messages) >= 1)
        polled = [uid for uid, content in journal.contents.items() if content is not None]
        assert polled  # the update went through getUpdates and was journaled with its text
        content = journal.contents[polled[0]]
        assert content is not None
        assert json.loads(content)["message"]["text"] == "/help"
        assert hasattr(bot, "journal_into")
        bot.journal_into(hook)
        await ann.send("/help")
        await ann.wait_until(lambda _u: bool(seen))
    ids, texts = seen[0]
    assert set(ids) == set(texts)  # every update of the batch comes with its text
    assert all(json.loads(texts[uid])["update_id"] == uid for uid in ids)


async def test_the_queue_journals_the_text_it_is_given_else_ptbs() -> None:
    clock = FakeClock(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    journal = FakeJournal()
    queue = JournaledQueue(journal, clock)
    bot = Bot(TOKEN)
    first, second, third = (Update.de_json(_item(n), bot) for n in (1, 2, 3))
    await queue.journal_batch([first, second], {1: "as sent"})
    await queue.put_received(third, "the body")
    assert journal.contents[1] == "as sent"
    assert journal.contents[3] == "the body"
    fallback = journal.contents[2]
    assert fallback is not None
    assert json.loads(fallback)["update_id"] == 2  # PTB's to_json: no text was at hand


async def test_the_webhook_journals_the_body_it_received() -> None:
    clock = FakeClock(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    journal = FakeJournal()
    queue = JournaledQueue(journal, clock)
    route = WebhookRoute(path="/hook", secret=SECRET, bot=Bot(TOKEN), queue=queue)
    body = json.dumps(_item(77), indent=1).encode()  # not how PTB would write it
    async with WebhookServer(route, host="127.0.0.1", port=0) as server, httpx.AsyncClient() as client:
        answer = await client.post(
            f"http://127.0.0.1:{server.port}/hook",
            content=body,
            headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
        )
    assert answer.status_code == 200
    assert journal.contents[77] == body.decode()
