"""The terminal demo drives the real bot: log in with the printed account, then see the status card."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.simulator.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_simulator, run_demo
from tests.e2e.harness import E2E
from tests.support.clock import FakeClock


async def test_demo_chat_logs_in_and_shows_the_status(tmp_path: Path) -> None:
    clock = FakeClock()
    sim = demo_simulator(clock)
    db = Database.from_url(f"sqlite:///{tmp_path / 'demo.db'}")
    await upgrade_database(db)
    cipher = CredentialCipher.from_setting(generate_key())

    @asynccontextmanager
    async def start_bot(telegram_url: str, token: str, renault_url: str) -> AsyncIterator[None]:
        bot = E2E(clock, sim, None, renault_url, telegram_url, db, cipher, token=token)
        await bot.start()
        try:
            yield
        finally:
            await bot.stop()

    script = iter(["/login", "1", DEMO_EMAIL, DEMO_PASSWORD, "/status", "/quit"])
    output: list[str] = []

    async def read_line(prompt: str) -> str | None:
        return next(script, None)

    await run_demo(start_bot, read_line=read_line, write=output.append, clock=clock, simulator=sim)
    await db.dispose()
    shown = "\n".join(output)
    assert f"{DEMO_EMAIL} / {DEMO_PASSWORD}" in shown
    assert "[1] 🇬🇧 United Kingdom" in shown
    assert "Linked!" in shown
    assert "🔋" in shown
