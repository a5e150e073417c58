"""One entry for every button tap: decode the payload, refuse stale or forged data, route by verb.

The verbs are routed to the part that declared them (`bot/telegram_ui/parts.py`).
"""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.error import BadRequest

from bot.services.errors import NotPermitted
from bot.telegram_ui.callback_data import decode
from bot.telegram_ui.context import BotContext
from bot.telegram_ui.conversation.stale import answer_stale
from bot.telegram_ui.handlers.common import chat_id_of

log = logging.getLogger(__name__)

# Taps this entry takes: every payload of our codec (any version, so stale ones still get an answer).
PATTERN = re.compile(r"^[0-9]+\.")


async def on_tap(update: Update, context: BotContext) -> None:
    """Decode and route a tap; anything that does not decode or has no route gets a polite answer."""
    query = update.callback_query
    if query is None:
        return
    payload = decode(query.data, context.bot_data.front.verbs)
    # Which part takes each verb: assembled from the parts at start-up (bot/telegram_ui/parts.py).
    handler = context.bot_data.front.taps.get(payload.verb) if payload is not None else None
    if payload is None or handler is None:
        await answer_stale(update, context)
        return
    try:
        await handler(update, context, payload)
    except NotPermitted:
        # The services refused what the chat's role may not do (a forged or outdated button).
        log.info("tap refused by the services: verb %s", payload.verb.value)
        view = await context.chat_view(update)
        try:
            await query.answer(view.tr("callback.refused"), show_alert=True)
        except BadRequest:  # the handler had already answered the tap: say it in the chat instead
            await context.bot.send_message(chat_id_of(update), view.tr("callback.refused"))
