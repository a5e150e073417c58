"""/schedule: the charge schedule in local time (editing lands with the domain's schedule rules)."""

from __future__ import annotations

from telegram import Update

from bot.services.views import LinkedVehicle
from bot.telegram_ui.context import BotContext
from bot.telegram_ui.handlers.common import chat_id_of, reply


async def schedule_command(update: Update, context: BotContext) -> None:
    """/schedule for the active car."""
    vehicle = await context.services.linking.active(chat_id_of(update))
    await show_schedule(update, context, vehicle)


async def show_schedule(update: Update, context: BotContext, vehicle: LinkedVehicle) -> None:
    """Show the car's charge schedule."""
    view = await context.chat_view(update)
    await reply(update, view.tr("error.feature_unavailable"))
