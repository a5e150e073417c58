"""Running a tapped action, the outcome in the tapped message: shared by the card's buttons and the menus.

The card itself is drawn by the status part (`bot/features/status/telegram.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.domain.actions import ActionKind
from bot.domain.snapshot import VehicleSnapshot
from bot.domain.vehicle import LinkedVehicle
from bot.features.actions.ports import ACTIONS, ActionOutcome, ActionRequest
from bot.services.errors import FeatureUnavailable, ServiceError
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.error_messages import describe, is_not_modified
from bot.telegram_ui.handlers.common import chat_id_of, edit, linked_vehicle, reply
from bot.telegram_ui.keyboards import action_label, status_keyboard
from bot.telegram_ui.patience import TooSlow, Waiting


def request_text(view: ChatView, request: ActionRequest, now: datetime) -> str:
    """What was asked, with its values: 'Preconditioning at 22 °C, ready at 07:30', 'Charge limit: 80%'."""
    tr, kind = view.tr, request.kind
    if kind is ActionKind.PRECONDITION:
        temperature = fmt.temperature(tr, request.temperature_c or view.settings.default_temperature_c)
        if request.at is None:
            return tr("request.precondition_now", temperature=temperature)
        when = fmt.local_datetime(tr, request.at, view.settings.time_zone, now)
        return tr("request.precondition_at", temperature=temperature, time=when)
    if kind is ActionKind.CHARGE_MODE and request.charge_mode is not None:
        return tr("request.charge_mode", mode=tr(f"charge_mode.{request.charge_mode.value}"))
    if kind is ActionKind.CHARGE_LIMITS and request.target_level is not None:
        return tr("request.charge_limit", level=tr.percent(request.target_level))
    return action_label(tr, kind)


async def run_action(
    update: Update, context: BotContext, view: ChatView, vehicle: LinkedVehicle, request: ActionRequest
) -> None:
    """Answer the tap at once, show 'sent to the car...', run the action, then show the outcome."""
    query = update.callback_query
    assert query is not None
    # The tap's own chat: callback messages may be inaccessible, the user's chat never is.
    chat_id = query.from_user.id if query.message is None else query.message.chat.id
    await query.answer()

    async def show(text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await edit(query, text, markup)

    await _carry_out(update, context, view, vehicle, request, chat_id, show)


async def run_typed_action(
    update: Update, context: BotContext, view: ChatView, vehicle: LinkedVehicle, request: ActionRequest
) -> None:
    """A request typed as text: 'sent to the car...' as a reply, then the outcome in its place."""
    sent: Message | None = None

    async def show(text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        nonlocal sent
        if sent is None:
            sent = await reply(update, text, markup)
            return
        try:
            await sent.edit_text(text, reply_markup=markup)
        except BadRequest as error:
            if not is_not_modified(error):
                raise

    await _carry_out(update, context, view, vehicle, request, chat_id_of(update), show)


Show = Callable[[str, InlineKeyboardMarkup | None], Awaitable[None]]


async def _carry_out(
    update: Update,
    context: BotContext,
    view: ChatView,
    vehicle: LinkedVehicle,
    request: ActionRequest,
    chat_id: int,
    show: Show,
) -> None:
    label = request_text(view, request, context.now())
    await show(view.tr("action.sending", action=label), None)
    try:
        # The message already says the request is on its way: no note, but never more than the patience.
        waiting = Waiting(update, context, note=False)
        outcome = await waiting.run(
            context.services.features.of(ACTIONS).run(chat_id, vehicle.vehicle_id, request)
        )
    except TooSlow as slow:
        known = await known_state(context, chat_id, vehicle.vehicle_id)
        text = view.tr("slow.timeout", seconds=round(slow.seconds))
        await show(text, status_keyboard(view.tr, vehicle, known))
        return
    except ServiceError as error:
        # The error is the request's outcome, shown in place; the buttons stay (minus an unsupported one).
        if isinstance(error, FeatureUnavailable):
            vehicle = await linked_vehicle(context, chat_id, vehicle.vehicle_id) or vehicle
        known = await known_state(context, chat_id, vehicle.vehicle_id)
        text = describe(view.tr, error, context.now(), view.settings.time_zone)
        await show(text, status_keyboard(view.tr, vehicle, known))
        return
    await show(_outcome_text(view, label, outcome), status_keyboard(view.tr, vehicle, outcome.snapshot))


async def known_state(context: BotContext, chat_id: int, vehicle_id: int) -> VehicleSnapshot | None:
    """The car's last stored reading for buttons that follow it; None when there is none to read."""
    actions = context.services.features.get(ACTIONS)
    if actions is None:
        return None
    try:
        return await actions.known_state(chat_id, vehicle_id)
    except ServiceError:
        return None  # buttons then offer what the car supports, state unknown


def _outcome_text(view: ChatView, label: str, outcome: ActionOutcome) -> str:
    if not outcome.accepted:
        return view.tr("action.refused", action=label)
    return view.tr("action.confirmed" if outcome.confirmed else "action.accepted", action=label)
