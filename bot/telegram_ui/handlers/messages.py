"""Every message that is not a command: a running /login takes it first, then a feature that asked for it.

One handler per kind of message, because PTB runs only the first matching handler of a group: a login and
an away-price question may both be waiting, and the login (a password, a code) must always win.
"""

from __future__ import annotations

from telegram import Update

from bot.telegram_ui.context import BotContext
from bot.telegram_ui.costs import handlers as cost_handlers
from bot.telegram_ui.handlers import login


async def on_text(update: Update, context: BotContext) -> None:
    """Plain text: the login's answer, else the value a cost screen asked for (else not ours)."""
    if await login.take_text(update, context):
        return
    if context.services.costs is not None:
        await cost_handlers.typed_text(update, context)


async def on_other(update: Update, context: BotContext) -> None:
    """A photo, sticker or location: told to send text during a login, else a location may become home."""
    if await login.take_other(update, context):
        return
    message = update.effective_message
    if context.services.costs is not None and message is not None and message.location is not None:
        await cost_handlers.shared_location(update, context)
