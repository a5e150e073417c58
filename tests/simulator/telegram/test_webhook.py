"""The emulator's webhook delivery: the secret header, retries until 2xx, one chat at a time, chats apart."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

from bot.simulator.http_server import LoopbackServer
from bot.simulator.telegram import TelegramEmulator


async def _set_webhook(emu: TelegramEmulator, server: LoopbackServer, url: str) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{server.url}/bot{emu.token}/setWebhook", data={"url": url, "secret_token": "s3"}
        )
    assert answer.json()["ok"]


async def test_updates_are_posted_with_the_secret_and_retried_until_accepted() -> None:
    emu = TelegramEmulator()
    received: list[tuple[int, str]] = []
    refusals = [503]

    async def hook(request: httpx.Request) -> httpx.Response:
        update_id = int(httpx.Response(200, content=request.content).json()["update_id"])
        received.append((update_id, request.headers.get("x-telegram-bot-api-secret-token", "")))
        return httpx.Response(refusals.pop() if refusals else 200)

    async with LoopbackServer(emu.handle) as telegram, LoopbackServer(hook) as bot:
        await _set_webhook(emu, telegram, f"{bot.url}/hook")
        async with emu.webhook_pusher(retry_seconds=0.01) as pusher:
            await emu.user(1, "Ann").send("/start")
            await asyncio.wait_for(_until(lambda: emu.pending_updates == 0), timeout=5)
    assert [d.status for d in pusher.deliveries] == [503, 200]
    assert {secret for _, secret in received} == {"s3"}
    assert len({update_id for update_id, _ in received}) == 1


async def test_one_chat_waits_for_its_previous_update_while_other_chats_go_on() -> None:
    emu = TelegramEmulator()
    gate = asyncio.Event()
    order: list[int] = []

    async def hook(request: httpx.Request) -> httpx.Response:
        chat = int(httpx.Response(200, content=request.content).json()["message"]["chat"]["id"])
        order.append(chat)
        if chat == 1 and not gate.is_set():
            await gate.wait()  # the first update of chat 1 is slow to be acknowledged
        return httpx.Response(200)

    async with LoopbackServer(emu.handle) as telegram, LoopbackServer(hook) as bot:
        await _set_webhook(emu, telegram, f"{bot.url}/hook")
        async with emu.webhook_pusher():
            ann, bob = emu.user(1, "Ann"), emu.user(2, "Bob")
            await ann.send("/one")
            await ann.send("/two")
            await bob.send("/three")
            await asyncio.wait_for(_until(lambda: order.count(2) == 1), timeout=5)
            assert order == [1, 2]  # Ann's second update waits; Bob's went out meanwhile
            gate.set()
            await asyncio.wait_for(_until(lambda: emu.pending_updates == 0), timeout=5)
    assert order == [1, 2, 1]


async def test_only_the_kinds_named_in_allowed_updates_are_pushed() -> None:
    emu = TelegramEmulator()
    kinds: list[str] = []

    async def hook(request: httpx.Request) -> httpx.Response:
        body = httpx.Response(200, content=request.content).json()
        kinds.extend(key for key in body if key != "update_id")
        return httpx.Response(200)

    async with LoopbackServer(emu.handle) as telegram, LoopbackServer(hook) as bot:
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                f"{telegram.url}/bot{emu.token}/setWebhook",
                json={"url": f"{bot.url}/hook", "allowed_updates": ["message"]},
            )
        assert answer.json()["ok"]
        ann = emu.user(1, "Ann")
        first = await ann.send("/one")
        async with emu.webhook_pusher():
            await ann.edit(first, "/one, edited")  # an edited_message: not asked for
            await ann.send("/two")
            await asyncio.wait_for(_until(lambda: emu.pending_updates == 0), timeout=5)
    assert kinds == ["message", "message"]


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():  # noqa: ASYNC110 - the pusher's state has no event to wait on
        await asyncio.sleep(0.01)
