"""The command menu Telegram shows, per language, published with setMyCommands at start."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import BotCommand

from bot.telegram_ui.context import BotApplication
from bot.telegram_ui.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, Translator


def bot_commands(language: str, names: Iterable[str]) -> list[BotCommand]:
    """The command list with descriptions in one language."""
    tr = Translator(language)
    return [BotCommand(name, tr(f"cmd.{name}")) for name in names]


async def publish_commands(application: BotApplication) -> None:
    """setMyCommands for every catalog language, plus the default list (English): the wired parts' commands.

    The menu's order is the commands' ranks (`bot/telegram_ui/parts.py`).
    """
    names = [command.name for command in application.bot_data.front.commands]
    await application.bot.set_my_commands(bot_commands(DEFAULT_LANGUAGE, names))
    for language in SUPPORTED_LANGUAGES:
        await application.bot.set_my_commands(bot_commands(language, names), language_code=language)
