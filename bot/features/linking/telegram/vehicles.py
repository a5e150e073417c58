"""/vehicles (list and choose the active car) and /logout (confirm, then delete everything)."""

from __future__ import annotations

import logging
from typing import Final

from telegram import Update

from bot.features.linking.ports import LINKING
from bot.features.linking.render import LOGOUT_VERB, vehicle_choice_keyboard, vehicle_lines
from bot.services.errors import FeatureUnavailable
from bot.telegram_ui.callback_data import Callback
from bot.telegram_ui.context import BotContext
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.stale import refuse_car
from bot.telegram_ui.conversation.where import forget, remember
from bot.telegram_ui.formatting import vehicle_title
from bot.telegram_ui.handlers.common import (
    chat_id_of,
    confirmed,
    edit,
    linked_vehicle,
    reply,
    yes_no_keyboard,
)

# The states this part declares, by the names stored with a chat's screen (never change one).
LOGOUT_CONFIRM: Final = StateName("logout.confirm")
VEHICLES_CHOOSE: Final = StateName("vehicles.choose")

log = logging.getLogger(__name__)


async def list_vehicles(update: Update, context: BotContext) -> None:
    """/vehicles: the chat's cars, with buttons to change the active one."""
    view = await context.chat_view(update)
    chat_id = chat_id_of(update)
    vehicles = await context.services.linking.vehicles(chat_id)
    if not vehicles:
        await reply(update, view.tr("error.not_linked"))
        return
    active = await context.services.linking.active(chat_id)
    text = f"{view.tr('vehicles.header')}\n{vehicle_lines(view.tr, vehicles, active.vehicle_id)}"
    markup = vehicle_choice_keyboard(view.tr, vehicles) if len(vehicles) > 1 else None
    if markup is not None:
        text = f"{text}\n\n{view.tr('vehicles.choose')}"
    await reply(update, text, markup)
    if markup is not None:
        await remember(context, update, VEHICLES_CHOOSE, markup)


async def select_vehicle(update: Update, context: BotContext, payload: Callback) -> None:
    """A car button: make it active (only a car this chat is linked to)."""
    query = update.callback_query
    assert query is not None
    view = await context.chat_view(update)
    chat_id = chat_id_of(update)
    if await linked_vehicle(context, chat_id, payload.vehicle_id) is None or payload.vehicle_id is None:
        await refuse_car(update, context)
        return
    await query.answer()
    await forget(context, update)
    chosen = await context.services.features.of(LINKING).select(chat_id, payload.vehicle_id)
    await edit(query, view.tr("vehicles.selected", title=vehicle_title(view.tr, chosen.info)))


async def logout(update: Update, context: BotContext) -> None:
    """/logout: ask for a confirmation button first (it cannot be undone)."""
    view = await context.chat_view(update)
    await context.services.linking.active(chat_id_of(update))  # NotLinked -> "link with /login first"
    markup = yes_no_keyboard(LOGOUT_VERB, view.tr("button.logout_yes"), view.tr("button.logout_no"))
    await reply(update, view.tr("logout.confirm"), markup)
    await remember(context, update, LOGOUT_CONFIRM, markup)


async def confirm_logout(update: Update, context: BotContext, payload: Callback) -> None:
    """The confirmation tap: an owner deletes everything (members are told), a member leaves."""
    await forget(context, update)
    tapped = await confirmed(update, context, payload, "logout.kept")
    if tapped is None:
        return
    query, view = tapped
    logout = context.services.logout
    if logout is None:
        raise FeatureUnavailable("logout")
    await logout.logout(chat_id_of(update))
    await edit(query, view.tr("logout.done"))
