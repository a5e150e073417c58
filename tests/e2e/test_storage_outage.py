"""The whole bot through a storage outage: the poller keeps ticking without a log line per tick, a user whose
update cannot be saved is told once, and everything resumes by itself when storage is back.

SQLite: the disk fills up (SQLite's own "database or disk is full", injected where the driver executes a
write). PostgreSQL: the server goes away as in a restart (this test's own database stops taking
connections and the bot's are cut with pg_terminate_backend; the shared server itself is not restarted).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from bot.simulator.telegram import EmulatedUser
from tests.e2e.harness import E2E, EMAIL, PASSWORD, login, running_e2e
from tests.support.chat import texts
from tests.support.replicas import fresh_database, run_as_admin

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
WAIT = 10.0
# The database backs off up to 30 s between attempts and PTB's polling up to 30 s between retries.
RESUME_WAIT = 75.0
NOT_SAVED = "could not save your message"
_WRITES = ("INSERT", "UPDATE", "DELETE")


async def _linked(e2e: E2E) -> EmulatedUser:
    account = e2e.sim.add_account(EMAIL, PASSWORD)
    e2e.sim.add_vehicle(account, "X102VE", vin="VF1AG000012345678", battery_level=50.0)
    ann = e2e.emulator.user(1001, "Ann")
    await login(ann, EMAIL, PASSWORD)
    await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    return ann


async def _settled(e2e: E2E) -> None:
    """Until every update so far is handled and marked so (the login's last one included)."""
    while True:
        async with e2e.db.read() as session:
            waiting = await session.scalar(
                text("SELECT COUNT(*) FROM telegram_updates WHERE handled_at IS NULL")
            )
        if not waiting:
            return
        await asyncio.sleep(0.05)


def _bot_lines(caplog: pytest.LogCaptureFixture, level: int = logging.WARNING) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("bot") and r.levelno >= level]


async def _through_an_outage(
    e2e: E2E,
    caplog: pytest.LogCaptureFixture,
    begin: Callable[[], Awaitable[None]],
    end: Callable[[], Awaitable[None]],
) -> tuple[list[str], list[str], list[str]]:
    """Tick the poller and write to the bot during an outage, then end it; (answers, lines during, after)."""
    assert e2e.core is not None
    ann = await _linked(e2e)
    await asyncio.wait_for(_settled(e2e), timeout=WAIT)
    before = len(ann.bot_messages)
    caplog.set_level(logging.INFO)
    caplog.clear()
    await begin()
    for _ in range(6):  # a poller tick a minute: no line per tick
        e2e.clock.advance(minutes=1)
        await e2e.core.poller.tick()
    await ann.send("/status")
    await ann.wait_until(lambda u: any(NOT_SAVED in t for t in texts(u)), timeout=WAIT)
    await ann.send("/help")
    await asyncio.sleep(3.0)  # PTB retries the two updates it could not hand over, without confirming them
    during = _bot_lines(caplog)
    await end()
    await ann.wait_until(lambda u: any("/precondition" in t for t in texts(u)), timeout=RESUME_WAIT)
    e2e.clock.advance(minutes=1)
    await e2e.core.poller.tick()
    return texts(ann)[before:], during, _bot_lines(caplog)


async def test_a_full_sqlite_disk_is_said_once_and_survived(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    full = {"on": False}

    def disk_full(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if full["on"] and statement.lstrip().upper().startswith(_WRITES):
            raise sqlite3.OperationalError("database or disk is full")

    async def begin() -> None:
        full["on"] = True

    async def end() -> None:
        full["on"] = False

    async with running_e2e(tmp_path) as e2e:
        event.listen(e2e.db.engine.sync_engine, "before_cursor_execute", disk_full)
        answers, during, after = await _through_an_outage(e2e, caplog, begin, end)
    _check(answers, during, after)


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database of this test's own."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL must be set in CI")
        pytest.skip("TEST_DATABASE_URL not set")
    async with fresh_database(PG_URL, prefix="bot_outage") as url:
        yield url


@pytest.mark.postgres
async def test_postgresql_going_away_mid_run_is_said_once_and_survived(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, pg_url: str
) -> None:
    name = make_url(pg_url).database

    async def begin() -> None:
        await run_as_admin(PG_URL, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        cut = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"  # noqa: S608
        await run_as_admin(PG_URL, cut)

    async def end() -> None:
        await run_as_admin(PG_URL, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    async with running_e2e(tmp_path, database_url=pg_url) as e2e:
        try:
            answers, during, after = await _through_an_outage(e2e, caplog, begin, end)
        finally:
            await end()
    _check(answers, during, after)


def _check(answers: list[str], during: list[str], after: list[str]) -> None:
    told = [t for t in answers if NOT_SAVED in t]
    assert len(told) == 1, answers  # told once, though two updates (and their retries) failed
    assert len(answers) == 3, answers  # and nothing else: no update handled twice
    assert any("🔋" in t for t in answers)  # the /status of the outage, handled once storage was back
    assert any("/precondition" in t for t in answers)  # and the /help after it
    assert all("storage" in line for line in during), during  # nothing but the outage's own lines
    assert 1 <= len(during) <= 2, during  # once for writes (and once for reads when they failed too)
    assert any("storage is back" in line for line in after[len(during) :]), after
