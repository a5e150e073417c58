"""/status, /where, and the status card's buttons: tap, 'sent to the car...', outcome in the same message."""

from __future__ import annotations

from telegram import Update

from bot.domain.actions import ActionKind, spec_of
from bot.services.actions import ActionRequest
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.callback_data import Callback
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.stale import answer_stale, refuse_car
from bot.telegram_ui.conversation.where import forget
from bot.telegram_ui.handlers.common import chat_id_of, linked_vehicle, may_run
from bot.telegram_ui.handlers.menus import show_charge_menu
from bot.telegram_ui.handlers.running import redraw, run_action
from bot.telegram_ui.keyboards import confirm_keyboard, status_keyboard
from bot.telegram_ui.patience import Waiting
from bot.telegram_ui.status_card import render_status, stale_lines, vehicle_title


async def status_command(update: Update, context: BotContext) -> None:
    """/status: the card for the active car, with its buttons."""
    chat_id = chat_id_of(update)
    waiting = Waiting(update, context)
    # A known chat's settings come with its card, in one read; a new one's are made first.
    found = await waiting.run(context.services.status.card(chat_id))
    if found is None:
        view = await context.chat_view(update)
        status = await waiting.run(context.services.status.status(chat_id))
    else:
        view, status = ChatView(found[0]), found[1]
    text = render_status(view.tr, status, view.settings, context.now())
    await waiting.show(text, status_keyboard(view.tr, status.vehicle, status.snapshot))


async def where_command(update: Update, context: BotContext) -> None:
    """/where: a location pin, then its age."""
    await _send_location(update, context, None)


async def _send_location(update: Update, context: BotContext, vehicle_id: int | None) -> None:
    view = await context.chat_view(update)
    chat_id = chat_id_of(update)
    waiting = Waiting(update, context)
    where = await waiting.run(context.services.status.location(chat_id, vehicle_id))
    await waiting.forget_note()
    await context.bot.send_location(chat_id, latitude=where.point.latitude, longitude=where.point.longitude)
    title = vehicle_title(view.tr, where.vehicle.info)
    reported = where.point.reported_at
    if reported is None:
        caption = view.tr("where.caption_no_time", title=title)
    else:
        now = context.now()
        caption = view.tr(
            "where.caption",
            title=title,
            age=fmt.age(view.tr, reported, now),
            time=fmt.local_datetime(view.tr, reported, view.settings.time_zone, now),
        )
    if where.stale_reason is not None:
        caption = "\n".join([caption, *stale_lines(view.tr, where.stale_reason, where.vehicle.role)])
    await context.bot.send_message(chat_id, caption)


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
    if kind is ActionKind.REFRESH:
        await redraw(update, context, vehicle.vehicle_id, refresh=True)
    elif kind is ActionKind.LOCATION:
        await query.answer()
        await _send_location(update, context, vehicle.vehicle_id)
    elif kind in context.bot_data.front.card_actions:  # a button another part opens (the schedule's)
        await query.answer()
        await context.bot_data.front.card_actions[kind](update, context, vehicle)
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
