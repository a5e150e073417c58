"""The linking's Telegram part: /login and its four steps, /vehicles, /logout with its confirmation, and
/cancel (which ends a running login, else leaves the screen that waits)."""

from __future__ import annotations

from types import MappingProxyType

from telegram import InlineKeyboardMarkup, Update

from bot.features.linking import catalog as linking_catalog
from bot.features.linking.render import LOCALE_VERB, LOGOUT_VERB, SELECT_VEHICLE_VERB, country_keyboard
from bot.features.linking.telegram import login, vehicles
from bot.features.linking.telegram.vehicles import LOGOUT_CONFIRM, VEHICLES_CHOOSE
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.names import (
    LOGIN_CODE,
    LOGIN_EMAIL,
    LOGIN_LOCALE,
    LOGIN_PASSWORD,
    StateName,
)
from bot.telegram_ui.conversation.states import TEXT, State, screen
from bot.telegram_ui.conversation.where import Source, Spot
from bot.telegram_ui.parts import Command, TelegramPart


async def _login_text(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    await login.take_text(update, context)


async def _login_buttons(
    update: Update, context: BotContext, view: ChatView, spot: Spot
) -> InlineKeyboardMarkup | None:
    if spot.login is None or spot.state != LOGIN_LOCALE:
        return None
    return country_keyboard(spot.login.locale, view.tr.language)


async def _login_timed_out(update: Update, context: BotContext, view: ChatView, spot: Spot) -> bool:
    # Input a login step does not take (a photo...) still ends a login that ran out of time, saying so.
    return spot.login is not None and await login.timed_out(update, context, view, spot.login)


def _step(name: StateName, hint: str, buttons: bool = False) -> State:
    return State(
        name,
        Source.LOGIN,
        hint,
        accepts=TEXT,
        take=_login_text,
        buttons=_login_buttons if buttons else None,
        timed_out=_login_timed_out,
    )


# LOCALE taps answer the /login conversation; outside it they are stale.
PART = TelegramPart(
    name="linking",
    commands=(
        Command("vehicles", vehicles.list_vehicles, 110),
        Command("login", login.begin, 150),
        Command("logout", vehicles.logout, 160),
        Command("cancel", login.cancel, 180),
    ),
    taps=MappingProxyType(
        {
            SELECT_VEHICLE_VERB: vehicles.select_vehicle,
            LOGOUT_VERB: vehicles.confirm_logout,
            LOCALE_VERB: login.chosen_locale,
        }
    ),
    states=(
        _step(LOGIN_LOCALE, "router.hint.login.locale", buttons=True),
        _step(LOGIN_EMAIL, "router.hint.login.email"),
        _step(LOGIN_PASSWORD, "router.hint.login.password"),
        _step(LOGIN_CODE, "router.hint.login.code"),
        screen(LOGOUT_CONFIRM),
        screen(VEHICLES_CHOOSE),
    ),
    catalog=linking_catalog.LINKING_MESSAGES,
)
