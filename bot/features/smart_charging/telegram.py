"""/smartcharge, /smarttariff, the smart-charging taps and the tariff set-up: parse, call a use case, render.

The tariff set-up asks with buttons which kind, Octopus regions by name, fixed rates typed once: its taps are
`1.tf..<step>` (`menu`, `fixed`, `url`, `octopus`, `r:<region letter>`), and its two typed steps (the fixed
rates, a price-feed address) are registry states (`tariff.fixed`, `tariff.url`), so anything else typed or
sent there is answered with what is expected. The tariff is stored by the smart-charging use case, which
both /smartcharge and /costs read. The typed forms `octopus C`, `url https://...` and
`fixed PEAK OFFPEAK HH:MM HH:MM` still work after /smarttariff.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import time
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Final

from babel.numbers import get_territory_currencies
from telegram import Update

from bot.domain.tariff import TariffChoice, TariffKind
from bot.features.smart_charging import catalog as smart_charging_catalog
from bot.features.smart_charging import render
from bot.features.smart_charging.events import SmartChargeSwitched, SmartPlanReady, SmartPlanWithdrawn
from bot.features.smart_charging.logic.schedule import SmartGoalSetting
from bot.features.smart_charging.ports import SMART_CHARGING, SmartChargePort, TariffDown
from bot.features.smart_charging.render import SMART_VERB, TARIFF_VERB
from bot.services.errors import InvalidInput
from bot.telegram_ui import places
from bot.telegram_ui.callback_data import Callback
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.stale import answer_stale
from bot.telegram_ui.conversation.states import TEXT, State, screen
from bot.telegram_ui.conversation.where import Source, Spot, forget, remember
from bot.telegram_ui.handlers.common import chat_id_of, edit, reply
from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.keyboards import choice_keyboard
from bot.telegram_ui.parts import Command, TelegramPart
from bot.telegram_ui.patience import Waiting

# The states this part declares, by the names stored with a chat's screen (never change one).
SMART_MENU: Final = StateName("smart.menu")
TARIFF_PROVIDER: Final = StateName("tariff.provider")
TARIFF_REGION: Final = StateName("tariff.region")
TARIFF_FIXED: Final = StateName("tariff.fixed")
TARIFF_URL: Final = StateName("tariff.url")

# Octopus Agile's regions (the grid supply point groups), by the letter its API names them.
REGIONS = ("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P")
# A price per kWh above this is a typo (a price in cents, a missing decimal point).
MAX_PRICE = Decimal(5)
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_TIME = r"(\d{1,2})(?:[:hH.](\d{2})|[hH])?"
_FIXED = re.compile(rf"\s*{_NUMBER}\s*[/;\s]\s*{_NUMBER}\s*[,;\s]\s*{_TIME}\s*[-–/\s]\s*{_TIME}\s*")


def _port(context: BotContext) -> SmartChargePort:
    # Its part is only wired when the use case was built: `FeatureMissing` (a LookupError) otherwise.
    return context.services.features.of(SMART_CHARGING)


async def smartcharge(update: Update, context: BotContext) -> None:
    """/smartcharge: first a tariff (with the button to set it), then the target level for the active car."""
    view = await context.chat_view(update)
    chat_id = chat_id_of(update)
    vehicle_id = await _port(context).active_vehicle(chat_id)
    if await _port(context).tariff(chat_id) is None:
        await reply(update, view.tr("tariff.needed_smart"), render.tariff_setup_button(view.tr))
        return
    markup = render.target_keyboard(view.tr, vehicle_id)
    await reply(update, render.text(view.tr, "smart.ask_target"), markup)
    await remember(context, update, SMART_MENU, markup, vehicle_id=vehicle_id)


async def smarttariff(update: Update, context: BotContext) -> None:
    """/smarttariff: the tariff set-up with buttons; the typed forms (`octopus C`...) still work."""
    view = await context.chat_view(update)
    if not context.args:
        await tariff_menu(update, context)
        return
    choice = parse_tariff(context.args)
    if choice is None:
        await reply(update, render.text(view.tr, "smart.tariff.help"), render.tariff_setup_button(view.tr))
        return
    try:
        await _port(context).set_tariff(chat_id_of(update), choice)
    except InvalidInput as error:
        await reply(update, "\n".join(render.text(view.tr, r) for r in error.reasons))
        return
    await reply(update, render.text(view.tr, "smart.tariff.saved"))


async def smart_tap(update: Update, context: BotContext, payload: Callback) -> None:
    """Every smart-charging button (routed by the codec's `sc` verb)."""
    query = update.callback_query
    assert query is not None
    view = await context.chat_view(update)
    tap = render.tap_of(payload)
    port = context.services.features.get(SMART_CHARGING)
    if tap is None or port is None:
        await answer_stale(update, context)
        return
    await query.answer()
    chat_id, tr = chat_id_of(update), view.tr
    try:
        if tap.verb == "t" and tap.target is not None:
            markup = render.ready_keyboard(tap.vehicle_id, tap.target)
            await edit(query, render.text(tr, "smart.ask_ready", level=tr.percent(tap.target)), markup)
            await remember(context, update, SMART_MENU, markup, vehicle_id=tap.vehicle_id)
            return
        if tap.verb == "r" and tap.target is not None and tap.ready_at is not None:
            goal = SmartGoalSetting(chat_id, tap.vehicle_id, tap.target, tap.ready_at)
            shown = await Waiting(update, context).run(port.plan_for(goal))
            rendered = render.render_plan(tr, shown.summary(), shown.time_zone)
            markup = render.plan_keyboard(tr, tap.vehicle_id, daily=False)
            await edit(query, rendered, markup)
            await remember(context, update, SMART_MENU, markup, vehicle_id=tap.vehicle_id)
            return
        await forget(context, update)
        if tap.verb == "ok":
            planned = await Waiting(update, context).run(port.confirm(chat_id, tap.vehicle_id))
            # Keep Cancel under the confirmation: it is how the owner gets the old schedule back.
            confirmed = render.render_confirmed(tr, planned, view.settings.time_zone)
            await edit(query, confirmed, render.cancel_keyboard(tr, tap.vehicle_id))
        elif tap.verb == "no":
            told = await Waiting(update, context).run(port.cancel(chat_id, tap.vehicle_id))
            await edit(query, render.text(tr, "smart.cancelled" if told else "smart.cancelled.nothing"))
        else:
            daily = tap.verb == "d1"
            await port.set_daily(chat_id, tap.vehicle_id, daily)
            await edit(query, render.text(tr, "smart.daily.on" if daily else "smart.daily.off"))
    except InvalidInput as error:
        await edit(query, "\n".join(render.text(tr, r) for r in error.reasons))
    except TariffDown as error:
        await edit(
            query,
            render.text(tr, "smart.error.tariff_refused" if error.refused else "smart.error.tariff_down"),
        )


# The tariff set-up.


def _t(step: str) -> Callback:
    return Callback(TARIFF_VERB, None, step)


def currency_of(view: ChatView) -> str:
    """The owner's currency: their time zone's country's (EUR when it names none)."""
    country = places.zone_country(view.settings.time_zone)
    found = get_territory_currencies(country, tender=True) if country else []
    return str(found[0]) if found else "EUR"


async def tariff_menu(update: Update, context: BotContext, *, in_place: bool = False) -> None:
    """Which kind of tariff: fixed prices, Octopus Agile, or a price feed."""
    view = await context.chat_view(update)
    tr = view.tr
    markup = choice_keyboard(
        [
            (tr("tariff.button.fixed"), _t("fixed")),
            (tr("tariff.button.octopus"), _t("octopus")),
            (tr("tariff.button.url"), _t("url")),
        ],
        width=1,
    )
    query = update.callback_query
    if in_place and query is not None:
        await edit(query, tr("tariff.ask_kind"), markup)
    else:
        await reply(update, tr("tariff.ask_kind"), markup)
    await remember(context, update, TARIFF_PROVIDER, markup)


async def tariff_tap(update: Update, context: BotContext, payload: Callback) -> None:
    """Every `tf` button."""
    query = update.callback_query
    assert query is not None
    if not context.services.features.has(SMART_CHARGING):
        await answer_stale(update, context)
        return
    view = await context.chat_view(update)
    tr, step = view.tr, payload.arg
    back = (tr("button.back"), _t("menu"))
    if step == "menu":
        await query.answer()
        await tariff_menu(update, context, in_place=True)
    elif step == "fixed":
        await query.answer()
        markup = choice_keyboard([], back=back)
        currency = currency_of(view)
        await edit(
            query, tr("tariff.ask_fixed", example=render.example(tr, currency), currency=currency), markup
        )
        await remember(context, update, TARIFF_FIXED, markup)
    elif step == "url":
        await query.answer()
        markup = choice_keyboard([], back=back)
        await edit(query, tr("tariff.ask_url"), markup)
        await remember(context, update, TARIFF_URL, markup)
    elif step == "octopus":
        await query.answer()
        regions = [(tr(f"tariff.region.{letter}"), _t(f"r:{letter}")) for letter in REGIONS]
        markup = choice_keyboard(regions, width=2, back=back)
        await edit(query, tr("tariff.ask_region"), markup)
        await remember(context, update, TARIFF_REGION, markup)
    elif step.startswith("r:") and step[2:] in REGIONS:
        await query.answer()
        region = step[2:]
        choice = TariffChoice(TariffKind.OCTOPUS, region=region, currency="GBP")
        saved = tr("tariff.saved_octopus", region=tr(f"tariff.region.{region}"))
        await _store(update, context, view, choice, saved)
    else:
        await answer_stale(update, context)


def parse_fixed(text: str) -> tuple[Decimal, Decimal, time, time] | str:
    """Peak, off-peak, off-peak start and end from one typed line; else the catalog key of what is wrong."""
    match = _FIXED.fullmatch(text)
    if match is None:
        return "tariff.error.fixed_form"
    try:
        peak, off_peak = (Decimal(match.group(i).replace(",", ".")) for i in (1, 2))
        start = time(int(match.group(3)), int(match.group(4) or 0))
        end = time(int(match.group(5)), int(match.group(6) or 0))
    except (InvalidOperation, ValueError):
        return "tariff.error.fixed_time"
    if peak > MAX_PRICE or off_peak > MAX_PRICE:
        return "tariff.error.fixed_price"
    if start == end:
        return "tariff.error.fixed_window"
    return peak, off_peak, start, end


async def typed_fixed(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    """The fixed rates, typed once: stored when they read well, else what is wrong and the example again."""
    message = update.effective_message
    parsed = parse_fixed((message.text or "") if message is not None else "")
    tr, currency = view.tr, currency_of(view)
    if isinstance(parsed, str):
        await reply(
            update, tr(parsed, example=render.example(tr, currency), currency=currency), spot.keyboard
        )
        return
    peak, off_peak, start, end = parsed
    choice = TariffChoice(TariffKind.FIXED, None, None, peak, off_peak, start, end, currency=currency)
    saved = tr(
        "tariff.saved_fixed",
        peak=_money(tr, peak, currency),
        off_peak=_money(tr, off_peak, currency),
        start=f"{start:%H:%M}",
        end=f"{end:%H:%M}",
    )
    await _store(update, context, view, choice, saved)


async def typed_url(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    """A price-feed address: stored when it is an https:// address (the feed itself is read when used)."""
    message = update.effective_message
    url = ((message.text or "") if message is not None else "").strip()
    choice = TariffChoice(TariffKind.URL, url=url, currency=currency_of(view))
    await _store(update, context, view, choice, view.tr("tariff.saved_url"), keyboard_on_error=spot)


def _money(tr: Translator, amount: Decimal, currency: str) -> str:
    return f"{tr.number(amount, 2)} {currency}"


async def _store(
    update: Update,
    context: BotContext,
    view: ChatView,
    choice: TariffChoice,
    saved: str,
    keyboard_on_error: Spot | None = None,
) -> None:
    smart = context.services.features.get(SMART_CHARGING)
    if smart is None:
        return
    try:
        await smart.set_tariff(chat_id_of(update), choice)
    except InvalidInput as error:
        problems = "\n".join(view.tr(reason) for reason in error.reasons)
        await reply(update, problems, keyboard_on_error.keyboard if keyboard_on_error is not None else None)
        return
    await forget(context, update)
    text = f"{saved}\n{view.tr('tariff.next')}"
    if update.callback_query is not None:
        await edit(update.callback_query, text)
    else:
        await reply(update, text)


def parse_tariff(args: Sequence[str]) -> TariffChoice | None:
    """The tariff a /smarttariff command names; None when unreadable."""
    if len(args) == 2 and args[0].lower() == "octopus":
        return TariffChoice(TariffKind.OCTOPUS, region=args[1].upper(), currency="GBP")
    if len(args) == 2 and args[0].lower() == "url":
        return TariffChoice(TariffKind.URL, url=args[1])
    if len(args) == 5 and args[0].lower() == "fixed":
        try:
            peak, off_peak = Decimal(args[1].replace(",", ".")), Decimal(args[2].replace(",", "."))
            start, end = time.fromisoformat(args[3]), time.fromisoformat(args[4])
        except (InvalidOperation, ValueError):
            return None
        return TariffChoice(
            TariffKind.FIXED, peak=peak, off_peak=off_peak, off_peak_start=start, off_peak_end=end
        )
    return None


PART = TelegramPart(
    name="smart charging",
    catalog=smart_charging_catalog.CATALOGS,
    commands=(Command("smartcharge", smartcharge, 50), Command("smarttariff", smarttariff, 60)),
    taps=MappingProxyType({SMART_VERB: smart_tap, TARIFF_VERB: tariff_tap}),
    tariff_setup=render.tariff_setup_button,
    states=(
        screen(SMART_MENU),
        screen(TARIFF_PROVIDER),
        screen(TARIFF_REGION),
        State(
            TARIFF_FIXED,
            Source.SCREEN,
            "router.hint.tariff.fixed",
            accepts=TEXT,
            take=typed_fixed,
        ),
        State(
            TARIFF_URL,
            Source.SCREEN,
            "router.hint.tariff.url",
            accepts=TEXT,
            take=typed_url,
        ),
    ),
    pings=MappingProxyType(
        {
            SmartPlanReady: render.plan_ready,
            SmartChargeSwitched: render.switched,
            SmartPlanWithdrawn: render.withdrawn,
        }
    ),
    ping_buttons=MappingProxyType(
        {
            SmartPlanReady: render.plan_ready_buttons,
            SmartChargeSwitched: render.switched_buttons,
            SmartPlanWithdrawn: render.withdrawn_buttons,
        }
    ),
    wired=lambda services: services.features.has(SMART_CHARGING),
)
"""The /smartcharge and /smarttariff commands, the `sc` and tariff taps, the tariff questions."""
