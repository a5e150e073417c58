"""Running a tapped action and re-drawing the card in place: shared by the card and the menus."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.services.actions import ActionRequest
from bot.services.errors import FeatureUnavailable, ServiceError
from bot.services.views import ActionOutcome, LinkedVehicle
from bot.telegram_ui.callback_data import Callback
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.error_messages import describe
from bot.telegram_ui.handlers.common import chat_id_of, edit, linked_vehicle
from bot.telegram_ui.keyboards import action_label, status_keyboard
from bot.telegram_ui.status_card import render_status


async def show_card(update: Update, context: BotContext, payload: Callback) -> None:
    """Re-draw the card from the last known data (used by 'cancel' and 'back' buttons)."""
    await redraw(update, context, payload.vehicle_id, refresh=False)


async def redraw(update: Update, context: BotContext, vehicle_id: int | None, *, refresh: bool) -> None:
    """Answer the tap and edit the card in place (fresh data when `refresh`)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    view = await context.chat_view(update)
    status = await context.services.status.status(chat_id_of(update), vehicle_id, refresh=refresh)
    text = render_status(view.tr, status, view.settings, context.now())
    await edit(query, text, status_keyboard(view.tr, status.vehicle, status.snapshot))


async def run_action(
    query: CallbackQuery, context: BotContext, view: ChatView, vehicle: LinkedVehicle, request: ActionRequest
) -> None:
    # The tap's own chat: callback messages may be inaccessible, the user's chat never is.
    chat_id = query.from_user.id if query.message is None else query.message.chat.id
    """Answer the tap at once, show 'sent to the car...', run the action, then show the outcome."""
    label = action_label(view.tr, request.kind)
    await query.answer()
    await edit(query, view.tr("action.sending", action=label))
    try:
        outcome = await context.services.actions.run(chat_id, vehicle.vehicle_id, request)
    except ServiceError as error:
        # The error is the tap's outcome, shown in place; the buttons stay (minus an unsupported one).
        if isinstance(error, FeatureUnavailable):
            vehicle = await linked_vehicle(context, chat_id, vehicle.vehicle_id) or vehicle
        await edit(query, describe(view.tr, error, context.now()), status_keyboard(view.tr, vehicle, None))
        return
    await edit(
        query, _outcome_text(view, label, outcome), status_keyboard(view.tr, vehicle, outcome.snapshot)
    )


def _outcome_text(view: ChatView, label: str, outcome: ActionOutcome) -> str:
    if not outcome.accepted:
        return view.tr("action.refused", action=label)
    return view.tr("action.confirmed" if outcome.confirmed else "action.accepted", action=label)
