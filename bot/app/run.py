"""Running the bot: long polling or webhook, the standalone poller worker, and the offline demo.

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
from telegram.ext import AIORateLimiter, ExtBot

from bot.app.graph import Graph, GraphOptions, build_graph, interval_policy, system_clock
from bot.app.health import health_endpoint
from bot.app.http import new_http_client
from bot.app.jobs import (
    register_conversation_purge,
    register_cost_jobs,
    register_secret_retries,
    register_smart_jobs,
)
from bot.app.parts import CATALOGS, TELEGRAM_PARTS
from bot.config import Settings
from bot.features.actions.ports import ACTIONS
from bot.features.costs.ports import COSTS
from bot.features.history.ports import HISTORY
from bot.features.linking.ports import LINKING
from bot.features.polling.jobs import register_poller
from bot.features.polling.jobs import run_worker as run_poller_loop
from bot.features.polling.logic.intervals import budget_warning
from bot.features.schedule.ports import SCHEDULES
from bot.features.sharing.ports import SHARING
from bot.features.smart_charging.ports import SMART_CHARGING
from bot.features.status.ports import STATUS
from bot.observability.metrics import BotMetrics, Registry
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.keys import verify_key
from bot.persistence.migrations import upgrade_database
from bot.renault.locales import LocaleOverrides, renault_hosts
from bot.services.features import Features
from bot.simulator.demo import DEMO_EMAIL, DEMO_LANGUAGE, DEMO_PASSWORD, demo_simulator, run_demo
from bot.telegram_ui.application import BotApplication, build_application, new_bot
from bot.telegram_ui.commands import publish_commands
from bot.telegram_ui.context import Services, UiOptions
from bot.telegram_ui.handlers.common import TelegramEraser
from bot.telegram_ui.notifier import TelegramNotifier
from bot.telegram_ui.ordering import on_polling_error
from bot.telegram_ui.update_kinds import USED_UPDATES
from bot.telegram_ui.webhook import WebhookRoute, WebhookServer

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 10.0


# Generation-0 collections every 50,000 allocations instead of 700: with a hundred polls in flight, the
# default promotes short-lived poll objects into the old generation, whose full collections then scan the
# whole heap (every account's session) several times per sweep. Measured: 15% of a 4,000-vehicle sweep's CPU.
GC_THRESHOLDS = (50_000, 50, 100)


def tune_garbage_collector() -> None:
    """Collect young objects less often, so a large fleet's heap is not rescanned several times a sweep."""
    gc.set_threshold(*GC_THRESHOLDS)


def graph_options(settings: Settings, metrics: BotMetrics | None = None) -> GraphOptions:
    """The plain values the graph takes from the settings."""
    overrides = LocaleOverrides(
        gigya_url=settings.renault_gigya_url,
        gigya_api_key=plain(settings.renault_gigya_api_key),
        kamereon_url=settings.renault_kamereon_url,
        kamereon_api_key=plain(settings.renault_kamereon_api_key),
    )
    return GraphOptions(
        locale_overrides=overrides,
        max_calls_per_hour=settings.renault_max_calls_per_hour,
        low_battery_threshold=settings.low_battery_threshold,
        poll_interval_seconds=settings.poll_interval_seconds,
        history_retention_days=settings.history_retention_days,
        poll_concurrency=settings.poll_concurrency,
        poll_lease_seconds=float(settings.poll_lease_seconds),
        update_takeover_seconds=float(settings.update_takeover_seconds),
        metrics=metrics,
    )


@dataclass(frozen=True, slots=True)
class Running:
    """An opened bot: the graph, the Telegram bot it sends with, and the resources under them."""

    graph: Graph
    bot: ExtBot[Any]
    http: httpx.AsyncClient
    db: Database
    registry: Registry
    metrics: BotMetrics


@asynccontextmanager
async def open_bot(
    settings: Settings,
    cipher: CredentialCipher,
    token: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    send_retries: int = 1,
) -> AsyncIterator[Running]:
    """Migrate the database, open it and the shared HTTP client, and build the Telegram bot and the graph."""
    if transport is None and settings.renault_backend == "simulator":
        transport = demo_simulator(system_clock).transport()
        print(f"Simulated MyRenault account: {DEMO_EMAIL} / {DEMO_PASSWORD}")
    registry = Registry()
    metrics = BotMetrics.create(registry)
    # The bot comes first: the notifier sends through it (its rate limiter paces the poller's fan-out).
    bot = new_bot(
        token,
        settings.telegram_base_url,
        settings.telegram_base_file_url,
        rate_limiter=AIORateLimiter(
            overall_max_rate=settings.telegram_messages_per_second, max_retries=send_retries
        ),
    )
    db = Database.from_url(settings.database_url)
    try:
        await upgrade_database(db)
        # Before anything reads a secret: a wrong key stops the start here, with nothing marked or sent.
        await verify_key(db, cipher)
        cipher.on_unreadable(metrics.unreadable_secrets.inc)
        options = graph_options(settings, metrics)
        hosts = renault_hosts(options.locale_overrides)
        async with new_http_client(transport, metrics, hosts) as http:
            notifier = TelegramNotifier(bot, system_clock, TELEGRAM_PARTS)
            warning = budget_warning(interval_policy(options))
            if warning is not None:
                log.warning(warning)
            graph = build_graph(http, db, cipher, system_clock, notifier, options)
            try:
                yield Running(graph, bot, http, db, registry, metrics)
            finally:
                await graph.stores.journal.dispose()
    finally:
        await db.dispose()


