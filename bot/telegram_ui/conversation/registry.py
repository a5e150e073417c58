"""Every state that waits for input, declared once: what it accepts, what it says otherwise, its buttons.

The router answers every update no feature took from this table, and a parametrised test sends every kind
of input to every state in it in every language: a state added here is covered without touching the test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from telegram import InlineKeyboardMarkup, Update

from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.inputs import InputKind
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.where import Source, Spot
from bot.telegram_ui.costs import handlers as cost_handlers
from bot.telegram_ui.costs.refs import costs_callback
from bot.telegram_ui.handlers import login, precondition_typed, schedule, settings
from bot.telegram_ui.handlers.common import chat_id_of, reply
from bot.telegram_ui.handlers.running import known_state
from bot.telegram_ui.keyboards import button, status_keyboard
from bot.telegram_ui.smartcharge import tariff_setup

Taker = Callable[[Update, BotContext, ChatView, Spot], Awaitable[None]]
"""Handles an input the state accepts (and answers it)."""
Buttons = Callable[[Update, BotContext, ChatView, Spot], Awaitable[InlineKeyboardMarkup | None]]
"""Builds the buttons offered again with the hint (default: the ones the screen had)."""


@dataclass(frozen=True, slots=True)
class State:
    """One row of the registry."""

    name: StateName
    source: Source
    hint: str  # catalog key: what the state expects, said to any input it does not take
    accepts: frozenset[InputKind] = frozenset()
    take: Taker | None = None
    buttons: Buttons | None = None


async def _login_text(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    await login.take_text(update, context)


async def _login_buttons(
    update: Update, context: BotContext, view: ChatView, spot: Spot
) -> InlineKeyboardMarkup | None:
    if spot.login is None or spot.state is not StateName.LOGIN_LOCALE:
        return None
    return login.country_keyboard(spot.login.locale, view.tr.language)


async def _editor_buttons(
    update: Update, context: BotContext, view: ChatView, spot: Spot
) -> InlineKeyboardMarkup | None:
    vehicle_id = spot.focus.vehicle_id if spot.focus is not None else None
    return await schedule.editor_buttons(update, context, view, vehicle_id)


async def _price_text(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    await cost_handlers.typed_text(update, context)


async def _price_buttons(
    update: Update, context: BotContext, view: ChatView, spot: Spot
) -> InlineKeyboardMarkup | None:
    port = context.services.costs
    awaited = None if port is None else await port.awaiting_price(chat_id_of(update))
    if awaited is None:
        return None
    leave = costs_callback("an", int(awaited["vehicle_id"]))
    return InlineKeyboardMarkup([[button(view.tr("costs.button.leave"), leave)]])


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
    # A location shared while nothing waits may become home (Home & costs); without costs it is not ours.
    if context.services.costs is not None:
        await cost_handlers.shared_location(update, context)
        return
    what = view.tr("router.kind.location")
    await expected(update, context, view, spot, view.tr("router.not_text", what=what))


_TEXT = frozenset({InputKind.TEXT})
_LOGIN = Source.LOGIN
_SCREEN = Source.SCREEN


def _screen(name: StateName, buttons: Buttons | None = None) -> State:
    # A button screen: it takes only its own taps; its hint key is named after it.
    return State(name, _SCREEN, f"router.hint.{name.value}", buttons=buttons)


_TABLE: tuple[State, ...] = (
    State(
        StateName.LOGIN_LOCALE,
        _LOGIN,
        "router.hint.login.locale",
        accepts=_TEXT,
        take=_login_text,
        buttons=_login_buttons,
    ),
    State(StateName.LOGIN_EMAIL, _LOGIN, "router.hint.login.email", accepts=_TEXT, take=_login_text),
    State(StateName.LOGIN_PASSWORD, _LOGIN, "router.hint.login.password", accepts=_TEXT, take=_login_text),
    State(StateName.LOGIN_CODE, _LOGIN, "router.hint.login.code", accepts=_TEXT, take=_login_text),
    State(
        StateName.SCHEDULE_EDIT,
        _SCREEN,
        "router.hint.schedule.edit",
        accepts=_TEXT,
        take=schedule.typed_time,
        buttons=_editor_buttons,
    ),
    State(
        StateName.PRECONDITION_MENU,
        _SCREEN,
        "router.hint.precondition.menu",
        accepts=_TEXT,
        take=precondition_typed.typed_precondition,
    ),
    _screen(StateName.CHARGE_MENU),
    _screen(StateName.SMART_MENU),
    _screen(StateName.SETTINGS_MENU),
    _screen(StateName.SETTINGS_CHOICE),
    State(
        StateName.SETTINGS_ZONE,
        _SCREEN,
        "router.hint.settings.zone",
        accepts=_TEXT,
        take=settings.typed_zone,
    ),
    _screen(StateName.TARIFF_PROVIDER),
    _screen(StateName.TARIFF_REGION),
    State(
        StateName.TARIFF_FIXED,
        _SCREEN,
        "router.hint.tariff.fixed",
        accepts=_TEXT,
        take=tariff_setup.typed_fixed,
    ),
    State(
        StateName.TARIFF_URL, _SCREEN, "router.hint.tariff.url", accepts=_TEXT, take=tariff_setup.typed_url
    ),
    _screen(StateName.COSTS_MENU),
    State(
        StateName.COSTS_PRICE,
        Source.PRICE,
        "router.hint.costs.price",
        accepts=_TEXT,
        take=_price_text,
        buttons=_price_buttons,
    ),
    _screen(StateName.EXPORT_PERIOD),
    _screen(StateName.LOGOUT_CONFIRM),
    _screen(StateName.LEAVE_CONFIRM),
    _screen(StateName.JOIN_CONFIRM),
    _screen(StateName.SHARE_MENU),
    _screen(StateName.VEHICLES_CHOOSE),
    State(
        StateName.IDLE_LINKED,
        Source.IDLE,
        "router.hint.idle.linked",
        accepts=frozenset({InputKind.LOCATION}),
        take=_idle_location,
        buttons=_idle_buttons,
    ),
    State(StateName.IDLE_UNLINKED, Source.IDLE, "router.hint.idle.unlinked"),
)


def _check(table: tuple[State, ...]) -> Mapping[StateName, State]:
    by_name = {state.name: state for state in table}
    missing = set(StateName) - set(by_name)
    if missing or len(by_name) != len(table):
        raise ValueError(f"every state is declared once; missing: {sorted(n.value for n in missing)}")
    for state in table:
        if bool(state.accepts) != (state.take is not None):
            raise ValueError(f"state {state.name.value}: what it accepts and its taker go together")
    return MappingProxyType(by_name)


REGISTRY: Mapping[StateName, State] = _check(_TABLE)
"""Every state that waits for input, by name."""


def state_of(spot: Spot) -> State:
    """The registry row of the chat's state."""
    return REGISTRY[spot.state]


async def expected(
    update: Update, context: BotContext, view: ChatView, spot: Spot, lead: str | None = None
) -> None:
    """Say what the chat's state expects (after `lead`, what was wrong), with the buttons to do it."""
    state = state_of(spot)
    markup = await state.buttons(update, context, view, spot) if state.buttons is not None else None
    text = "\n\n".join(part for part in (lead, view.tr(state.hint)) if part)
    await reply(update, text, markup or spot.keyboard)
