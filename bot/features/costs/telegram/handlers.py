"""/costs, /export, the `co` taps (Home & costs, export, away prices), a shared location, a typed price.

Taps: `1.co..menu`, `hc` (car's position is home), `hx` (forget home), `h:<lat>:<lon>` (a shared location),
`r:<m>` radius, `l:<pct>` loss, `m1`/`m0` monthly summary, `x:<m|l|y|a>` export period; with a vehicle:
`ap:<µs>` ask the price of the session started at that instant, `ah:<µs>` it was at home, `an` leave it.
The only typed step (an away price) is remembered in the database by the cost service, with an expiry.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final

from telegram import InlineKeyboardMarkup, Update

from bot.domain.zones import zone_or_utc
from bot.features.costs.logic import MONTHS_SHOWN, CostSettings, month_of, month_start, previous_month
from bot.features.costs.ports import COSTS, CostsPort
from bot.features.costs.render import money, month_name, render_costs, settings_text
from bot.features.costs.telegram.chart import CostChartLabels, monthly_cost_chart
from bot.features.costs.telegram.export_csv import write_csv
from bot.features.costs.telegram.refs import costs_callback, session_from_ref
from bot.features.smart_charging.ports import SMART_CHARGING
from bot.services.errors import InvalidInput
from bot.telegram_ui.callback_data import SETTINGS_VERB, Callback
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.stale import answer_stale
from bot.telegram_ui.conversation.where import forget, remember
from bot.telegram_ui.handlers.common import chat_id_of, edit, reply
from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.keyboards import button, choice_keyboard

# The states this part declares, by the names stored with a chat's screen (never change one).
COSTS_MENU: Final = StateName("costs.menu")
EXPORT_PERIOD: Final = StateName("export.period")
COSTS_PRICE: Final = StateName("costs.price")

log = logging.getLogger(__name__)

RADII = (100, 150, 300, 500)
LOSSES = (0, 5, 10, 15, 20)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _port(context: BotContext) -> CostsPort:
    return context.services.features.of(COSTS)  # their part is only wired when they are


def settings_keyboard(tr: Translator, settings: CostSettings) -> InlineKeyboardMarkup:
    """The Home & costs buttons."""
    radius = settings.home.radius_m if settings.home else 150
    next_radius = RADII[(RADII.index(radius) + 1) % len(RADII)] if radius in RADII else RADII[1]
    loss = int(settings.loss * 100)
    next_loss = LOSSES[(LOSSES.index(loss) + 1) % len(LOSSES)] if loss in LOSSES else 10
    choices = [(tr("costs.button.home_car"), costs_callback("hc"))]
    if settings.home is not None:
        choices += [
            (tr("costs.button.radius", radius=radius), costs_callback(f"r:{next_radius}")),
            (tr("costs.button.home_clear"), costs_callback("hx")),
        ]
    monthly = "costs.button.monthly_on" if settings.monthly_summary else "costs.button.monthly_off"
    choices += [
        (tr("costs.button.loss", loss=tr.percent(loss)), costs_callback(f"l:{next_loss}")),
        (tr(monthly), costs_callback("m0" if settings.monthly_summary else "m1")),
    ]
    return choice_keyboard(choices, width=1, back=(tr("button.back"), Callback(SETTINGS_VERB, None, "menu")))


async def costs_command(update: Update, context: BotContext) -> None:
    """/costs: this month and the last 12, then the monthly chart."""
    view = await context.chat_view(update)
    chat_id, tr = chat_id_of(update), view.tr
    port = _port(context)
    # The tariff is smart charging's (its port, under its key); its part draws the button that sets it up.
    tariffs, setup = context.services.features.get(SMART_CHARGING), context.bot_data.front.tariff_setup
    if tariffs is not None and setup is not None and await tariffs.tariff(chat_id) is None:
        # Said first, with the way to fix it: without a tariff no charge has a price.
        await reply(update, tr("tariff.needed_costs"), setup(tr))
    overview = await port.overview(chat_id)
    zone = zone_or_utc(overview.time_zone)
    since = month_start(overview.months[0].month, zone)
    costs = await port.session_costs(chat_id, since)
    settings = await port.settings(chat_id)
    await reply(update, render_costs(tr, overview, settings, costs))
    currency = next((m.currency for m in overview.months if m.currency), "") or ""
    labels = CostChartLabels(
        title=tr("costs.chart_title"),
        cost_axis=tr("costs.chart_cost", currency=currency),
        price_axis=tr("costs.chart_price"),
        months=tuple(month_name(tr, m.month) for m in overview.months),
    )
    png = await asyncio.to_thread(monthly_cost_chart, overview.months, labels)
    await context.bot.send_photo(chat_id, photo=png, caption=tr("costs.chart_title"))


async def export_command(update: Update, context: BotContext) -> None:
    """/export: which period."""
    view = await context.chat_view(update)
    tr = view.tr
    choices = [
        (tr(f"costs.export.{key}"), costs_callback(f"x:{key[0]}"))
        for key in ("this_month", "last_month", "year", "all")
    ]
    markup = choice_keyboard(choices, width=2)
    await reply(update, tr("costs.export.ask"), markup)
    await remember(context, update, EXPORT_PERIOD, markup)


def export_period(code: str, now: datetime, zone_name: str) -> tuple[datetime, datetime] | None:
    """[since, until) of an export period code in the chat's zone: this month, last month, 12 months, all."""
    zone = zone_or_utc(zone_name)
    current = month_of(now.astimezone(zone).date())
    if code == "t":
        return month_start(current, zone), now + timedelta(seconds=1)
    if code == "l":
        return month_start(previous_month(current), zone), month_start(current, zone)
    if code == "y":
        first = current
        for _ in range(MONTHS_SHOWN - 1):
            first = previous_month(first)
        return month_start(first, zone), now + timedelta(seconds=1)
    if code == "a":
        return _EPOCH, now + timedelta(seconds=1)
    return None


