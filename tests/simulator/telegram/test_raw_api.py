"""The emulator as a plain HTTP API: routing, encodings, long polling and its shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.simulator.telegram import TelegramEmulator


@pytest.fixture
async def api(emu: TelegramEmulator) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client wired in-process to the emulator, with the bot's URL prefix."""
    transport = httpx.MockTransport(emu.handle)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://api.test/bot{emu.token}") as client:
        yield client


async def test_unknown_method_is_not_found(api: httpx.AsyncClient) -> None:
    response = await api.post("/sendSticker")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive_and_json_bodies_work(
    emu: TelegramEmulator, api: httpx.AsyncClient
) -> None:
    emu.user(7, "Ann")
    response = await api.post("/SENDMESSAGE", json={"chat_id": 7, "text": "hi"})
    assert response.json()["result"]["text"] == "hi"
    assert emu.requests[0].params == {"chat_id": 7, "text": "hi"}


async def test_wrong_token_is_unauthorized(emu: TelegramEmulator) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(emu.handle)) as client:
        response = await client.post("http://api.test/bot1:nope/getMe")
    assert response.status_code == 401
    assert response.json()["description"] == "Unauthorized"


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    emu: TelegramEmulator, api: httpx.AsyncClient
) -> None:
    ann = emu.user(7, "Ann")
    poll = asyncio.ensure_future(api.post("/getUpdates", data={"timeout": "30"}))
    await asyncio.sleep(0)
    assert not poll.done()
    await ann.send("/start")
    updates = (await asyncio.wait_for(poll, 5)).json()["result"]
    entity = updates[0]["message"]["entities"][0]
    assert entity == {"type": "bot_command", "offset": 0, "length": 6}


async def test_offset_confirms_updates(emu: TelegramEmulator, api: httpx.AsyncClient) -> None:
    ann = emu.user(7, "Ann")
    await ann.send("one")
    await ann.send("two")
    first = (await api.post("/getUpdates")).json()["result"]
    assert [u["message"]["text"] for u in first] == ["one", "two"]
    again = (await api.post("/getUpdates", data={"offset": str(first[0]["update_id"] + 1)})).json()["result"]
    assert [u["message"]["text"] for u in again] == ["two"]
    assert emu.pending_updates == 1


async def test_allowed_updates_filter_out_other_kinds(emu: TelegramEmulator, api: httpx.AsyncClient) -> None:
    ann = emu.user(7, "Ann")
    await ann.send("text")
    ann.block_bot()
    result = (await api.post("/getUpdates", data={"allowed_updates": '["my_chat_member"]'})).json()["result"]
    assert list(result[0]) == ["update_id", "my_chat_member"]


async def test_close_releases_a_waiting_long_poll(emu: TelegramEmulator, api: httpx.AsyncClient) -> None:
    poll = asyncio.ensure_future(api.post("/getUpdates", data={"timeout": "30"}))
    await asyncio.sleep(0)
    emu.close()
    assert (await asyncio.wait_for(poll, 5)).json() == {"ok": True, "result": []}


async def test_a_newer_poll_terminates_the_older_with_conflict(api: httpx.AsyncClient) -> None:
    older = asyncio.ensure_future(api.post("/getUpdates", data={"timeout": "30"}))
    await asyncio.sleep(0)
    newer = await api.post("/getUpdates", data={"timeout": "0"})
    assert newer.json()["ok"]
    conflict = await asyncio.wait_for(older, 5)
    assert conflict.status_code == 409


async def test_get_updates_is_refused_while_a_webhook_is_set(
    emu: TelegramEmulator, api: httpx.AsyncClient
) -> None:
    await api.post("/setWebhook", data={"url": "https://example.invalid/hook"})
    assert (await api.post("/getUpdates")).status_code == 409
    info = (await api.post("/getWebhookInfo")).json()["result"]
    assert info["url"] == emu.webhook_url == "https://example.invalid/hook"
    await api.post("/deleteWebhook", data={"drop_pending_updates": "true"})
    assert (await api.post("/getUpdates")).json() == {"ok": True, "result": []}


async def test_next_message_times_out_when_the_bot_stays_silent(emu: TelegramEmulator) -> None:
    ann = emu.user(7, "Ann")
    with pytest.raises(TimeoutError):
        await ann.next_message(timeout=0.01)


async def test_tapping_a_missing_button_is_a_test_error(
    emu: TelegramEmulator, api: httpx.AsyncClient
) -> None:
    ann = emu.user(7, "Ann")
    markup = '{"inline_keyboard": [[{"text": "Docs", "url": "https://example.invalid"}]]}'
    await api.post("/sendMessage", data={"chat_id": "7", "text": "menu", "reply_markup": markup})
    card = await ann.next_message()
    with pytest.raises(LookupError):
        await ann.tap(card, "Nope")
    with pytest.raises(ValueError, match="does not send a callback"):
        await ann.tap(card, "Docs")
