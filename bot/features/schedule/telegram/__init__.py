"""The charge schedule's Telegram part: /schedule, its taps, the editor's screen, the card's button."""

from __future__ import annotations

from types import MappingProxyType

from telegram import InlineKeyboardMarkup, Update

from bot.domain.actions import ActionKind
from bot.features.schedule import catalog as schedule_catalog
from bot.features.schedule.telegram import handlers
from bot.features.schedule.telegram.drafts import ScheduleDrafts
from bot.features.schedule.telegram.handlers import SCHEDULE_EDIT
from bot.features.schedule.telegram.view import SCHEDULE_VERB
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.states import TEXT, State
from bot.telegram_ui.conversation.where import Source, Spot
from bot.telegram_ui.parts import Command, TelegramPart


async def _editor_buttons(
    update: Update, context: BotContext, view: ChatView, spot: Spot
) -> InlineKeyboardMarkup | None:
    vehicle_id = spot.focus.vehicle_id if spot.focus is not None else None
    return await handlers.editor_buttons(update, context, view, vehicle_id)


async def _drop_draft(context: BotContext, chat_id: int) -> None:
    await ScheduleDrafts(context.services.drafts).drop(chat_id)  # a cancelled edit is not saved


PART = TelegramPart(
    name="schedule",
    catalog=schedule_catalog.SCHEDULE_MESSAGES,
    commands=(Command("schedule", handlers.schedule_command, 40),),
    taps=MappingProxyType({SCHEDULE_VERB: handlers.schedule_tap}),
    states=(
        State(
            SCHEDULE_EDIT,
            Source.SCREEN,
            "router.hint.schedule.edit",
            accepts=TEXT,
            take=handlers.typed_time,
            buttons=_editor_buttons,
            leave=_drop_draft,
        ),
    ),
    card_actions=MappingProxyType({ActionKind.SCHEDULE: handlers.show_schedule}),
)
"""Always wired: without the schedule use case (or on a car without schedules) /schedule says so."""
