"""The costs' Telegram part: /costs, /export, the `co` taps, the asked price, a location offered as home,
the monthly summary ping, and the costs beside /history's charges."""

from __future__ import annotations

from types import MappingProxyType

from telegram import InlineKeyboardMarkup, Update

from bot.features.costs import catalog as costs_catalog
from bot.features.costs.events import MonthlyCostSummary
from bot.features.costs.ports import COSTS
from bot.features.costs.render import render_summary
from bot.features.costs.telegram import handlers
from bot.features.costs.telegram.handlers import COSTS_MENU, COSTS_PRICE, EXPORT_PERIOD
from bot.features.costs.telegram.refs import costs_callback
from bot.features.costs.telegram.session_notes import history_costs
from bot.telegram_ui.callback_data import COSTS_VERB
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.states import TEXT, State, screen
from bot.telegram_ui.conversation.where import Source, Spot
from bot.telegram_ui.handlers.common import chat_id_of
from bot.telegram_ui.keyboards import button
from bot.telegram_ui.parts import Command, TelegramPart
from bot.telegram_ui.ping_text import Renderer


async def _price_text(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    await handlers.typed_text(update, context)


async def _price_buttons(
    update: Update, context: BotContext, view: ChatView, spot: Spot
) -> InlineKeyboardMarkup | None:
    port = context.services.features.get(COSTS)
    awaited = None if port is None else await port.awaiting_price(chat_id_of(update))
    if awaited is None:
        return None
    leave = costs_callback("an", awaited.vehicle_id)
    return InlineKeyboardMarkup([[button(view.tr("costs.button.leave"), leave)]])


async def _price_asked(context: BotContext, chat_id: int) -> bool:
    # The question lives in the cost store (with its expiry), not in the screen focus.
    port = context.services.features.get(COSTS)
    return port is not None and await port.awaiting_price(chat_id) is not None


async def _forget_price(context: BotContext, chat_id: int) -> None:
    port = context.services.features.get(COSTS)
    if port is not None:
        await port.cancel_awaiting(chat_id)


def _monthly_summary(event: MonthlyCostSummary, renderer: Renderer) -> str:
    return render_summary(renderer.tr, event)


PART = TelegramPart(
    name="costs",
    catalog=costs_catalog.COSTS_MESSAGES,
    commands=(Command("costs", handlers.costs_command, 90), Command("export", handlers.export_command, 100)),
    taps=MappingProxyType({COSTS_VERB: handlers.cost_tap}),
    states=(
        screen(COSTS_MENU),
        State(
            COSTS_PRICE,
            Source.PRICE,
            "router.hint.costs.price",
            accepts=TEXT,
            take=_price_text,
            buttons=_price_buttons,
            leave=_forget_price,
            asked=_price_asked,
        ),
        screen(EXPORT_PERIOD),
    ),
    on_location=handlers.shared_location,
    pings=MappingProxyType({MonthlyCostSummary: _monthly_summary}),
    charge_notes=history_costs,
    wired=lambda services: services.features.has(COSTS),
)
"""/costs and /export, the `co` taps, the asked price, and a location shared while nothing waits."""
