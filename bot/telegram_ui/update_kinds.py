"""The kinds of Telegram update the bot uses: asked for with `allowed_updates`, every other kind ignored.

Telegram only sends what `allowed_updates` lists, but a kind it adds later, a Business message
(`business_message`, `edited_business_message`...) or a guest message is stopped here too, before any
handler could answer it: PTB's `effective_message` covers Business messages, so a `/start` written in a
Business chat would otherwise be answered as if it were a private chat with the bot.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

log = logging.getLogger(__name__)

# New messages (commands, login answers, locations), their edits (answered, never taken), button taps.
USED_UPDATES: tuple[str, ...] = ("message", "edited_message", "callback_query")


def is_used(update: Update) -> bool:
    """True when the update is of a kind the bot handles."""
    return any(getattr(update, kind, None) is not None for kind in USED_UPDATES)


async def ignore_unused(update: object, _context: object) -> None:
    """First of all handlers: an update of a kind the bot does not use is logged and never answered."""
    if isinstance(update, Update) and not is_used(update):
        kinds = sorted(update.to_dict().keys() - {"update_id"})
        log.info("update %s ignored: kind %s is not used by the bot", update.update_id, ",".join(kinds))
        raise ApplicationHandlerStop
