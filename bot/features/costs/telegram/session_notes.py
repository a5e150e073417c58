"""The cost part of /history: each session's cost, this month's total, and a Price button per away charge.

The costs part hands it as its `charge_notes` (bot/telegram_ui/parts.py): the history part asks the front
for the notes on the charges it lists and never imports this feature.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from telegram import InlineKeyboardMarkup

from bot.domain.pricing import Unpriced
from bot.domain.vehicle import LinkedVehicle, Right
from bot.domain.zones import zone_or_utc
from bot.features.costs.logic import Place, month_of, month_start
from bot.features.costs.ports import COSTS
from bot.features.costs.render import money, session_cost
from bot.features.costs.telegram.refs import costs_callback, session_ref
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.formatting import KWH
from bot.telegram_ui.keyboards import button
from bot.telegram_ui.parts import ChargeNotes

AWAY_BUTTONS = 3


async def history_costs(
    context: BotContext, view: ChatView, vehicle: LinkedVehicle, started: Sequence[datetime]
) -> ChargeNotes:
    """Cost texts by session start, this month's line, and buttons to price away charges.

    `started` holds the start of each charge /history lists for `vehicle` (the history feature hands them).
    """
    port = context.services.features.get(COSTS)
    if port is None or not started:
        return ChargeNotes()
    chat_id, tr = view.settings.chat_id, view.tr
    zone = zone_or_utc(view.settings.time_zone)
    oldest = min(started)
    this_month = month_start(month_of(context.now().astimezone(zone).date()), zone)
    costs = await port.session_costs(chat_id, min(oldest, this_month))
    mine = [c for c in costs if c.vehicle_id == vehicle.vehicle_id]
    texts = {c.started_at: session_cost(tr, c) for c in mine}
    month = [c for c in costs if c.started_at >= this_month and c.cost is not None]
    month_text = None
    if month:
        currency = month[0].currency
        total = sum((c.cost for c in month if c.cost is not None), Decimal(0))
        kwh = sum(float(c.grid_kwh or 0) for c in month)
        month_text = tr("costs.history_month", cost=money(tr, total, currency), kwh=tr.unit(kwh, KWH, 1))
    rows = []
    # Up to three recent charges get a button: an away charge its price (or "it was at home"), any other
    # its "it was away" (a car without a position is priced as home until the owner says otherwise). Where a
    # car charged is location data: a chat without the location right gets no such button.
    may_place = Right.LOCATE in vehicle.rights
    for cost in list(reversed(mine))[:AWAY_BUTTONS] if may_place else []:
        when = tr.when(cost.started_at.astimezone(zone))
        ref = session_ref(cost.started_at)
        if cost.place is Place.AWAY and cost.reason is Unpriced.AWAY:
            rows.append(
                [
                    button(
                        tr("costs.button.away_price", when=when), costs_callback(f"ap:{ref}", cost.vehicle_id)
                    ),
                    button(
                        tr("costs.button.at_home", when=when), costs_callback(f"ah:{ref}", cost.vehicle_id)
                    ),
                ]
            )
        elif cost.place is not Place.AWAY and cost.ended_at is not None:
            rows.append(
                [button(tr("costs.button.was_away", when=when), costs_callback(f"ap:{ref}", cost.vehicle_id))]
            )
    return ChargeNotes(texts, month_text, InlineKeyboardMarkup(rows) if rows else None)
