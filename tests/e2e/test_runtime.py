"""The real runtime path: webhook mode with its secret, the health and metrics endpoint, graceful stop."""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app.graph import system_clock
from bot.app.health import health_endpoint
from bot.app.run import (
    GC_THRESHOLDS,
    front_end,
    open_bot,
    start,
    stop,
    tune_garbage_collector,
    worker,
)
from bot.config import Settings
from bot.features.linking.ports import LinkResult
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.simulator.demo import DEMO_EMAIL, DEMO_PASSWORD
from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault import RenaultSimulator
from bot.simulator.telegram import TelegramEmulator
from tests.support.replicas import free_port

SECRET = "webhook-secret-123"


def _database_key(folder: Path) -> str:
    """The CREDENTIALS_KEY of the test's database, made at its first start."""
    stored = folder / "credentials.key"
    if not stored.exists():
        stored.write_text(generate_key())
    return stored.read_text()


@asynccontextmanager
async def _running(tmp_path: Path, **overrides: Any) -> AsyncIterator[tuple[Settings, TelegramEmulator]]:
    sim = RenaultSimulator(system_clock)
    emu = TelegramEmulator(system_clock)
    async with LoopbackServer(sim.handle) as renault, LoopbackServer(emu.handle) as telegram:
        settings = Settings(
            _env_file=None,
            telegram_api_url=telegram.url,
            renault_gigya_url=f"{renault.url}/gigya",
            renault_kamereon_url=f"{renault.url}/kamereon",
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            **overrides,
        )
        # One key per database: a second start on it must pass the key check like a restart does.
        cipher = CredentialCipher.from_setting(_database_key(tmp_path))
        async with open_bot(settings, cipher, emu.token) as opened:
            application = front_end(opened, settings)
            async with application, health_endpoint(opened, settings):
                webhook = await start(application, opened.graph, settings)
                try:
                    yield settings, emu
                finally:
                    emu.close()
                    await stop(application, opened.graph, webhook)


