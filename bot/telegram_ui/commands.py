"""The command menu Telegram shows, per language, published with setMyCommands at start."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import BotCommand

from bot.telegram_ui.context import BotApplication
from bot.telegram_ui.i18n import DEFAULT_LANGUAGE, Translator


def bot_commands(tr: Translator, names: Iterable[str]) -> list[BotCommand]:
    """The command list with descriptions in the translator's language."""
    return [BotCommand(name, tr(f"cmd.{name}")) for name in names]


async def publish_commands(application: BotApplication) -> None:
    """setMyCommands for every catalog language, plus the default list (English): the wired parts' commands.

    The menu's order is the commands' ranks (`bot/telegram_ui/parts.py`).
    """
    front = application.bot_data.front
    names = [command.name for command in front.commands]
    await application.bot.set_my_commands(bot_commands(front.catalogs.translator(DEFAULT_LANGUAGE), names))
    for language in front.catalogs:
        await application.bot.set_my_commands(
            bot_commands(front.catalogs.translator(language), names), language_code=language
        )
