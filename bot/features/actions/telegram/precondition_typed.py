"""A ready time or a temperature typed at /precondition's lists ('7:15', '21,5'), as if tapped."""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from bot.domain.actions import ActionKind
from bot.features.actions.ports import TEMPERATURE_RANGE_C, ActionRequest
from bot.features.actions.telegram.menus import ASKS_TEMPERATURE, ASKS_TIME, TYPED_EXAMPLE_C, next_local_time
from bot.features.actions.telegram.running import run_typed_action
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.where import Spot, forget
from bot.telegram_ui.handlers.common import chat_id_of, linked_vehicle, may_run, reply
from bot.telegram_ui.typed import typed_clock, typed_degrees


def typed_request(asks: str | None, text: str, view: ChatView, now: datetime) -> ActionRequest | None:
    """The request a typed value makes where the list asks for it; None when it is not one."""
    if asks == ASKS_TIME:
        clock = typed_clock(text)
        at = None if clock is None else next_local_time(f"{clock:%H:%M}", view.settings.time_zone, now)
        if at is None:
            return None
        default = view.settings.default_temperature_c
        return ActionRequest(ActionKind.PRECONDITION, temperature_c=default, at=at)
    if asks == ASKS_TEMPERATURE:
        degrees = typed_degrees(text)
        low, high = TEMPERATURE_RANGE_C
        if degrees is None or not low <= degrees <= high:
            return None
        return ActionRequest(ActionKind.PRECONDITION, temperature_c=degrees)
    return None


def _what_works(view: ChatView, asks: str | None) -> str:
    tr = view.tr
    if asks == ASKS_TIME:
        return tr("precondition.typed_time")
    if asks == ASKS_TEMPERATURE:
        low, high = TEMPERATURE_RANGE_C
        return tr(
            "precondition.typed_temperature",
            low=fmt.temperature(tr, low),
            high=fmt.temperature(tr, high),
            example=fmt.temperature(tr, TYPED_EXAMPLE_C),
        )
    return f"{tr('router.not_understood')}\n\n{tr('router.hint.precondition.menu')}"


async def typed_precondition(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    """Text at /precondition: the time or temperature its list asks for runs it; else the list again."""
    focus = spot.focus
    asks = focus.data.get("asks") if focus is not None else None
    message = update.effective_message
    request = typed_request(asks, (message.text or "") if message is not None else "", view, context.now())
    if request is None:
        await reply(update, _what_works(view, asks), spot.keyboard)
        return
    chat_id = chat_id_of(update)
    vehicle = await linked_vehicle(context, chat_id, focus.vehicle_id if focus is not None else None)
    if vehicle is None:  # unlinked since the list was shown
        await forget(context, update)
        await reply(update, view.tr("router.stale.unlinked"))
        return
    if not may_run(vehicle, ActionKind.PRECONDITION):
        await forget(context, update)
        await reply(update, view.tr("callback.refused"))
        return
    await forget(context, update)
    await run_typed_action(update, context, view, vehicle, request)
