"""Running the bot: long polling, the standalone poller worker, and the offline demo.

Resources are opened inside the running event loop and closed on the way out, in reverse order; SIGTERM
and SIGINT end the run gracefully (leases are given back so another replica takes over at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import text
from telegram import Bot
from telegram.ext import AIORateLimiter, ExtBot

from bot.config import Settings
from bot.observability.health import HealthCheck, HealthServer, tick_freshness
from bot.observability.metrics import BotMetrics, Registry
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.poller.scheduler import register_poller
from bot.poller.scheduler import run_worker as run_poller_loop
from bot.renault.locales import LocaleOverrides
from bot.services.history import HistoryService
from bot.simulator.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_simulator, run_demo
from bot.telegram_ui import history_handlers, smartcharge
from bot.telegram_ui.application import BotApplication, build_application
from bot.telegram_ui.commands import publish_commands
from bot.telegram_ui.context import Services, UiOptions
from bot.telegram_ui.notifier import TelegramNotifier
from bot.wiring import (
    Core,
    CoreOptions,
    PollingParts,
    build_core,
    build_history,
    build_polling,
    build_smart_charging,
    new_http_client,
    system_clock,
)

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 10.0


# Generation-0 collections every 50,000 allocations instead of 700: with a hundred polls in flight, the
# default promotes short-lived poll objects into the old generation, whose full collections then scan the
# whole heap (every account's session) several times per sweep. Measured: 15% of a 4,000-vehicle sweep's CPU.
GC_THRESHOLDS = (50_000, 50, 100)


def tune_garbage_collector() -> None:
    """Collect young objects less often, so a large fleet's heap is not rescanned several times a sweep."""
    gc.set_threshold(*GC_THRESHOLDS)


def core_options(settings: Settings, metrics: BotMetrics | None = None) -> CoreOptions:
    """The plain values the use cases take from the settings."""
    overrides = LocaleOverrides(
        gigya_url=settings.renault_gigya_url,
        gigya_api_key=_plain(settings.renault_gigya_api_key),
        kamereon_url=settings.renault_kamereon_url,
        kamereon_api_key=_plain(settings.renault_kamereon_api_key),
    )
    return CoreOptions(
        locale_overrides=overrides,
        max_calls_per_hour=settings.renault_max_calls_per_hour,
        low_battery_threshold=settings.low_battery_threshold,
        metrics=metrics,
    )


@dataclass(frozen=True, slots=True)
class Opened:
    """The core use cases, the shared HTTP client they run on, and history (used by /history and polling)."""

    core: Core
    http: httpx.AsyncClient
    history: HistoryService
    db: Database
    registry: Registry
    metrics: BotMetrics


@asynccontextmanager
async def open_core(
    settings: Settings, cipher: CredentialCipher, transport: httpx.AsyncBaseTransport | None = None
) -> AsyncIterator[Opened]:
    """Migrate the database, open it and the shared HTTP client, and build the use cases."""
    if transport is None and settings.renault_backend == "simulator":
        transport = demo_simulator(system_clock).transport()
        print(f"Simulated MyRenault account: {DEMO_EMAIL} / {DEMO_PASSWORD}")
    registry = Registry()
    metrics = BotMetrics.create(registry)
    db = Database.from_url(settings.database_url)
    try:
        await upgrade_database(db)
        async with new_http_client(transport, metrics) as http:
            core = build_core(http, db, cipher, system_clock, core_options(settings, metrics))
            history = build_history(core, settings.history_retention_days)
            yield Opened(core, http, history, db, registry, metrics)
    finally:
        await db.dispose()


def front_end(opened: Opened, token: str, settings: Settings, **builder: Any) -> BotApplication:
    """The Telegram Application on the core's use cases, with /history and /smartcharge registered."""
    core = opened.core
    services = Services(
        linking=core.linking,
        status=core.status,
        actions=core.actions,
        settings=core.settings,
        clock=core.clock,
    )
    options = UiOptions(
        default_locale=settings.renault_locale, allowed_user_ids=settings.allowed_users or None
    )
    registrations = [
        smartcharge.registration(build_smart_charging(core, opened.http)),
        history_handlers.registration(opened.history),
    ]
    return build_application(
        token,
        settings.telegram_base_url,
        settings.telegram_base_file_url,
        services,
        options=options,
        registrations=registrations,
        **builder,
    )


def polling_for(opened: Opened, bot: Bot, settings: Settings) -> PollingParts:
    """The poller, sending its pings through `bot` (whose rate limiter paces fan-out)."""
    return build_polling(
        opened.core,
        TelegramNotifier(bot, opened.core.clock),
        history=opened.history,
        poll_interval_seconds=settings.poll_interval_seconds,
        max_calls_per_hour=settings.renault_max_calls_per_hour,
        concurrency=settings.poll_concurrency,
        metrics=opened.metrics,
    )