def ui_services(graph: Graph) -> Services:
    """The use cases the Telegram front-end calls, as its ports."""
    return Services(
        linking=graph.linking,
        settings=graph.settings,
        clock=graph.clock,
        logout=graph.sharing,
        logins=graph.stores.logins,
        drafts=graph.stores.drafts,
        journal=graph.stores.journal,
        secrets=graph.secrets,
        features=Features(
            {
                STATUS: graph.status,
                LINKING: graph.linking,
                ACTIONS: graph.actions,
                SHARING: graph.sharing,
                HISTORY: graph.history,
                SCHEDULES: graph.actions,
                SMART_CHARGING: graph.smart,
                COSTS: graph.costs,
            }
        ),
    )


def front_end(running: Running, settings: Settings) -> BotApplication:
    """The Telegram Application on the graph's use cases."""
    options = UiOptions(
        default_locale=settings.renault_locale,
        allowed_user_ids=settings.allowed_users or None,
        # As many updates at once as the update journal has lock connections (GraphOptions' default).
        concurrent_updates=GraphOptions().concurrent_updates,
    )
    return build_application(running.bot, ui_services(running.graph), TELEGRAM_PARTS, options=options)


async def serve(settings: Settings, cipher: CredentialCipher) -> None:
    """Run the bot (long polling, or webhook when WEBHOOK_URL is set) until SIGINT/SIGTERM."""
    tune_garbage_collector()
    token = plain(settings.telegram_bot_token)
    assert token is not None
    async with open_bot(settings, cipher, token) as running:
        application = front_end(running, settings)
        async with application, health_endpoint(running, settings):
            webhook = await start(application, running.graph, settings)
            await _until_stopped()
            await stop(application, running.graph, webhook)


async def start(
    application: BotApplication, graph: Graph, settings: Settings | None = None
) -> WebhookServer | None:
    """Start the update loop (webhook when WEBHOOK_URL is set, else long polling), the poller and menus.

    Returns the webhook server in webhook mode (hand it to `stop`)."""
    await application.start()
    assert application.job_queue is not None
    register_poller(application.job_queue, graph.poller, housekeeping=graph.history.purge)
    register_smart_jobs(application.job_queue, graph.smart)
    register_cost_jobs(application.job_queue, graph.costs)
    register_conversation_purge(application.job_queue, graph.stores.conversation_purge, graph.clock)
    register_secret_retries(application.job_queue, graph.secrets, TelegramEraser(application.bot))
    await publish_commands(application)
    if settings is not None and settings.webhook_url:
        webhook = await start_webhook(application, settings)
        log.info("bot is running (webhook on port %s)", settings.port)
        return webhook
    assert application.updater is not None
    await application.updater.start_polling(
        drop_pending_updates=False, allowed_updates=list(USED_UPDATES), error_callback=on_polling_error
    )
    log.info("bot is running (long polling)")
    return None


async def start_webhook(application: BotApplication, settings: Settings) -> WebhookServer:
    """Listen for Telegram's posts, then tell Telegram where to post and which update kinds."""
    secret = plain(settings.webhook_secret_token)
    # Settings refuses a WEBHOOK_URL without its secret.
    assert settings.webhook_url is not None
    assert secret is not None
    route = WebhookRoute(
        path=urlsplit(settings.webhook_url).path,
        secret=secret,
        bot=application.bot,
        queue=application.update_queue,
    )
    # Behind the load balancer, the webhook must be reachable from outside the container.
    webhook = WebhookServer(route, host="0.0.0.0", port=settings.port)  # noqa: S104
    await webhook.start()
    try:
        await application.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=list(USED_UPDATES),
            drop_pending_updates=False,
        )
    except BaseException:
        await webhook.stop()
        raise
    return webhook


async def worker(settings: Settings, cipher: CredentialCipher, halt: asyncio.Event | None = None) -> None:
    """Run only the poller (no Telegram update loop) until SIGINT/SIGTERM (or `halt` is set)."""
    tune_garbage_collector()
    token = plain(settings.telegram_bot_token)
    if token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is needed by the worker to send notifications")
    async with open_bot(settings, cipher, token, send_retries=2) as running:
        halt = halt or asyncio.Event()
        _on_signals(halt.set)
        async with running.bot, health_endpoint(running, settings):
            log.info("poller worker is running")
            graph = running.graph
            await run_poller_loop(graph.poller, halt, housekeeping=graph.history.purge)


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
            async with open_bot(local, cipher, token) as running:
                application = front_end(running, local)
                async with application:
                    await start(application, running.graph)
                    try:
                        yield
                    finally:
                        await stop(application, running.graph)

        # The demo's own lines come from the bot's catalogs, in the demo user's (English) language.
        await run_demo(start_bot, texts=CATALOGS.translator(DEMO_LANGUAGE), language=DEMO_LANGUAGE)


async def stop(application: BotApplication, graph: Graph, webhook: WebhookServer | None = None) -> None:
    """Stop taking updates, let running jobs finish, give back leases; bounded by the grace period."""

    async def ordered() -> None:
        if webhook is not None:
            await webhook.stop()
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await graph.poller.shutdown()

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


def plain(secret: object) -> str | None:
    """The plain value of a pydantic SecretStr (None when unset)."""
    getter = getattr(secret, "get_secret_value", None)
    value = getter() if callable(getter) else None
    return value if isinstance(value, str) else None