async def _export(update: Update, context: BotContext, view: ChatView, code: str) -> None:
    chat_id, tr = chat_id_of(update), view.tr
    period = export_period(code, context.now(), view.settings.time_zone)
    if period is None:
        await reply(update, tr("callback.stale"))
        return
    rows = await _port(context).export(chat_id, *period)
    written = await write_csv(rows, zone_or_utc(view.settings.time_zone))
    since = period[0].astimezone(zone_or_utc(view.settings.time_zone)).date()
    name = "charging-all.csv" if code == "a" else f"charging-{since:%Y-%m}.csv"
    caption = tr(
        "costs.export.caption",
        sessions=written.sessions,
        readings=written.readings,
        zone=view.settings.time_zone,
    )
    try:
        await context.bot.send_document(chat_id, document=written.file, filename=name, caption=caption)
    finally:
        written.file.close()


async def cost_tap(update: Update, context: BotContext, payload: Callback) -> None:
    """Every `co` button."""
    query = update.callback_query
    assert query is not None
    view = await context.chat_view(update)
    if not context.services.features.has(COSTS):
        await answer_stale(update, context)
        return
    await query.answer()
    what, _, value = payload.arg.partition(":")
    try:
        if what == "x":
            await forget(context, update)
            await _export(update, context, view, value)
        elif payload.vehicle_id is not None:
            await _session_tap(update, context, view, payload.vehicle_id, what, value)
        else:
            await _settings_tap(update, context, view, what, value)
    except InvalidInput as error:
        await edit(query, "\n".join(view.tr(r) for r in error.reasons))


