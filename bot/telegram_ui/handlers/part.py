"""The core Telegram part: /start, /help and an unlinked chat's idle state.

Declared like every feature's part (`bot/telegram_ui/parts.py`); the composition root lists it first.
"""

from __future__ import annotations

from bot.telegram_ui.conversation.names import IDLE_UNLINKED
from bot.telegram_ui.conversation.states import State
from bot.telegram_ui.conversation.where import Source
from bot.telegram_ui.handlers import basic
from bot.telegram_ui.parts import Command, TelegramPart

PART = TelegramPart(
    name="core",
    commands=(
        Command("help", basic.help_command, 170),
        Command("start", basic.start, 190),
    ),
    states=(State(IDLE_UNLINKED, Source.IDLE, "router.hint.idle.unlinked"),),
)
