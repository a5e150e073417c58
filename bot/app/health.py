"""The /healthz and /metrics endpoint of a running bot (nothing when HEALTH_PORT is unset)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy import text
from telegram import Bot

from bot.config import Settings
from bot.observability.health import HealthCheck, HealthServer, tick_freshness
from bot.persistence.engine import Database

if TYPE_CHECKING:
    from bot.app.run import Running

# A load balancer or Docker asks /healthz every few seconds; Telegram need not hear a getMe for each
# (it counts against the bot's requests), and the database need not hand out a connection for each.
TELEGRAM_CHECK_SECONDS = 60.0
DATABASE_CHECK_SECONDS = 10.0


@asynccontextmanager
async def health_endpoint(running: Running, settings: Settings) -> AsyncIterator[None]:
    """Serve /healthz and /metrics on HEALTH_HOST:HEALTH_PORT (nothing when the port is unset)."""
    if settings.health_port is None:
        yield
        return
    interval = settings.poll_interval_seconds or 60
    checks = [
        HealthCheck("database", lambda: _database_ok(running.db), cache_seconds=DATABASE_CHECK_SECONDS),
        HealthCheck("telegram", lambda: _telegram_ok(running.bot), cache_seconds=TELEGRAM_CHECK_SECONDS),
        HealthCheck(
            "poller", tick_freshness(running.metrics.last_tick, max_age_seconds=max(120, 3 * interval))
        ),
    ]
    async with HealthServer(running.registry, checks, host=settings.health_host, port=settings.health_port):
        yield


async def _database_ok(db: Database) -> bool:
    async with db.read() as session:
        await session.execute(text("SELECT 1"))
    return True


async def _telegram_ok(bot: Bot) -> bool:
    await bot.get_me()
    return True
