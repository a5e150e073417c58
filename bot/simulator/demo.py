"""The offline demo: a terminal chat with the real bot, against the simulated Renault and Telegram.

Both simulators are served on loopback ports; the caller (`python -m bot demo`, wired by the lead) passes
`start_bot(telegram_api_url, bot_token, renault_url)`, an async context manager that runs the real
Application and services pointed at those URLs. The user types messages and sees the bot's replies; the
buttons of the last message shown are numbered, and typing one of those numbers taps it. Any other line is
sent as text, so "22" or a 2FA code is never mistaken for a button. The demo account's e-mail and password
are printed at start; the demo's own lines come from the bot's catalogs, in the demo user's language.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault import RenaultSimulator
from bot.simulator.telegram import EmulatedUser, TelegramEmulator
from bot.simulator.telegram.model import ChatMessage

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - a published password of a simulated account
DEMO_USER_ID = 4242
DEMO_LANGUAGE = "en"  # the demo user's Telegram language
REPLY_WAIT_SECONDS = 15.0
SETTLE_SECONDS = 0.7
QUIT = frozenset({"/quit", "quit", "exit"})

StartBot = Callable[[str, str, str], AbstractAsyncContextManager[Any]]
ReadLine = Callable[[str], Awaitable[str | None]]
Texts = Callable[..., str]
"""The bot's catalog in the demo user's language (`Translator`, handed over by the composition root)."""
Write = Callable[[str], None]


def render_message(message: ChatMessage, first_number: int | None) -> tuple[str, list[str]]:
    """A bot message as terminal text, buttons numbered from `first_number` (unnumbered when None)."""
    lines = [f"🤖 {message.text or message.caption or ''}".rstrip()]
    if message.location is not None:
        lines.append(f"🤖 📍 {message.location.latitude:.5f}, {message.location.longitude:.5f}")
    labels = [button.text for button in message.buttons]
    if first_number is None:
        lines += [f"   [·] {label}" for label in labels]
    else:
        lines += [f"   [{first_number + i}] {label}" for i, label in enumerate(labels)]
    return "\n".join(lines), labels


class TerminalChat:
    """Shows what changed in the chat since last time; a typed number taps a button of the last message."""

    def __init__(self, user: EmulatedUser, write: Write, tr: Texts) -> None:
        self._user = user
        self._write = write
        self._tr = tr
        self._seen: dict[int, tuple[Any, ...]] = {}
        # The buttons of the last message shown, numbered from 1: the only numbers that are taps.
        self._buttons: dict[int, tuple[ChatMessage, str]] = {}

    def _version(self, message: ChatMessage) -> tuple[Any, ...]:
        return (message.text, message.edit_date, message.keyboard, message.location)

    def changed(self) -> int:
        """How many bot messages are new or edited since the last `show`."""
        return sum(1 for m in self._user.bot_messages if self._seen.get(m.message_id) != self._version(m))

    def show(self) -> None:
        """Print new and edited bot messages; only the last one's buttons are numbered (from 1)."""
        changed = [m for m in self._user.bot_messages if self._seen.get(m.message_id) != self._version(m)]
        for index, message in enumerate(changed):
            self._seen[message.message_id] = self._version(message)
            last = index == len(changed) - 1
            text, labels = render_message(message, 1 if last else None)
            self._write(text)
            if last:
                self._buttons = {number: (message, label) for number, label in enumerate(labels, start=1)}

    def tap_target(self, line: str) -> tuple[ChatMessage, str] | None:
        """The button a typed line taps: a number of the last message's buttons, in range; else None."""
        return self._buttons.get(int(line)) if line.isdigit() else None

    async def handle(self, line: str) -> None:
        """A typed line: a number of the last message's buttons taps it, anything else is sent as text."""
        target = self.tap_target(line)
        if target is not None:
            message, label = target
            try:
                await self._user.tap(message, label)
            except (LookupError, ValueError):
                self._write(self._tr("demo.button_gone"))
                return
        else:
            await self._user.send(line)
        await self.wait_for_replies()

    async def wait_for_replies(self) -> None:
        """Wait for the bot to answer, then a little longer for edits ('sent to the car...' -> outcome)."""
        with contextlib.suppress(TimeoutError):
            await self._user.wait_until(lambda _: self.changed() > 0, timeout=REPLY_WAIT_SECONDS)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._settle(), timeout=REPLY_WAIT_SECONDS)
        self.show()

    async def _settle(self) -> None:
        # Keep waiting while the bot keeps changing the chat; stop after a quiet moment.
        last = -1
        while self.changed() != last:
            last = self.changed()
            await asyncio.sleep(SETTLE_SECONDS)


async def _read_stdin(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


def demo_simulator(clock: Callable[[], datetime]) -> RenaultSimulator:
    """A simulated Renault backend with the demo account and a Zoe (plugged in, half charged)."""
    sim = RenaultSimulator(clock)
    account = sim.add_account(DEMO_EMAIL, DEMO_PASSWORD)
    sim.add_vehicle(account, "X102VE", vin="VF1AG000066666666", plate="DE-MO-42", plugged=True)
    return sim


async def run_demo(
    start_bot: StartBot,
    *,
    read_line: ReadLine = _read_stdin,
    write: Write = print,
    clock: Callable[[], datetime] | None = None,
    simulator: RenaultSimulator | None = None,
    texts: Texts,
    language: str = DEMO_LANGUAGE,
) -> None:
    """Serve both simulators on loopback, start the bot on them, chat in the terminal until EOF or /quit."""
    now = clock or (lambda: datetime.now(UTC))
    sim = simulator or demo_simulator(now)
    emu = TelegramEmulator(now)
    async with (
        LoopbackServer(sim.handle) as renault,
        LoopbackServer(emu.handle) as telegram,
        start_bot(telegram.url, emu.token, renault.url),
    ):
        try:
            chat = TerminalChat(emu.user(DEMO_USER_ID, "Demo", language_code=language), write, texts)
            write(texts("demo.welcome", email=DEMO_EMAIL, password=DEMO_PASSWORD))
            write(texts("demo.how"))
            while True:
                line = await read_line("you> ")
                if line is None or line.strip() in QUIT:
                    break
                if line.strip():
                    await chat.handle(line.strip())
        finally:
            emu.close()  # release the bot's long poll so it stops at once
