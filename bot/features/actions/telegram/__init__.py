"""The actions' Telegram part: the card's action buttons, /precondition and /charge, their menus' taps and
typed values, and a linked chat's idle state, whose buttons are the card's.

The actions use case is the front-end's feature under the key `ports.ACTIONS`. The card itself is the status
part's: Refresh, the menus' Back and a confirmation's Cancel come back to it through `Front.redraw_card`, and
a card button another part opens (the status' Location, the schedule) through `Front.card_actions`.
"""

from __future__ import annotations

from types import MappingProxyType

from telegram import InlineKeyboardMarkup, Update

from bot.features.actions import catalog as actions_catalog
from bot.features.actions.ports import ACTIONS
from bot.features.actions.telegram import menus, precondition_typed
from bot.features.actions.telegram.menus import (
    CHARGE_LIMIT_VERB,
    CHARGE_MENU,
    CHARGE_MODE_VERB,
    PRECONDITION_AT_TEMP_VERB,
    PRECONDITION_AT_TIME_VERB,
    PRECONDITION_MENU,
)
from bot.features.actions.telegram.running import known_state
from bot.telegram_ui.callback_data import ACTION_VERB, MENU_VERB
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.inputs import InputKind
from bot.telegram_ui.conversation.names import IDLE_LINKED
from bot.telegram_ui.conversation.states import TEXT, State, expected, screen
from bot.telegram_ui.conversation.where import Source, Spot
from bot.telegram_ui.handlers.common import chat_id_of
from bot.telegram_ui.keyboards import status_keyboard
from bot.telegram_ui.parts import Command, TelegramPart


async def _idle_buttons(
    update: Update, context: BotContext, view: ChatView, spot: Spot
) -> InlineKeyboardMarkup | None:
    # The card's buttons, following the car's last stored reading (no Renault call for a stray message).
    vehicle = spot.vehicle
    if vehicle is None:
        return None
    known = await known_state(context, chat_id_of(update), vehicle.vehicle_id)
    return status_keyboard(view.tr, vehicle, known)


async def _idle_location(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    # A location shared while nothing waits goes to the part that takes it (Home & costs); else not ours.
    take = context.bot_data.front.on_location
    if take is not None:
        await take(update, context)
        return
    what = view.tr("router.kind.location")
    await expected(update, context, view, spot, view.tr("router.not_text", what=what))


PART = TelegramPart(
    name="actions",
    commands=(
        Command("precondition", menus.precondition_command, 20),
        Command("charge", menus.charge_command, 30),
    ),
    taps=MappingProxyType(
        {
            ACTION_VERB: menus.action_tap,
            PRECONDITION_AT_TEMP_VERB: menus.parameter_tap,
            PRECONDITION_AT_TIME_VERB: menus.parameter_tap,
            CHARGE_MODE_VERB: menus.parameter_tap,
            CHARGE_LIMIT_VERB: menus.parameter_tap,
            MENU_VERB: menus.submenu,
        }
    ),
    states=(
        State(
            PRECONDITION_MENU,
            Source.SCREEN,
            "router.hint.precondition.menu",
            accepts=TEXT,
            take=precondition_typed.typed_precondition,
        ),
        screen(CHARGE_MENU),
        # A linked chat with nothing waiting: a stray message gets the hint and the card's buttons.
        State(
            IDLE_LINKED,
            Source.IDLE,
            "router.hint.idle.linked",
            accepts=frozenset({InputKind.LOCATION}),
            take=_idle_location,
            buttons=_idle_buttons,
        ),
    ),
    catalog=actions_catalog.ACTIONS_MESSAGES,
    wired=lambda services: services.features.has(ACTIONS),
)
"""/precondition, /charge, the card's action taps, the menus' taps, their two screens and the idle state."""
