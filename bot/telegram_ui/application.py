"""Builds the python-telegram-bot Application: handlers, the central error handler, the allow-list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.telegram_ui import request as request_factory
from bot.telegram_ui import update_kinds
from bot.telegram_ui.commands import publish_commands
from bot.telegram_ui.context import BotApplication, BotContext, BotData, Services, UiOptions
from bot.telegram_ui.conversation import router
from bot.telegram_ui.error_messages import on_error
from bot.telegram_ui.handlers import basic, callbacks
from bot.telegram_ui.ordering import (
    ChatOrderedProcessor,
    JournaledQueue,
    JournalingBot,
    register_update_takeover,
)
from bot.telegram_ui.parts import Front, TelegramPart, assemble


def new_bot(
    token: str,
    base_url: str,
    base_file_url: str,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> ExtBot[Any]:
    """The Telegram bot every message goes out through (the front-end's and the notifier's).

    Its requests run on httpx-aiohttp (`bot/telegram_ui/request.py`) unless the caller gives its own.
    """
    updates = (
        get_updates_request if get_updates_request is not None else request_factory.get_updates_request()
    )
    return JournalingBot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=request if request is not None else request_factory.send_request(),
        get_updates_request=updates,
        rate_limiter=rate_limiter if rate_limiter is not None else AIORateLimiter(max_retries=1),
        sent=updates.received if isinstance(updates, request_factory.UpdatesRequest) else None,
    )


def build_application(
    bot: ExtBot[Any],
    services: Services,
    parts: Iterable[TelegramPart],
    *,
    options: UiOptions | None = None,
) -> BotApplication:
    """The Application on `bot` with every part's handlers; parts whose use cases are missing are left out."""
    context_types = ContextTypes(context=BotContext, bot_data=BotData)
    options = options or UiOptions()
    queue = JournaledQueue(services.journal, services.clock)
    if isinstance(bot, JournalingBot):
        bot.journal_into(queue.journal_batch)  # long polling's batches are journaled whole
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(context_types)
        .post_init(publish_commands)
        # Updates are recorded on arrival and each chat's are handled in turn, across replicas.
        .update_queue(queue)
        .concurrent_updates(ChatOrderedProcessor(services.journal, options.concurrent_updates))
    )
    application: BotApplication = builder.build()
    register_update_takeover(application)
    front = assemble(parts, services)
    application.bot_data.services = services
    application.bot_data.options = options
    application.bot_data.front = front
    _register(application, front)
    # Last in its group: a tap nobody above claimed (garbage, a removed feature) still gets a polite answer.
    application.add_handler(CallbackQueryHandler(callbacks.on_tap))
    # The very last: whatever no feature took (an unknown command...) is answered (conversation/router.py).
    application.add_handler(TypeHandler(Update, router.fallback))
    return application


def _register(application: BotApplication, front: Front) -> None:
    # Group -3 runs first of all: kinds of update the bot does not use (Business messages...) go no further.
    application.add_handler(TypeHandler(Update, update_kinds.ignore_unused), group=-3)
    # Group -2 runs first: outsiders are stopped before any handler or service sees the update.
    application.add_handler(TypeHandler(Update, basic.allow_list_gate), group=-2)
    # Then the router's gate: an edited message is answered but never taken as an answer; a command
    # leaves the chat's current screen.
    application.add_handler(TypeHandler(Update, router.gate), group=-1)
    for command in front.commands:
        application.add_handler(CommandHandler(command.name, command.callback))
    # Every payload of the versioned codec; the entry routes them by verb to the part that declared it.
    application.add_handler(CallbackQueryHandler(callbacks.on_tap, pattern=callbacks.PATTERN))
    # Every new message that is not a command goes to the chat's state: a running /login first, then the
    # screen that waits, then idle (each part declares what its states take and answer: states.py).
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, router.on_message))
    application.add_error_handler(on_error)


__all__ = ["Application", "BotApplication", "Services", "UiOptions", "build_application", "new_bot"]
