"""No secret in the log at any level: a whole /login with a two-factor code at LOG_LEVEL=DEBUG, then the
whole log is searched for the password, the code, the e-mail, the bot token, the webhook secret, the
database password and the credentials keys.

Twice: in this process through the e2e harness (the root logger at DEBUG, every library's lines included),
and as a real `python -m bot` process in webhook mode, configured only by its environment, whose whole
output is read (with PostgreSQL and a database password when TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import io
import logging
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy.engine import make_url

from bot.app.graph import system_clock
from bot.config import Settings
from bot.logging_config import configure_logging
from bot.persistence.crypto import generate_key
from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault import RenaultSimulator
from bot.simulator.telegram import EmulatedUser, TelegramEmulator
from tests.e2e.harness import PASSWORD, TFA_EMAIL, login, running_e2e
from tests.support.chat import texts
from tests.support.replicas import SECRET, ReplicaSet, fresh_database, replica_env, run_as_admin

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
WAIT = 30.0
DB_PASSWORD = "db-p@ss-7f3a9c"
WEBHOOK_SECRET = "hook-secret-5d2e8b"


async def _two_factor_login(user: EmulatedUser, sim: RenaultSimulator) -> str:
    """The whole /login: country, e-mail, password, then the code Renault e-mailed; returns the code."""
    await login(user, TFA_EMAIL, PASSWORD)
    await user.wait_until(lambda u: any("Renault sent a code" in t for t in texts(u)), timeout=WAIT)
    code = sim.last_two_factor_code(TFA_EMAIL)
    await user.send(code)
    await user.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    return code


def _leaks(log: str, secrets: dict[str, str]) -> list[str]:
    return [name for name, value in secrets.items() if value in log]


@pytest.mark.usefixtures("restored_logging")
async def test_a_2fa_login_at_debug_leaves_no_secret_in_the_log_of_the_harness(tmp_path: Path) -> None:
    keys = (generate_key(), generate_key())
    stream = io.StringIO()
    emulator_token = TelegramEmulator().token
    settings = Settings(
        _env_file=None,
        telegram_bot_token=emulator_token,
        webhook_url="https://bot.example.org/telegram-hook",
        webhook_secret_token=WEBHOOK_SECRET,
        credentials_key=",".join(keys),
        database_url=f"postgresql://bot:{quote(DB_PASSWORD, safe='')}@postgres:5432/bot",
    )
    # As `python -m bot` does it, from the settings; the root logger at DEBUG.
    configure_logging("DEBUG", "text", settings.secret_values(), stream=stream)
    async with running_e2e(tmp_path) as e2e:
        assert e2e.emulator.token == emulator_token
        e2e.sim.add_vehicle(e2e.sim.add_account(TFA_EMAIL, PASSWORD, two_factor=True), "XBG1VE")
        code = await _two_factor_login(e2e.emulator.user(1001, "Ann"), e2e.sim)
        logging.getLogger("bot.tests").debug("settings %r, key %s", settings, settings.credentials_key)
    log = stream.getvalue()

    assert "settings" in log  # the root logger was at DEBUG and this is the whole log
    secrets = {
        "password": PASSWORD,
        "code": code,
        "e-mail": TFA_EMAIL,
        "bot token": emulator_token,
        "webhook secret": WEBHOOK_SECRET,
        "database password": DB_PASSWORD,
        "database password (in the URL)": quote(DB_PASSWORD, safe=""),
        "credentials key": keys[0],
        "old credentials key": keys[1],
    }
    assert _leaks(log, secrets) == []


@asynccontextmanager
async def _database(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database for the bot process: a SQLite file, or PostgreSQL reached with a password."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL must be set in CI")
        pytest.skip("TEST_DATABASE_URL not set")
    role = f"bot_logs_{uuid.uuid4().hex[:8]}"
    async with fresh_database(PG_URL, prefix="bot_logs") as url:
        name = make_url(url).database
        await run_as_admin(PG_URL, f"CREATE ROLE {role} LOGIN PASSWORD '{DB_PASSWORD}'")
        await run_as_admin(PG_URL, f'ALTER DATABASE "{name}" OWNER TO {role}')
        try:
            yield (
                make_url(url).set(username=role, password=DB_PASSWORD).render_as_string(hide_password=False)
            )
        finally:
            await run_as_admin(PG_URL, f'ALTER DATABASE "{name}" OWNER TO CURRENT_USER')
    await run_as_admin(PG_URL, f"DROP ROLE IF EXISTS {role}")


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], ids=str
)
async def test_a_2fa_login_at_debug_leaves_no_secret_in_the_whole_output_of_the_bot_process(
    tmp_path: Path, database: str
) -> None:
    sim = RenaultSimulator(system_clock)
    sim.add_vehicle(sim.add_account(TFA_EMAIL, PASSWORD, two_factor=True), "XBG1VE")
    emu = TelegramEmulator(system_clock)
    keys = (generate_key(), generate_key())
    async with (
        LoopbackServer(sim.handle) as renault,
        LoopbackServer(emu.handle) as telegram,
        _database(database, tmp_path) as database_url,
    ):
        env = replica_env(
            database_url=database_url,
            credentials_key=",".join(keys),
            token=emu.token,
            telegram_url=telegram.url,
            renault_url=renault.url,
            webhook_url="http://127.0.0.1:1/unused",  # replaced below, once the port is known
            LOG_LEVEL="DEBUG",
        )
        replicas = ReplicaSet(tmp_path, env)
        replica = replicas.add("bot")
        replica.extra_env["WEBHOOK_URL"] = f"{replica.url}/telegram-hook"
        try:
            await replicas.start(replica)
            async with emu.webhook_pusher():
                code = await _two_factor_login(emu.user(1001, "Ann"), sim)
        finally:
            replicas.stop_all()
    log = replica.log()

    assert " DEBUG " in log  # LOG_LEVEL=DEBUG took effect: this is the most the process writes
    secrets = {
        "password": PASSWORD,
        "code": code,
        "e-mail": TFA_EMAIL,
        "bot token": emu.token,
        "webhook secret": SECRET,
        "credentials key": keys[0],
        "old credentials key": keys[1],
    }
    if database == "postgresql":
        secrets |= {"database password": DB_PASSWORD, "in the URL": quote(DB_PASSWORD, safe="")}
    assert _leaks(log, secrets) == []
