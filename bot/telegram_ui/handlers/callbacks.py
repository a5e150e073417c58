"""One entry for every button tap: decode the payload, refuse stale or forged data, route by verb."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.error import BadRequest

from bot.services.errors import NotPermitted
from bot.telegram_ui.callback_data import Callback, Verb, decode
from bot.telegram_ui.context import BotContext
from bot.telegram_ui.conversation.stale import answer_stale
from bot.telegram_ui.handlers import login, menus, schedule, settings, status, vehicles
from bot.telegram_ui.handlers.common import chat_id_of
from bot.telegram_ui.sharing import handlers as share_handlers
from bot.telegram_ui.smartcharge import handlers as smart_handlers

log = logging.getLogger(__name__)

# Taps this entry takes: every payload of our codec (any version, so stale ones still get an answer).
PATTERN = re.compile(r"^[0-9]+\.")

TapHandler = Callable[[Update, BotContext, Callback], Awaitable[None]]

# Which handler takes each verb. LOCALE taps answer the /login conversation; outside it they are stale.
ROUTES: dict[Verb, TapHandler] = {
    Verb.ACTION: status.action_tap,
    Verb.PRECONDITION_AT_TEMP: menus.parameter_tap,
    Verb.PRECONDITION_AT_TIME: menus.parameter_tap,
    Verb.CHARGE_MODE: menus.parameter_tap,
    Verb.CHARGE_LIMIT: menus.parameter_tap,
    Verb.MENU: menus.submenu,
    Verb.SELECT_VEHICLE: vehicles.select_vehicle,
    Verb.LOGOUT: vehicles.confirm_logout,
    Verb.SETTINGS: settings.settings_tap,
    Verb.SCHEDULE: schedule.schedule_tap,
    Verb.SMART: smart_handlers.smart_tap,
    Verb.SHARE: share_handlers.share_tap,
    Verb.LEAVE: share_handlers.leave_tap,
    Verb.LOCALE: login.chosen_locale,
}


def register_route(verb: Verb, handler: TapHandler) -> None:
    """Add a route (the schedule editor registers its own)."""
    ROUTES[verb] = handler


async def on_tap(update: Update, context: BotContext) -> None:
    """Decode and route a tap; anything that does not decode or has no route gets a polite answer."""
    query = update.callback_query
    if query is None:
        return
    payload = decode(query.data)
    handler = ROUTES.get(payload.verb) if payload is not None else None
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