def _update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Wes", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "Wes"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_webhook_mode_checks_the_secret_on_every_request(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    async with _running(tmp_path, webhook_url=url, webhook_secret_token=SECRET, port=port) as (
        _settings,
        emu,
    ):
        assert emu.webhook_url == url
        set_calls = emu.calls("setWebhook")
        assert set_calls[-1].params.get("secret_token") == SECRET
        user = emu.user(777, "Wes")
        async with httpx.AsyncClient() as client:
            refused = await client.post(
                url, json=_update(1, 777, "/start"), headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
            accepted = await client.post(
                url, json=_update(2, 777, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
        assert refused.status_code == 403
        assert accepted.status_code == 200
        reply = await user.next_message(timeout=10)
        assert "/status" in (reply.text or "")
        assert len(user.bot_messages) == 1  # the refused /start was never answered


async def _raw_post_head(url: str, head: str) -> bytes:
    """Send only a request head to the webhook and read what comes back (the body is never sent)."""
    parts = httpx.URL(url)
    reader, writer = await asyncio.open_connection(parts.host, parts.port)
    try:
        writer.write(head.replace("\n", "\r\n").encode() + b"\r\n")
        await writer.drain()
        return await asyncio.wait_for(reader.read(4096), timeout=5)
    finally:
        writer.close()


async def test_webhook_mode_refuses_oversized_bodies_and_malformed_json(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    async with _running(tmp_path, webhook_url=url, webhook_secret_token=SECRET, port=port) as (_s, emu):
        user = emu.user(778, "Wes")
        oversized = await _raw_post_head(
            url,
            f"POST /telegram-hook HTTP/1.1\nHost: bot\nContent-Type: application/json\n"
            f"Content-Length: {2 * 1024 * 1024}\nX-Telegram-Bot-Api-Secret-Token: {SECRET}\n",
        )
        async with httpx.AsyncClient() as client:
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
            malformed = await client.post(url, content=b'{"update_id": 1, "message": ', headers=headers)
            missing = await client.post(url, json=_update(2, 778, "/start"))
            accepted = await client.post(url, json=_update(3, 778, "/help"), headers=headers)
        reply = await user.next_message(timeout=10)
    assert oversized.startswith(b"HTTP/1.1 413 ")  # answered on the head alone: the 2 MB never came
    assert malformed.status_code == 400
    assert missing.status_code == 403
    assert accepted.status_code == 200
    assert "/status" in (reply.text or "")
    assert len(user.bot_messages) == 1


async def test_only_the_update_kinds_the_bot_uses_are_asked_for(tmp_path: Path) -> None:
    used = ["message", "edited_message", "callback_query"]
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    async with _running(tmp_path, webhook_url=url, webhook_secret_token=SECRET, port=port) as (_s, emu):
        assert emu.calls("setWebhook")[-1].params.get("allowed_updates") == used
    async with _running(tmp_path) as (_s, emu):
        user = emu.user(779, "Wes")
        await user.send("/help")
        await user.next_message(timeout=10)
        polls = emu.calls("getUpdates")
    assert polls
    assert all(call.params.get("allowed_updates") == used for call in polls)


def _business_update(update_id: int, kind: str, chat_id: int, text: str) -> dict[str, object]:
    message = _update(update_id, chat_id, text)["message"]
    assert isinstance(message, dict)
    return {"update_id": update_id, kind: {**message, "business_connection_id": "bc-1"}}


@pytest.mark.parametrize("allowed_user_ids", ["", "1"], ids=["open", "allow-list without the user"])
async def test_business_and_unknown_update_kinds_are_never_answered(
    tmp_path: Path, allowed_user_ids: str
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    async with _running(
        tmp_path, webhook_url=url, webhook_secret_token=SECRET, port=port, allowed_user_ids=allowed_user_ids
    ) as (_s, emu):
        user = emu.user(780, "Wes")
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        unused = [
            _business_update(1, "business_message", 780, "/start"),
            _business_update(2, "edited_business_message", 780, "/help"),
            _business_update(3, "guest_message", 780, "/start"),  # a kind PTB does not know
            {
                "update_id": 4,
                "deleted_business_messages": {
                    "business_connection_id": "bc-1",
                    "chat": {"id": 780, "type": "private"},
                    "message_ids": [1],
                },
            },
        ]
        async with httpx.AsyncClient() as client:
            answers = [await client.post(url, json=update, headers=headers) for update in unused]
            # The same chat's updates are handled in order: once /help is answered (or refused by the
            # allow-list), the four before it were handled.
            await client.post(url, json=_update(5, 780, "/help"), headers=headers)
        reply = await user.next_message(timeout=10)
    assert [answer.status_code for answer in answers] == [200] * 4
    assert ("/status" if not allowed_user_ids else "this bot is private") in (reply.text or "")
    assert len(user.bot_messages) == 1
    assert [c.method for c in emu.requests if str(c.params.get("chat_id")) == "780"] == ["sendMessage"]


async def test_health_and_metrics_endpoint_reports_checks_and_counters(tmp_path: Path) -> None:
    port = free_port()
    async with _running(tmp_path, health_port=port) as (_settings, _emu), httpx.AsyncClient() as client:
        health = await client.get(f"http://127.0.0.1:{port}/healthz")
        metrics = await client.get(f"http://127.0.0.1:{port}/metrics")
    body = json.loads(health.text)
    assert health.status_code == 200, body
    assert body["checks"] == {"database": "ok", "telegram": "ok", "poller": "ok"}
    assert "renault_bot_polls_total" in metrics.text
    assert "renault_bot_action_seconds" in metrics.text


async def test_healthz_asks_telegram_once_a_minute_not_on_every_request(tmp_path: Path) -> None:
    port = free_port()
    async with _running(tmp_path, health_port=port) as (_settings, emu), httpx.AsyncClient() as client:
        before = len(emu.calls("getMe"))
        answers = [await client.get(f"http://127.0.0.1:{port}/healthz") for _ in range(5)]
        after = len(emu.calls("getMe"))

    assert [a.status_code for a in answers] == [200] * 5
    assert after - before == 1


async def test_the_health_endpoint_listens_on_health_host(tmp_path: Path) -> None:
    port = free_port()
    async with (
        _running(tmp_path, health_port=port, health_host="127.0.0.2"),
        httpx.AsyncClient() as client,
    ):
        answer = await client.get(f"http://127.0.0.2:{port}/healthz")
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/healthz")

    assert answer.status_code == 200


async def test_stop_finishes_within_the_grace_period(tmp_path: Path) -> None:
    loop = asyncio.get_running_loop()
    async with _running(tmp_path) as (_settings, _emu):
        started = loop.time()
    assert loop.time() - started < 10.0


async def test_simulator_backend_lets_anyone_link_the_demo_car(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.db'}", renault_backend="simulator"
    )
    async with open_bot(settings, CredentialCipher.from_setting(generate_key()), "1:token") as opened:
        result = await opened.graph.linking.begin(5, "fr_FR", DEMO_EMAIL, DEMO_PASSWORD)
        assert isinstance(result, LinkResult)
        view = await opened.graph.status.status(5)
    assert view.snapshot.battery_level is not None


async def test_worker_polls_linked_cars_without_the_telegram_update_loop(tmp_path: Path) -> None:
    sim = RenaultSimulator(system_clock)
    account = sim.add_account("w@example.com", "pw-123456")
    sim.add_vehicle(account, "X102VE")
    emu = TelegramEmulator(system_clock)
    polled = asyncio.Event()

    async def watched(request: httpx.Request) -> httpx.Response:
        response = await sim.handle(request)
        if request.url.path.endswith("/battery-status") and linked.is_set():
            polled.set()
        return response

    linked = asyncio.Event()
    async with LoopbackServer(watched) as renault, LoopbackServer(emu.handle) as telegram:
        settings = Settings(
            _env_file=None,
            telegram_bot_token=emu.token,
            telegram_api_url=telegram.url,
            renault_gigya_url=f"{renault.url}/gigya",
            renault_kamereon_url=f"{renault.url}/kamereon",
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        )
        cipher = CredentialCipher.from_setting(generate_key())
        async with open_bot(settings, cipher, emu.token) as opened:
            assert isinstance(
                await opened.graph.linking.begin(9, "fr_FR", "w@example.com", "pw-123456"), LinkResult
            )
        linked.set()
        halt = asyncio.Event()
        running = asyncio.create_task(worker(settings, cipher, halt))
        try:
            await asyncio.wait_for(polled.wait(), timeout=20)
        finally:
            halt.set()
            await running
    assert emu.calls("getUpdates") == ()  # the worker never long-polls Telegram


async def test_poll_concurrency_setting_reaches_the_poller(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.db'}", poll_concurrency=7)
    async with open_bot(settings, CredentialCipher.from_setting(generate_key()), "1:token") as opened:
        poller = opened.graph.poller
    assert (poller.settings.concurrency, poller.settings.batch_size) == (7, 14)


def test_the_garbage_collector_is_tuned_for_a_large_fleet() -> None:
    before = gc.get_threshold()
    # serve() and worker() in other tests of this process may have tuned it already
    gc.set_threshold(700, 10, 10)
    try:
        tune_garbage_collector()
        assert gc.get_threshold() == GC_THRESHOLDS
        assert GC_THRESHOLDS[0] > 700
    finally:
        gc.set_threshold(*before)
