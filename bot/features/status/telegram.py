"""/status and /where, the card drawn again in place (Refresh, the menus' Back), and the card's Location.

The status use case is the front-end's feature under the key `ports.STATUS`; the card's text is drawn by
`render.py`, its buttons by the kernel (`bot/telegram_ui/keyboards.py:status_keyboard`, from the actions
table). The card's other buttons are the actions part's taps; they come back to the card through this
part's `card` hook, and its Location button is this part's `card_actions`.
"""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType

from telegram import Update

from bot.domain.actions import ActionKind
from bot.domain.vehicle import LinkedVehicle
from bot.features.status import catalog as status_catalog
from bot.features.status.ports import STATUS, StatusView
from bot.features.status.render import render_status, stale_lines
from bot.services.ports import LimitReached
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.error_messages import describe
from bot.telegram_ui.formatting import vehicle_title
from bot.telegram_ui.handlers.common import chat_id_of, edit
from bot.telegram_ui.keyboards import status_keyboard
from bot.telegram_ui.parts import Command, TelegramPart
from bot.telegram_ui.patience import Waiting


async def status_command(update: Update, context: BotContext) -> None:
    """/status: the card for the active car, with its buttons."""
    chat_id = chat_id_of(update)
    status_port = context.services.features.of(STATUS)
    waiting = Waiting(update, context)
    # A known chat's settings come with its card, in one read; a new one's are made first.
    found = await waiting.run(status_port.card(chat_id))
    if found is None:
        view = await context.chat_view(update)
        status = await waiting.run(status_port.status(chat_id))
    else:
        view, status = ChatView(found[0], context.bot_data.front.catalogs), found[1]
    text = render_status(view.tr, status, view.settings, context.now())
    await waiting.show(text, status_keyboard(view.tr, status.vehicle, status.snapshot))


async def where_command(update: Update, context: BotContext) -> None:
    """/where: a location pin, then its age."""
    await _send_location(update, context, None)


async def location_tap(update: Update, context: BotContext, vehicle: LinkedVehicle) -> None:
    """The card's Location button (the tap is answered already): the pin, then its age."""
    await _send_location(update, context, vehicle.vehicle_id)


async def _send_location(update: Update, context: BotContext, vehicle_id: int | None) -> None:
    view = await context.chat_view(update)
    chat_id = chat_id_of(update)
    waiting = Waiting(update, context)
    where = await waiting.run(context.services.features.of(STATUS).location(chat_id, vehicle_id))
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


async def redraw(update: Update, context: BotContext, vehicle_id: int | None, refresh: bool) -> None:
    """Edit the card in place (fresh data when `refresh`); a Refresh always ends with a visible toast."""
    query = update.callback_query
    assert query is not None
    if not refresh:
        await query.answer()
    view = await context.chat_view(update)
    waiting = Waiting(update, context)
    try:
        status = await waiting.run(
            context.services.features.of(STATUS).status(chat_id_of(update), vehicle_id, refresh=refresh)
        )
    except LimitReached as limit:
        # The card stays as it is (the last reading); the alert says which limit and when it resets.
        text = describe(view.tr, limit, context.now(), view.settings.time_zone)
        if waiting.toasted:  # the tap is answered already: a query is answered only once
            await context.bot.send_message(chat_id_of(update), text)
        else:
            await query.answer(text, show_alert=True)
        return
    text = render_status(view.tr, status, view.settings, context.now())
    await edit(query, text, status_keyboard(view.tr, status.vehicle, status.snapshot))
    if refresh and not waiting.toasted:
        # Also when nothing changed (Telegram then leaves the message as it was): the owner sees an answer.
        await query.answer(refreshed(view, status, context.now()))


def refreshed(view: ChatView, status: StatusView, now: datetime) -> str:
    """The toast after a Refresh: up to date since when, or that Renault did not answer."""
    reported = status.snapshot.reported_at
    if reported is None:
        return view.tr("refresh.no_time")
    age = fmt.age(view.tr, reported, now)
    return view.tr("refresh.stale" if status.stale_reason else "refresh.up_to_date", age=age)


PART = TelegramPart(
    name="status",
    commands=(
        Command("status", status_command, 10),
        Command("where", where_command, 70),
    ),
    catalog=status_catalog.STATUS_MESSAGES,
    card=redraw,
    card_actions=MappingProxyType({ActionKind.LOCATION: location_tap}),
    wired=lambda services: services.features.has(STATUS),
)
"""/status, /where, the card drawn again in place, and its Location button."""
