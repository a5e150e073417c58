"""What a stale, garbled or someone else's button says: what works in the chat's state right now."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot.telegram_ui.context import BotContext
from bot.telegram_ui.conversation.names import (
    IDLE_LINKED,
    IDLE_UNLINKED,
    LOGIN_CODE,
    LOGIN_EMAIL,
    LOGIN_LOCALE,
    LOGIN_PASSWORD,
)
from bot.telegram_ui.conversation.where import Spot, locate

log = logging.getLogger(__name__)

_LOGIN = frozenset({LOGIN_LOCALE, LOGIN_EMAIL, LOGIN_PASSWORD, LOGIN_CODE})


def stale_key(spot: Spot) -> str:
    """The catalog key a stale tap gets in this state."""
    if spot.state in _LOGIN:
        return "router.stale.login"
    if spot.state == IDLE_UNLINKED:
        return "router.stale.unlinked"
    if spot.state == IDLE_LINKED:
        return "router.stale.linked"
    return "router.stale.screen"


async def answer_stale(update: Update, context: BotContext) -> None:
    """A tap that no longer fits (an old message, a finished step, a garbled payload)."""
    await _alert(update, context, stale_key(await locate(context, update)))


async def refuse_car(update: Update, context: BotContext) -> None:
    """A tap naming a car the chat is not linked to: logged out, or another car's button."""
    spot = await locate(context, update)
    chat = update.effective_chat
    if spot.state in _LOGIN or chat is None:
        key = stale_key(spot)
    elif await context.services.linking.vehicles(chat.id):
        key = "router.refused.other_car"
    else:
        key = "router.stale.unlinked"  # logged out since the button was drawn
    await _alert(update, context, key)


async def _alert(update: Update, context: BotContext, key: str) -> None:
    query = update.callback_query
    if query is None:
        return
    view = await context.chat_view(update)
    try:
        await query.answer(view.tr(key), show_alert=True)
    except BadRequest as error:  # answered already, or too old to answer: say it in the chat
        log.info("a stale tap could not be answered as an alert: %s", error.message)
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, view.tr(key))
