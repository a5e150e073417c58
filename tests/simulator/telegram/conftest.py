"""Fixtures: an emulator served over loopback and a real PTB Application polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Bot
from telegram.ext import Application, ApplicationBuilder, BaseHandler

from bot.simulator.http_server import LoopbackServer
from bot.simulator.telegram import TelegramEmulator
from tests.support.clock import FakeClock

AnyApp = Application[Any, Any, Any, Any, Any, Any]
Handlers = Sequence[BaseHandler[Any, Any, Any]]


@pytest.fixture
def emu(clock: FakeClock) -> TelegramEmulator:
    """A fresh emulator on the fake clock."""
    return TelegramEmulator(clock)


@pytest.fixture
async def server(emu: TelegramEmulator) -> AsyncIterator[LoopbackServer]:
    """The emulator on a loopback port."""
    async with LoopbackServer(emu.handle) as running:
        yield running
        emu.close()


def build_app(emu: TelegramEmulator, server: LoopbackServer) -> AnyApp:
    """A real PTB Application pointed at the emulator."""
    return (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(f"{server.url}/bot")
        .base_file_url(f"{server.url}/file/bot")
        .build()
    )


@asynccontextmanager
async def polling(emu: TelegramEmulator, server: LoopbackServer, handlers: Handlers) -> AsyncIterator[AnyApp]:
    """Run an Application with its updater long-polling the emulator, and stop it cleanly."""
    app = build_app(emu, server)
    for handler in handlers:
        app.add_handler(handler)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=5)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


@pytest.fixture
async def bot(emu: TelegramEmulator, server: LoopbackServer) -> AsyncIterator[Bot]:
    """A bare PTB Bot talking to the emulator (for method-level tests)."""
    async with build_app(emu, server).bot as ptb_bot:
        yield ptb_bot
