"""The command menu Telegram shows, per language, published with setMyCommands at start."""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import Application

from bot.telegram_ui.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, Translator

COMMANDS: tuple[str, ...] = (
    "status",
    "precondition",
    "charge",
    "schedule",
    "smartcharge",
    "smarttariff",
    "where",
    "history",
    "costs",
    "export",
    "vehicles",
    "settings",
    "share",
    "leave",
    "login",
    "logout",
    "help",
    "cancel",
    "start",
)


def bot_commands(language: str) -> list[BotCommand]:
    """The command list with descriptions in one language."""
    tr = Translator(language)
    return [BotCommand(name, tr(f"cmd.{name}")) for name in COMMANDS]


async def publish_commands(application: Application) -> None:  # type: ignore[type-arg]
    """setMyCommands for every catalog language, plus the default list (English)."""
    await application.bot.set_my_commands(bot_commands(DEFAULT_LANGUAGE))
    for language in SUPPORTED_LANGUAGES:
        await application.bot.set_my_commands(bot_commands(language), language_code=language)