async def serve(settings: Settings, cipher: CredentialCipher) -> None:
    """Run the bot with long polling until SIGINT/SIGTERM."""
    tune_garbage_collector()
    token = _plain(settings.telegram_bot_token)
    assert token is not None
    async with open_core(settings, cipher) as opened:
        application = front_end(opened, token, settings)
        parts = polling_for(opened, application.bot, settings)
        async with application, health_endpoint(opened, application.bot, settings, parts):
            await start(application, parts, settings)
            await _until_stopped()
            await stop(application, parts)


async def start(application: BotApplication, parts: PollingParts, settings: Settings | None = None) -> None:
    """Start the update loop (webhook when WEBHOOK_URL is set, else long polling), the poller and menus."""
    await application.start()
    assert application.job_queue is not None
    register_poller(application.job_queue, parts.poller, housekeeping=parts.housekeeping)
    await publish_commands(application)
    assert application.updater is not None
    if settings is not None and settings.webhook_url:
        await application.updater.start_webhook(
            listen="0.0.0.0",  # noqa: S104 - behind the load balancer, the webhook must be reachable
            port=settings.port,
            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=_plain(settings.webhook_secret_token),
            drop_pending_updates=False,
        )
        log.info("bot is running (webhook on port %s)", settings.port)
        return
    await application.updater.start_polling(drop_pending_updates=False)
    log.info("bot is running (long polling)")


@asynccontextmanager
async def health_endpoint(
    opened: Opened, bot: Bot, settings: Settings, parts: PollingParts
) -> AsyncIterator[None]:
    """Serve /healthz and /metrics on HEALTH_PORT (nothing when it is unset)."""
    if settings.health_port is None:
        yield
        return
    interval = settings.poll_interval_seconds or 60
    checks = [
        HealthCheck("database", lambda: _database_ok(opened.db)),
        HealthCheck("telegram", lambda: _telegram_ok(bot)),
        HealthCheck(
            "poller", tick_freshness(opened.metrics.last_tick, max_age_seconds=max(120, 3 * interval))
        ),
    ]
    async with HealthServer(opened.registry, checks, port=settings.health_port):
        yield


async def _database_ok(db: Database) -> bool:
    async with db.read() as session:
        await session.execute(text("SELECT 1"))
    return True


async def _telegram_ok(bot: Bot) -> bool:
    await bot.get_me()
    return True


async def worker(settings: Settings, cipher: CredentialCipher, halt: asyncio.Event | None = None) -> None:
    """Run only the poller (no Telegram update loop) until SIGINT/SIGTERM (or `halt` is set)."""
    tune_garbage_collector()
    token = _plain(settings.telegram_bot_token)
    if token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is needed by the worker to send notifications")
    async with open_core(settings, cipher) as opened:
        bot: ExtBot[Any] = ExtBot(
            token,
            base_url=settings.telegram_base_url,
            base_file_url=settings.telegram_base_file_url,
            rate_limiter=AIORateLimiter(max_retries=2),
        )
        parts = polling_for(opened, bot, settings)
        halt = halt or asyncio.Event()
        _on_signals(halt.set)
        async with bot, health_endpoint(opened, bot, settings, parts):
            log.info("poller worker is running")
            await run_poller_loop(parts.poller, halt, housekeeping=parts.housekeeping)


async def demo(settings: Settings) -> None:
    """The offline demo: the real bot against the Telegram emulator and the Renault simulator."""
    # The demo keeps nothing worth protecting: a throwaway key and a database that vanishes afterwards.
    cipher = CredentialCipher.from_setting(generate_key())
    logging.getLogger().setLevel(logging.WARNING)  # log lines would interleave with the terminal chat
    with tempfile.TemporaryDirectory(prefix="renault-bot-demo-") as folder:

        @asynccontextmanager
        async def start_bot(telegram_url: str, token: str, renault_url: str) -> AsyncIterator[None]:
            local = settings.simulated().model_copy(
                update={
                    "telegram_api_url": telegram_url,
                    "renault_gigya_url": f"{renault_url}/gigya",
                    "renault_kamereon_url": f"{renault_url}/kamereon",
                    "database_url": f"sqlite:///{Path(folder) / 'demo.db'}",
                    "renault_backend": "renault",
                }
            )
            async with open_core(local, cipher) as opened:
                application = front_end(opened, token, local)
                parts = polling_for(opened, application.bot, local)
                async with application:
                    await start(application, parts)
                    try:
                        yield
                    finally:
                        await stop(application, parts)

        await run_demo(start_bot)


async def stop(application: BotApplication, parts: PollingParts) -> None:
    """Stop taking updates, let running jobs finish, give back leases; bounded by the grace period."""

    async def ordered() -> None:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await parts.poller.shutdown()

    try:
        await asyncio.wait_for(ordered(), timeout=SHUTDOWN_GRACE_SECONDS)
    except TimeoutError:
        log.warning("shutdown took longer than %s s; leases expire on their own", SHUTDOWN_GRACE_SECONDS)


async def _until_stopped() -> None:
    halt = asyncio.Event()
    _on_signals(halt.set)
    await halt.wait()


def _on_signals(callback: Callable[[], None]) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, callback)


def _plain(secret: object) -> str | None:
    getter = getattr(secret, "get_secret_value", None)
    value = getter() if callable(getter) else None
    return value if isinstance(value, str) else None