async def _settings_tap(update: Update, context: BotContext, view: ChatView, what: str, value: str) -> None:
    query = update.callback_query
    assert query is not None
    port, chat_id, tr = _port(context), chat_id_of(update), view.tr
    settings = await port.settings(chat_id)
    if what == "h":
        lat, _, lon = value.partition(":")
        try:
            home = await port.set_home(chat_id, float(lat), float(lon))
        except ValueError:
            raise InvalidInput(["costs.error.home_outside"]) from None
        await edit(query, tr("costs.home_saved", radius=home.radius_m))
        await forget(context, update)
        return
    if what == "hc":
        await port.set_home_from_car(chat_id)
    elif what == "hx":
        await port.save_settings(dataclasses.replace(settings, home=None))
    elif what == "r" and value.isdigit() and settings.home is not None and int(value) in RADII:
        home = dataclasses.replace(settings.home, radius_m=int(value))
        await port.save_settings(dataclasses.replace(settings, home=home))
    elif what == "l" and value.isdigit() and int(value) in LOSSES:
        await port.save_settings(dataclasses.replace(settings, loss=Decimal(value) / 100))
    elif what in ("m0", "m1"):
        await port.save_settings(dataclasses.replace(settings, monthly_summary=what == "m1"))
    settings = await port.settings(chat_id)
    markup = settings_keyboard(tr, settings)
    await edit(query, settings_text(tr, settings), markup)
    await remember(context, update, COSTS_MENU, markup)


async def _session_tap(
    update: Update, context: BotContext, view: ChatView, vehicle_id: int, what: str, value: str
) -> None:
    query = update.callback_query
    assert query is not None
    port, chat_id, tr = _port(context), chat_id_of(update), view.tr
    if what == "an":
        await port.cancel_awaiting(chat_id)
        await edit(query, tr("costs.cancelled"))
        return
    started = session_from_ref(value)
    if started is None or what not in ("ap", "ah"):
        await answer_stale(update, context)
        return
    if what == "ah":
        await port.mark_home(chat_id, vehicle_id, started)
        await edit(query, tr("costs.at_home_saved"))
        return
    await port.ask_away_price(chat_id, vehicle_id, started)
    when = tr.when(started.astimezone(zone_or_utc(view.settings.time_zone)))
    keyboard = InlineKeyboardMarkup([[button(tr("costs.button.leave"), costs_callback("an", vehicle_id))]])
    await reply(update, tr("costs.ask_price", when=when), keyboard)


async def typed_text(update: Update, context: BotContext) -> None:
    """A text outside any conversation: the away price the chat was asked for, if it was asked."""
    port = context.services.features.get(COSTS)
    message = update.effective_message
    if port is None or message is None or message.text is None:
        return
    chat_id = chat_id_of(update)
    if await port.awaiting_price(chat_id) is None:
        return  # not ours: no question is pending
    view = await context.chat_view(update)
    try:
        cost = await port.set_away_price(chat_id, message.text)
    except InvalidInput as error:
        await reply(update, "\n".join(view.tr(r) for r in error.reasons))
        return
    amount = money(view.tr, cost.cost, cost.currency) if cost.cost is not None else "-"
    await reply(update, view.tr("costs.price_saved", cost=amount))


async def shared_location(update: Update, context: BotContext) -> None:
    """A location sent to the bot: offer it as home (stateless: the point rides in the button)."""
    message = update.effective_message
    if not context.services.features.has(COSTS) or message is None or message.location is None:
        return
    view = await context.chat_view(update)
    tr = view.tr
    point = message.location
    settings = await _port(context).settings(chat_id_of(update))
    radius = settings.home.radius_m if settings.home else 150
    keyboard = choice_keyboard(
        [
            (tr("costs.button.use_home"), costs_callback(f"h:{point.latitude:.5f}:{point.longitude:.5f}")),
            (tr("costs.button.no"), costs_callback("menu")),
        ],
        width=2,
    )
    await reply(update, tr("costs.use_location", radius=radius), keyboard)
    await remember(context, update, COSTS_MENU, keyboard)
