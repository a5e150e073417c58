"""The terminal demo drives the real bot: log in with the printed account, then see the status card."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app.parts import CATALOGS
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.simulator.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_simulator, run_demo
from tests.e2e.harness import E2E
from tests.support.clock import FakeClock


async def _demo(tmp_path: Path, script_lines: list[str], language: str = "en") -> str:
    """Run the demo on a script of typed lines; what it printed."""
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

    script = iter(script_lines)
    output: list[str] = []

    async def read_line(prompt: str) -> str | None:
        return next(script, None)

    await run_demo(
        start_bot,
        read_line=read_line,
        write=output.append,
        clock=clock,
        simulator=sim,
        texts=CATALOGS.translator(language),
        language=language,
    )
    await db.dispose()
    return "\n".join(output)


async def test_demo_chat_logs_in_and_shows_the_status(tmp_path: Path) -> None:
    shown = await _demo(tmp_path, ["/login", "1", DEMO_EMAIL, DEMO_PASSWORD, "/status", "/quit"])
    assert f"{DEMO_EMAIL} / {DEMO_PASSWORD}" in shown
    assert "[1] 🇬🇧 United Kingdom" in shown
    assert "Linked!" in shown
    assert "🔋" in shown


async def test_a_number_is_a_tap_only_when_the_last_message_has_that_button(tmp_path: Path) -> None:
    # 99 is past the 30 countries: sent as text (the country step says what it wants); 1 is a tap.
    shown = await _demo(tmp_path, ["/login", "99", "1", "/help", "2", "/quit"])
    assert "Tap your country below, or type your MyRenault e-mail" in shown
    assert "Country: 🇬🇧 United Kingdom" in shown
    # /help has no buttons: "2" is text (the e-mail step answers it), not a tap on an older message.
    assert "That does not look like an e-mail address" in shown
    assert "(that button is gone)" not in shown


async def test_the_demos_own_lines_come_from_the_catalogs(tmp_path: Path) -> None:
    shown = await _demo(tmp_path, ["/quit"], language="fr")
    assert shown.startswith(
        f"Démo hors ligne. Compte MyRenault de démonstration : {DEMO_EMAIL} / {DEMO_PASSWORD}"
    )
