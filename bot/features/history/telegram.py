"""/history: the list of recent charges (with their costs), then the battery chart as a photo.

The history use case is the front-end's feature under the key `ports.HISTORY`; the texts and the chart are
drawn by `render.py`.
"""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.features.history import catalog as history_catalog
from bot.features.history.ports import HISTORY
from bot.features.history.render import HistoryText, battery_chart, chart_labels, render_history
from bot.telegram_ui.context import BotContext
from bot.telegram_ui.parts import Command, TelegramPart


async def history_command(update: Update, context: BotContext) -> None:
    """/history: the list of recent charges, then the chart as a photo (errors go to the central handler)."""
    chat = update.effective_chat
    message = update.effective_message
    if chat is None or message is None:
        return
    history = context.services.features.get(HISTORY)
    if history is None:
        return
    view = await context.chat_view(update)
    settings = view.settings
    text = HistoryText(settings.language)
    overview = await history.overview(chat.id)
    started = [session.started_at for session in overview.sessions]
    # The costs beside each charge come from the part that adds them (costs' `charge_notes`), if wired.
    notes = await context.bot_data.front.notes(context, view, overview.vehicle, started)
    await message.reply_text(
        render_history(text, overview, settings.time_zone, notes.texts, notes.footer),
        reply_markup=notes.keyboard,
    )
    png = await asyncio.to_thread(
        battery_chart,
        overview.readings,
        overview.sessions,
        overview.since,
        overview.until,
        settings.time_zone,
        chart_labels(text),
    )
    await context.bot.send_photo(chat.id, photo=png, caption=text("history.chart_title"))


PART = TelegramPart(
    name="history",
    catalog=history_catalog.HISTORY_MESSAGES,
    commands=(Command("history", history_command, 80),),
    wired=lambda services: services.features.has(HISTORY),
)
"""/history."""
