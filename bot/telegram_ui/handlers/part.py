"""The core Telegram part: the card's action taps, the charge menus, /start and /help.

Declared like every feature's part (`bot/telegram_ui/parts.py`); the composition root lists it first.
"""

from __future__ import annotations

from types import MappingProxyType

from telegram import InlineKeyboardMarkup, Update

from bot.telegram_ui.callback_data import Verb
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.inputs import InputKind
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.states import TEXT, State, expected, screen
from bot.telegram_ui.conversation.where import Source, Spot
from bot.telegram_ui.handlers import (
    basic,
    menus,
    precondition_typed,
)
from bot.telegram_ui.handlers.common import chat_id_of
from bot.telegram_ui.handlers.running import known_state
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
    name="core",
    commands=(
        Command("precondition", menus.precondition_command, 20),
        Command("charge", menus.charge_command, 30),
        Command("help", basic.help_command, 170),
        Command("start", basic.start, 190),
    ),
    taps=MappingProxyType(
        {
            Verb.ACTION: menus.action_tap,
            Verb.PRECONDITION_AT_TEMP: menus.parameter_tap,
            Verb.PRECONDITION_AT_TIME: menus.parameter_tap,
            Verb.CHARGE_MODE: menus.parameter_tap,
            Verb.CHARGE_LIMIT: menus.parameter_tap,
            Verb.MENU: menus.submenu,
        }
    ),
    states=(
        State(
            StateName.PRECONDITION_MENU,
            Source.SCREEN,
            "router.hint.precondition.menu",
            accepts=TEXT,
            take=precondition_typed.typed_precondition,
        ),
        screen(StateName.CHARGE_MENU),
        State(
            StateName.IDLE_LINKED,
            Source.IDLE,
            "router.hint.idle.linked",
            accepts=frozenset({InputKind.LOCATION}),
            take=_idle_location,
            buttons=_idle_buttons,
        ),
        State(StateName.IDLE_UNLINKED, Source.IDLE, "router.hint.idle.unlinked"),
    ),
)
