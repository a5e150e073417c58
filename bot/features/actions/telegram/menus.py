"""The card's action buttons, and /precondition and /charge: small button menus whose taps become action
requests."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Final

from telegram import InlineKeyboardMarkup, Update

from bot.domain.actions import ActionKind, available_actions, spec_of
from bot.domain.models import traits_for
from bot.domain.snapshot import ChargeMode, VehicleSnapshot
from bot.domain.vehicle import LinkedVehicle
from bot.features.actions.ports import ACTIONS, ActionRequest
from bot.features.actions.telegram.running import known_state, run_action
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.callback_data import ACTION_VERB, MENU_VERB, Callback, Verb
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.stale import answer_stale, refuse_car
from bot.telegram_ui.conversation.where import forget, remember
from bot.telegram_ui.handlers.common import chat_id_of, edit, linked_vehicle, may_run, reply
from bot.telegram_ui.keyboards import action_button, button, confirm_keyboard, rows
from bot.telegram_ui.patience import TooSlow, Waiting

# The states this part declares, by the names stored with a chat's screen (never change one).
CHARGE_MENU: Final = StateName("charge.menu")
PRECONDITION_MENU: Final = StateName("precondition.menu")

# The verbs this part answers (their codes are on buttons already sent: never change one).
# precondition now at a temperature (arg: '21.5')
PRECONDITION_AT_TEMP_VERB: Final = Verb("pt", "PRECONDITION_AT_TEMP")
# precondition at a local time (arg: 'HH:MM')
PRECONDITION_AT_TIME_VERB: Final = Verb("ph", "PRECONDITION_AT_TIME")
# set the charge mode (arg: 'always' | 'scheduled')
CHARGE_MODE_VERB: Final = Verb("cm", "CHARGE_MODE")
# set the target charge level (arg: '80')
CHARGE_LIMIT_VERB: Final = Verb("cl", "CHARGE_LIMIT")

TEMPERATURES = (18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0)
TYPED_EXAMPLE_C = 21.5  # the example of a typed temperature the lists show
# What a /precondition list asks, kept with the chat's screen focus so a typed value can answer it.
ASKS_TIME = "time"
ASKS_TEMPERATURE = "temperature"
READY_TIMES = ("06:30", "07:00", "07:30", "08:00", "08:30", "17:00", "17:30", "18:00")
CHARGE_LIMITS = (50, 60, 70, 80, 90, 100)
# Renault's soc-levels take a floor too: never charge-immediately below 20% unless the target is lower.
MIN_LEVEL = 20
_CHARGE_KINDS = (
    ActionKind.CHARGE_START,
    ActionKind.CHARGE_STOP,
    ActionKind.CHARGE_PAUSE,
    ActionKind.CHARGE_RESUME,
)


def _offered(vehicle: LinkedVehicle, known: VehicleSnapshot | None) -> list[ActionKind]:
    # The car's last stored reading decides start or stop; with none, both are offered.
    return available_actions(vehicle.capabilities, vehicle.rights, known, traits_for(vehicle.info.model_code))


def precondition_keyboard(
    view: ChatView, vehicle: LinkedVehicle, known: VehicleSnapshot | None = None
) -> InlineKeyboardMarkup | None:
    """Now at the default temperature, another temperature, at a time, stop (where supported and on)."""
    offered = _offered(vehicle, known)
    if ActionKind.PRECONDITION not in offered:
        return None
    vid, tr = vehicle.vehicle_id, view.tr
    default = fmt.temperature(tr, view.settings.default_temperature_c)
    layout = [
        [
            button(
                tr("button.precondition_now", temperature=default), Callback(ACTION_VERB, vid, "PRECONDITION")
            )
        ],
        [button(tr("button.precondition_other_temperature"), Callback(MENU_VERB, vid, "temps"))],
        [button(tr("button.precondition_at_time"), Callback(MENU_VERB, vid, "times"))],
    ]
    if ActionKind.PRECONDITION_STOP in offered:
        layout.append([action_button(tr, vid, ActionKind.PRECONDITION_STOP)])
    return InlineKeyboardMarkup(layout)


_MODES = ((ChargeMode.ALWAYS, "button.mode_always"), (ChargeMode.SCHEDULED, "button.mode_scheduled"))


def charge_keyboard(
    view: ChatView,
    vehicle: LinkedVehicle,
    known: VehicleSnapshot | None = None,
    current: ChargeMode | None = None,
) -> InlineKeyboardMarkup | None:
    """Start or stop (as the car's state says), charge mode with the `current` one ticked, limits."""
    offered = _offered(vehicle, known)
    vid, tr = vehicle.vehicle_id, view.tr
    layout = rows(action_button(tr, vid, kind) for kind in _CHARGE_KINDS if kind in offered)
    if ActionKind.CHARGE_MODE in offered:
        for mode, key in _MODES:
            label = tr("button.selected", label=tr(key)) if mode is current else tr(key)
            layout.append([button(label, Callback(CHARGE_MODE_VERB, vid, mode.value))])
    if ActionKind.CHARGE_LIMITS in offered:
        layout.append([button(tr("button.limits"), Callback(MENU_VERB, vid, "limits"))])
    return InlineKeyboardMarkup(layout) if layout else None


def charge_text(view: ChatView, mode: ChargeMode | None) -> str:
    """The charging menu's title, with the car's current charge mode when it is known."""
    if mode is None or mode is ChargeMode.UNKNOWN:
        return view.tr("charge.menu")
    return view.tr("charge.menu_mode", mode=view.tr(f"charge_mode.{mode.value}"))


async def precondition_command(update: Update, context: BotContext) -> None:
    """/precondition for the active car."""
    view = await context.chat_view(update)
    chat_id = chat_id_of(update)
    vehicle = await context.services.linking.active(chat_id)
    markup = precondition_keyboard(view, vehicle, await known_state(context, chat_id, vehicle.vehicle_id))
    await reply(update, view.tr("precondition.menu" if markup else "error.feature_unavailable"), markup)
    if markup is not None:
        await remember(context, update, PRECONDITION_MENU, markup, vehicle_id=vehicle.vehicle_id)


async def charge_command(update: Update, context: BotContext) -> None:
    """/charge for the active car."""
    vehicle = await context.services.linking.active(chat_id_of(update))
    await show_charge_menu(update, context, vehicle, new_message=True)


async def show_charge_menu(
    update: Update, context: BotContext, vehicle: LinkedVehicle, *, new_message: bool = False
) -> None:
    """The charging menu, as a new message or in place of the tapped one, with the car's charge mode."""
    view = await context.chat_view(update)
    known = await known_state(context, chat_id_of(update), vehicle.vehicle_id)
    waiting = Waiting(update, context)
    mode = None
    if ActionKind.CHARGE_MODE in _offered(vehicle, known):
        mode = await _current_mode(context, waiting, chat_id_of(update), vehicle, known)
    markup = charge_keyboard(view, vehicle, known, mode)
    text = charge_text(view, mode) if markup else view.tr("action.no_actions")
    query = update.callback_query
    if new_message or query is None:
        await waiting.show(text, markup)
    else:
        if not waiting.toasted:
            await query.answer()
        await edit(query, text, markup)
    if markup is not None:
        await remember(context, update, CHARGE_MENU, markup, vehicle_id=vehicle.vehicle_id)


async def _current_mode(
    context: BotContext,
    waiting: Waiting,
    chat_id: int,
    vehicle: LinkedVehicle,
    known: VehicleSnapshot | None,
) -> ChargeMode | None:
    # The car is asked (no reading stores the mode); a slow or failed answer leaves the menu without it.
    try:
        mode = await waiting.run(
            context.services.features.of(ACTIONS).charge_mode(chat_id, vehicle.vehicle_id)
        )
    except TooSlow:
        mode = None
    return mode if mode is not None else (known.charge_mode if known is not None else None)


async def submenu(update: Update, context: BotContext, payload: Callback) -> None:
    """A menu button: temperatures, ready times, charge limits, or back to the card."""
    query = update.callback_query
    assert query is not None
    if payload.arg == "status":
        await forget(context, update)  # back to the card: nothing waits for an answer
        await context.bot_data.front.redraw_card(update, context, payload.vehicle_id, refresh=False)
        return
    view = await context.chat_view(update)
    vid = payload.vehicle_id
    vehicle = await linked_vehicle(context, chat_id_of(update), vid)
    if vehicle is None or vid is None:
        await refuse_car(update, context)
        return
    await query.answer()
    tr = view.tr
    if payload.arg == "temps":
        choices = [
            (fmt.temperature(tr, t), Callback(PRECONDITION_AT_TEMP_VERB, vid, f"{t:g}")) for t in TEMPERATURES
        ]
        text = tr("precondition.choose_temperature", example=fmt.temperature(tr, TYPED_EXAMPLE_C))
        asks = ASKS_TEMPERATURE
    elif payload.arg == "times":
        choices = [(t, Callback(PRECONDITION_AT_TIME_VERB, vid, t)) for t in READY_TIMES]
        text = tr("precondition.choose_time")
        asks = ASKS_TIME
    else:
        choices = [
            (tr("button.limit", level=tr.percent(lv)), Callback(CHARGE_LIMIT_VERB, vid, str(lv)))
            for lv in CHARGE_LIMITS
        ]
        text = tr("charge.choose_limit")
        asks = ""
    layout = rows((button(label, data) for label, data in choices), 4)
    layout.append([button(tr("button.back"), Callback(MENU_VERB, vid, "status"))])
    markup = InlineKeyboardMarkup(layout)
    await edit(query, text, markup)
    if asks:  # the list takes a typed value too (precondition_typed.py)
        await remember(context, update, PRECONDITION_MENU, markup, vehicle_id=vid, asks=asks)
    else:
        await remember(context, update, CHARGE_MENU, markup, vehicle_id=vid)


def next_local_time(hhmm: str, zone_name: str, now: datetime) -> datetime | None:
    """The next moment (UTC) the user's clock shows HH:MM, or None when the text is not a time."""
    try:
        wanted = clock_time.fromisoformat(hhmm)
    except ValueError:
        return None
    zone = fmt.zone(zone_name)
    local_now = now.astimezone(zone)
    candidate = datetime.combine(local_now.date(), wanted, tzinfo=zone)
    if candidate <= local_now:
        candidate = datetime.combine(local_now.date() + timedelta(days=1), wanted, tzinfo=zone)
    return candidate.astimezone(now.tzinfo)


def parameter_request(payload: Callback, view: ChatView, now: datetime) -> ActionRequest | None:
    """Turn a parameter button (temperature, time, mode, limit) into a request; None if malformed."""
    arg = payload.arg
    try:
        if payload.verb is PRECONDITION_AT_TEMP_VERB:
            return ActionRequest(ActionKind.PRECONDITION, temperature_c=float(arg))
        if payload.verb is PRECONDITION_AT_TIME_VERB:
            at = next_local_time(arg, view.settings.time_zone, now)
            temperature = view.settings.default_temperature_c
            return (
                None
                if at is None
                else ActionRequest(ActionKind.PRECONDITION, temperature_c=temperature, at=at)
            )
        if payload.verb is CHARGE_MODE_VERB:
            return ActionRequest(ActionKind.CHARGE_MODE, charge_mode=ChargeMode(arg))
        if payload.verb is CHARGE_LIMIT_VERB:
            target = int(arg)
            return ActionRequest(
                ActionKind.CHARGE_LIMITS, min_level=min(MIN_LEVEL, target), target_level=target
            )
    except ValueError:
        return None
    return None


async def parameter_tap(update: Update, context: BotContext, payload: Callback) -> None:
    """A parameter button: build the request, check the tap against the chat's links, run it."""
    query = update.callback_query
    assert query is not None
    view = await context.chat_view(update)
    request = parameter_request(payload, view, context.now())
    vehicle = await linked_vehicle(context, chat_id_of(update), payload.vehicle_id)
    if vehicle is None:
        await refuse_car(update, context)
        return
    if request is None:  # a garbled or outdated payload
        await answer_stale(update, context)
        return
    if not may_run(vehicle, request.kind):
        await query.answer(view.tr("callback.refused"), show_alert=True)
        return
    await forget(context, update)
    await run_action(update, context, view, vehicle, request)


async def action_tap(update: Update, context: BotContext, payload: Callback) -> None:
    """A button of the card: checked against the chat's links and role, then run."""
    query = update.callback_query
    assert query is not None
    view = await context.chat_view(update)
    name, _, extra = payload.arg.partition(":")
    kind = ActionKind.__members__.get(name)
    vehicle = await linked_vehicle(context, chat_id_of(update), payload.vehicle_id)
    if vehicle is None:
        await refuse_car(update, context)
        return
    if kind is None:  # a garbled or outdated payload
        await answer_stale(update, context)
        return
    if not may_run(vehicle, kind):
        await query.answer(view.tr("callback.refused"), show_alert=True)
        return
    front = context.bot_data.front
    if kind is ActionKind.REFRESH:
        await front.redraw_card(update, context, vehicle.vehicle_id, refresh=True)
    elif kind in front.card_actions:  # a button another part opens (the status' Location, the schedule)
        await query.answer()
        await front.card_actions[kind](update, context, vehicle)
    elif kind in (ActionKind.CHARGE_MODE, ActionKind.CHARGE_LIMITS):
        await show_charge_menu(update, context, vehicle)  # it answers the tap (a toast if Renault is slow)
    elif spec_of(kind).ask_twice and extra != "ok":
        await query.answer()
        await query.edit_message_reply_markup(confirm_keyboard(view.tr, vehicle.vehicle_id, kind))
    else:
        temperature = view.settings.default_temperature_c if kind is ActionKind.PRECONDITION else None
        request = ActionRequest(kind, temperature_c=temperature)
        await forget(context, update)  # a menu's action button ends the menu
        await run_action(update, context, view, vehicle, request)
