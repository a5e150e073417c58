"""The whole bot over loopback HTTP: Telegram emulator + Renault simulator, real Application and services.

Only the transports are swapped: the Renault client talks HTTP to the simulator's port, PTB talks HTTP to
the emulator's port, and the database is a fresh SQLite file. `restart()` builds a new Application and a new
service graph on the same database and key, as after a process restart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

from bot.app.graph import Graph, GraphOptions, build_graph
from bot.app.http import new_http_client
from bot.app.parts import TELEGRAM_PARTS
from bot.app.run import ui_services
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.renault.locales import LocaleOverrides
from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault import RenaultSimulator
from bot.simulator.telegram import EmulatedUser, TelegramEmulator
from bot.telegram_ui.application import build_application, new_bot
from bot.telegram_ui.context import BotApplication, UiOptions
from bot.telegram_ui.notifier import TelegramNotifier
from bot.telegram_ui.ordering import on_polling_error
from bot.telegram_ui.update_kinds import USED_UPDATES
from tests.support.chat import texts
from tests.support.clock import FakeClock

EMAIL = "owner@example.com"
TFA_EMAIL = "tfa@example.com"
PASSWORD = "sim-password-1"


@dataclass
class E2E:
    """A running bot and both fakes of the outside world."""

    clock: FakeClock
    sim: RenaultSimulator
    emu: TelegramEmulator | None
    sim_url: str
    emu_url: str
    db: Database
    cipher: CredentialCipher
    token: str = ""
    options: GraphOptions = field(default_factory=GraphOptions)
    ui: UiOptions = field(default_factory=UiOptions)
    app: BotApplication | None = None
    core: Graph | None = None
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack)

    async def start(self) -> None:
        """Build the service graph and the Application, and start long polling."""
        overrides = LocaleOverrides(
            gigya_url=f"{self.sim_url}/gigya", kamereon_url=f"{self.sim_url}/kamereon"
        )
        http = await self._stack.enter_async_context(new_http_client())
        bot = new_bot(self.token or self.emulator.token, f"{self.emu_url}/bot", f"{self.emu_url}/file/bot")
        options = dataclasses.replace(self.options, locale_overrides=overrides)
        notifier = TelegramNotifier(bot, self.clock, TELEGRAM_PARTS)
        self.core = build_graph(http, self.db, self.cipher, self.clock, notifier, options)
        self.app = build_application(bot, ui_services(self.core), TELEGRAM_PARTS, options=self.ui)
        await self.app.initialize()
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(
            poll_interval=0.0,
            timeout=1,
            allowed_updates=list(USED_UPDATES),  # as bot.app.run asks for them
            error_callback=on_polling_error,
        )

    @property
    def emulator(self) -> TelegramEmulator:
        """The Telegram emulator (always there in scenario tests)."""
        assert self.emu is not None
        return self.emu

    async def stop(self) -> None:
        """Stop polling and the Application, close the HTTP client."""
        if self.app is not None:
            assert self.app.updater is not None
            await self.app.updater.stop()
            await self.app.stop()
            await self.app.shutdown()
            self.app = None
        await self._stack.aclose()
        self._stack = AsyncExitStack()

    async def core_login_step(self, chat_id: int) -> str | None:
        """The step of the chat's stored /login conversation (None when no login is running)."""
        assert self.core is not None
        draft = await self.core.stores.logins.load(chat_id)
        return None if draft is None else draft.step.value

    async def restart(self) -> None:
        """A new process on the same database and key."""
        await self.stop()
        await self.start()


@asynccontextmanager
async def running_e2e(
    tmp_path: Path,
    start: datetime | None = None,
    options: GraphOptions | None = None,
    ui: UiOptions | None = None,
    *,
    database_url: str | None = None,
    renault_seen: Callable[[httpx.Request], None] | None = None,
) -> AsyncIterator[E2E]:
    """Serve both fakes on loopback, migrate a fresh database (SQLite unless `database_url`), start the bot;
    tear everything down after. `renault_seen` is shown every request the bot makes to Renault."""
    clock = FakeClock(start)
    sim = RenaultSimulator(clock)
    emu = TelegramEmulator(clock)
    db = Database.from_url(database_url or f"sqlite:///{tmp_path / 'bot.db'}")
    await upgrade_database(db)

    async def renault(request: httpx.Request) -> httpx.Response:
        if renault_seen is not None:
            renault_seen(request)
        return await sim.handle(request)

    async with LoopbackServer(renault) as sim_server, LoopbackServer(emu.handle) as emu_server:
        cipher = CredentialCipher.from_setting(generate_key())
        e2e = E2E(
            clock,
            sim,
            emu,
            sim_server.url,
            emu_server.url,
            db,
            cipher,
            options=options or GraphOptions(),
            ui=ui or UiOptions(),
        )
        await e2e.start()
        try:
            yield e2e
        finally:
            emu.close()
            await e2e.stop()
            await db.dispose()


async def login(user: EmulatedUser, email: str, password: str) -> None:
    """Walk through /login up to sending the password (country: the default)."""
    await user.send("/login")
    countries = await user.next_message()
    await user.tap(countries, countries.buttons[0].text)
    await user.wait_until(lambda u: any("MyRenault account." in t for t in texts(u)))
    await user.send(email)
    await user.wait_until(lambda u: any("password" in t for t in texts(u)))
    await user.send(password)
